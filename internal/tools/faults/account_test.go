package faults

import (
	"net"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The accounting on crafted inputs: what the receiver got against what
// PostgreSQL recorded, one event at a time. Each broken promise shows in
// its own column, and makes Bad true.
func TestTallyNamesEveryBrokenPromise(t *testing.T) {
	for _, tc := range []struct {
		desc string
		rcv  Received
		db   *Recorded // nil: no delivery row at all
		want Tally
		bad  bool
	}{
		{
			desc: "delivered once, one attempt",
			rcv:  Received{Requests: 1, Answered: 1},
			db:   &Recorded{Status: "SUCCEEDED", Attempts: 1},
			want: Tally{Acknowledged: 1, Delivered: 1, Requests: 1, Attempts: 1},
		},
		{
			desc: "cut off, recorded interrupted, sent again: an explained duplicate",
			rcv:  Received{Requests: 2, Answered: 1},
			db:   &Recorded{Status: "SUCCEEDED", Attempts: 2, Interrupted: 1},
			want: Tally{Acknowledged: 1, Delivered: 1, Duplicated: 1, DuplicatedExplained: 1, Interrupted: 1, Requests: 2, Attempts: 2},
		},
		{
			desc: "received twice with one attempt row: unexplained, and a send unrecorded",
			rcv:  Received{Requests: 2, Answered: 2},
			db:   &Recorded{Status: "SUCCEEDED", Attempts: 1},
			want: Tally{Acknowledged: 1, Delivered: 1, Duplicated: 1, DuplicatedUnexplained: 1, Unrecorded: 1, Requests: 2, Attempts: 1},
			bad:  true,
		},
		{
			desc: "received once and no attempt row: unrecorded though not duplicated",
			rcv:  Received{Requests: 1, Answered: 1},
			db:   &Recorded{Status: "SUCCEEDED"},
			want: Tally{Acknowledged: 1, Delivered: 1, Unrecorded: 1, Requests: 1},
			bad:  true,
		},
		{
			desc: "never received and FAILED: lost",
			db:   &Recorded{Status: "FAILED", Attempts: 3},
			want: Tally{Acknowledged: 1, Lost: 1, Attempts: 3},
			bad:  true,
		},
		{
			desc: "acknowledged and no delivery row: lost",
			want: Tally{Acknowledged: 1, Lost: 1},
			bad:  true,
		},
		{
			desc: "cut off every time and FAILED: received but lost",
			rcv:  Received{Requests: 2},
			db:   &Recorded{Status: "FAILED", Attempts: 2, Interrupted: 2},
			want: Tally{Acknowledged: 1, Lost: 1, Duplicated: 1, DuplicatedExplained: 1, Interrupted: 2, Requests: 2, Attempts: 2},
			bad:  true,
		},
		{
			desc: "still RETRYING after the drain: stuck, not lost",
			db:   &Recorded{Status: "RETRYING", Attempts: 1},
			want: Tally{Acknowledged: 1, Stuck: 1, Attempts: 1},
			bad:  true,
		},
		{
			desc: "answered yet still PENDING: delivered and stuck",
			rcv:  Received{Requests: 1, Answered: 1},
			db:   &Recorded{Status: "PENDING", Attempts: 1},
			want: Tally{Acknowledged: 1, Delivered: 1, Stuck: 1, Requests: 1, Attempts: 1},
			bad:  true,
		},
		{
			desc: "SUCCEEDED and never received",
			db:   &Recorded{Status: "SUCCEEDED", Attempts: 1},
			want: Tally{Acknowledged: 1, SucceededUnreceived: 1, Attempts: 1},
			bad:  true,
		},
		{
			desc: "SUCCEEDED though the receiver saw its only answer cut off: not lost",
			rcv:  Received{Requests: 1},
			db:   &Recorded{Status: "SUCCEEDED", Attempts: 1},
			want: Tally{Acknowledged: 1, Requests: 1, Attempts: 1},
		},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			db := map[string]Recorded{}
			if tc.db != nil {
				db["evt_1"] = *tc.db
			}
			got := tally([]string{"evt_1"}, map[string]Received{"evt_1": tc.rcv}, db, nil)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("tally (-want +got):\n%s", diff)
			}
			if got.Bad() != tc.bad {
				t.Errorf("Bad() = %v, want %v", got.Bad(), tc.bad)
			}
		})
	}
}

// Check fails a report whose total broke a promise, and names the count.
func TestCheckFailsOnAnUnexplainedDuplicate(t *testing.T) {
	ok := Report{Total: Tally{Acknowledged: 10, Delivered: 10, Duplicated: 2, DuplicatedExplained: 2}}
	if err := Check(ok); err != nil {
		t.Errorf("Check of a run with explained duplicates only: %v, want nil", err)
	}
	bad := ok
	bad.Total.Duplicated, bad.Total.DuplicatedUnexplained, bad.Total.Unrecorded = 3, 1, 1
	if err := Check(bad); err == nil {
		t.Error("Check of a run with an unexplained duplicate passed")
	}
}

// An event counts in the phase its first request ended in.
func TestPhaseAt(t *testing.T) {
	phases := []Phase{{Name: "steady", From: 0}, {Name: "flushall", From: 4}, {Name: "kill-worker", From: 8}}
	for _, tc := range []struct {
		offset float64
		want   int
	}{{-1, 0}, {0, 0}, {3.9, 0}, {4, 1}, {7.99, 1}, {8, 2}, {100, 2}} {
		if got := phaseAt(phases, tc.offset); got != tc.want {
			t.Errorf("phaseAt(%v) = %d, want %d", tc.offset, got, tc.want)
		}
	}
}

// The receiver tells workers apart by the process holding the socket a
// request came on: here, this test's own.
func TestSocketOwnerFindsTheProcessOfAConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	server := ln.Addr().(*net.TCPAddr)
	client := c.LocalAddr().(*net.TCPAddr)
	if got := socketOwner(client, server, []int{os.Getpid()}); got != os.Getpid() {
		t.Errorf("socketOwner = %d, want this process %d", got, os.Getpid())
	}
	if got := socketOwner(client, server, []int{1}); got != 0 {
		t.Errorf("socketOwner among other processes = %d, want 0", got)
	}
}
