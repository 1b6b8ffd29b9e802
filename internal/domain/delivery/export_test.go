package delivery

// DeliveriesWithEvents reads a wave's deliveries, for the tests of delivery_test.
var DeliveriesWithEvents = deliveriesWithEvents
