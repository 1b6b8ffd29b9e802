package bench

import (
	"testing"
	"time"
)

// SetLoopback replaces the loopback measurement until the test ends.
func SetLoopback(t testing.TB, measure func(time.Duration, int) (float64, error)) {
	old := measureLoopback
	measureLoopback = measure
	t.Cleanup(func() { measureLoopback = old })
}
