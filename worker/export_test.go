package worker

// DeliveriesWithEvents is deliveriesWithEvents, for the tests of worker_test.
var DeliveriesWithEvents = deliveriesWithEvents

// ReadQuery is the statement that reads a wave's deliveries on PostgreSQL.
const ReadQuery = readQuery
