package worker

// DeliveriesWithEvents is deliveriesWithEvents, for the tests of worker_test.
var DeliveriesWithEvents = deliveriesWithEvents
