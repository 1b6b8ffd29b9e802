package attempts

// SaveSQL and SaveArgs are SaveMany's statement on PostgreSQL and its
// parameters, for the tests of attempts_test.
var (
	SaveSQL  = saveSQL
	SaveArgs = saveArgs
)
