package faults_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/tools/faults"
)

// The short fault run that CI makes: a Ferry built from this checkout, as
// an API and two workers on a PostgreSQL and a Redis of the test's own, a
// Redis FLUSHALL, a worker killed with requests out, a PostgreSQL restart
// and a worker stopped with SIGTERM during slow deliveries, under load.
// Nothing is lost or stuck, every request the receiver got is an attempt
// on the record, and so every duplicate is explained.
func TestShortFaultRunLosesNothingAndRecordsEverySend(t *testing.T) {
	bin := buildFerry(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var progress bytes.Buffer
	start := time.Now()
	rep, err := faults.Run(ctx, faults.Options{
		Binary: bin, Faults: []string{"flushall", "kill-worker", "pg-restart", "sigterm-worker"},
		Rate: 50, Pause: 4 * time.Second, TimeoutSeconds: 5, SlowDelay: 3 * time.Second,
		ShutdownTimeout: 2 * time.Second, Drain: 2 * time.Minute, Progress: &progress,
	})
	var table bytes.Buffer
	_ = faults.Print(&table, rep, false)
	t.Logf("fault run in %s:\n%s\n%s", time.Since(start).Round(time.Second), progress.String(), table.String())
	if err != nil {
		t.Fatalf("fault run: %v", err)
	}

	if err := faults.Check(rep); err != nil {
		t.Errorf("%v (run directory with the logs: %s)", err, rep.RunDir)
	}
	if rep.Total.Acknowledged == 0 || rep.Unacknowledged != 0 {
		t.Errorf("%d events acknowledged, %d never: want some, and every one", rep.Total.Acknowledged, rep.Unacknowledged)
	}
	if !rep.Drained {
		t.Errorf("deliveries still open after the drain")
	}
	faultsDone := map[string]*faults.FaultRecord{}
	for _, p := range rep.Phases {
		if p.Fault != nil {
			faultsDone[p.Fault.Name] = p.Fault
		}
	}
	if len(faultsDone) != 4 {
		t.Fatalf("faults injected: %v, want the four asked for", faultsDone)
	}
	for _, name := range []string{"kill-worker", "sigterm-worker"} {
		f := faultsDone[name]
		if !f.Gone || f.NewPID == 0 || f.NewPID == f.PID {
			t.Errorf("%s: pid %d gone %v, new pid %d: want the worker stopped and another started", name, f.PID, f.Gone, f.NewPID)
		}
	}
	if f := faultsDone["sigterm-worker"]; f.SentAfterSIGTERM == nil || *f.SentAfterSIGTERM != 0 {
		t.Errorf("the worker sent %v requests after SIGTERM, want none", f.SentAfterSIGTERM)
	}
	// A request cut off by the kill or the shutdown is on the record as an
	// interrupted attempt.
	if f := faultsDone["kill-worker"]; f.InFlight > 0 && rep.Total.Interrupted == 0 {
		t.Errorf("the killed worker had %d requests out, and no attempt was recorded interrupted", f.InFlight)
	}
	starts := map[string]int{}
	for _, p := range rep.Processes {
		starts[p.Name] = p.Starts
		if len(p.UnexpectedExits) > 0 {
			t.Errorf("%s exited by itself: %v", p.Name, p.UnexpectedExits)
		}
	}
	if starts["postgres"] != 2 || starts["worker-1"] != 2 || starts["worker-2"] != 2 {
		t.Errorf("process starts %v: want PostgreSQL and both workers started twice", starts)
	}
}

// buildFerry builds the ferry command of this checkout into a temporary
// directory.
func buildFerry(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ferry")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "github.com/ferryhq/ferry")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
