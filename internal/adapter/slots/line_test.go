package slots

import "testing"

// A release wakes one waiter, the first in line not woken already; a
// wake-up a waiter leaves with goes to the next; the line is capped.
func TestALineWakesOneWaiterAtATime(t *testing.T) {
	var w waiters
	a, _ := w.join("cfg", 3)
	b, _ := w.join("cfg", 3)
	c, _ := w.join("cfg", 3)
	if _, ok := w.join("cfg", 3); ok {
		t.Fatal("a fourth waiter joined a line capped at 3")
	}
	woken := func() (out []string) {
		for name, ch := range map[string]chan struct{}{"a": a, "b": b, "c": c} {
			if len(ch) > 0 {
				out = append(out, name)
			}
		}
		return out
	}
	w.wake("cfg")
	if got := woken(); len(got) != 1 || got[0] != "a" {
		t.Fatalf("after one wake-up %v are woken, want [a]", got)
	}
	w.wake("cfg")
	if got := woken(); len(got) != 2 || len(b) != 1 {
		t.Fatalf("after two wake-ups %v are woken, want a and b", got)
	}
	if !w.first("cfg", a) || w.first("cfg", b) {
		t.Error("a should be first in line")
	}
	w.leave("cfg", a) // without using its wake-up
	if len(c) != 1 {
		t.Error("the wake-up a left with did not go to c")
	}
	if !w.first("cfg", b) {
		t.Error("b should be first once a left")
	}
	<-b
	w.leave("cfg", b)
	<-c
	w.leave("cfg", c)
	if len(w.lines) != 0 {
		t.Errorf("lines left behind: %v", w.lines)
	}
}
