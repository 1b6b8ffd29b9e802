package delivery

// Statements and readers of this package, for the tests of delivery_test.
var (
	SaveSQL              = saveSQL
	SaveArgs             = saveArgs
	DeliveriesWithEvents = deliveriesWithEvents
)
