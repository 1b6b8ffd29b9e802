package slots

import "time"

// SetClock gives f a clock of the test's.
func SetClock(f *Fair, now func() time.Time) { f.now = now }
