package queue

import (
	"testing"
	"time"
)

func TestCeilSecondNeverSchedulesEarly(t *testing.T) {
	base := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	for _, c := range []struct{ in, want time.Time }{
		{base, base},
		{base.Add(time.Nanosecond), base.Add(time.Second)},
		{base.Add(999 * time.Millisecond), base.Add(time.Second)},
		{base.Add(1500 * time.Millisecond), base.Add(2 * time.Second)},
	} {
		if got := ceilSecond(c.in); !got.Equal(c.want) {
			t.Errorf("ceilSecond(%s) = %s, want %s", c.in.Format(time.RFC3339Nano), got.Format(time.RFC3339Nano), c.want.Format(time.RFC3339Nano))
		}
	}
}
