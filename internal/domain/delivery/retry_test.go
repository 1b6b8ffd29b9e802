package delivery

import (
	"testing"
	"time"
)

func TestNextDelay(t *testing.T) {
	schedule := []int{5, 30, 120}
	cases := []struct {
		desc       string
		n          int
		retryAfter time.Duration
		jitter     float64
		want       time.Duration
		ok         bool
	}{
		{"first retry, no jitter", 1, 0, 0, 5 * time.Second, true},
		{"second retry, +20%", 2, 0, 1, 36 * time.Second, true},
		{"third retry, -20%", 3, 0, -1, 96 * time.Second, true},
		{"schedule used up", 4, 0, 0, 0, false},
		{"retry-after within bounds", 2, 45 * time.Second, 1, 45 * time.Second, true},
		{"retry-after below the schedule", 2, time.Second, 0, 30 * time.Second, true},
		{"retry-after above twice the schedule", 2, time.Hour, 0, 60 * time.Second, true},
	}
	for _, tc := range cases {
		got, ok := nextDelay(schedule, tc.n, tc.retryAfter, tc.jitter)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: nextDelay = %s, %v; want %s, %v", tc.desc, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := nextDelay(nil, 1, 0, 0); ok {
		t.Error("an empty schedule allows no retry")
	}
}
