package slots

import "time"

// SetNow gives f a clock of the test's.
func SetNow(f *Fair, now func() time.Time) { f.now = now }
