package faults

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// Faults are the faults a run knows, in the order a full run injects them.
var Faults = []string{"flushall", "kill-worker", "kill-api", "pg-restart", "redis-down", "pg-down", "sigterm-worker"}

// FaultRecord is what one injected fault did.
type FaultRecord struct {
	Name    string  `json:"name"`
	At      float64 `json:"at_seconds"`   // since the run's load started
	Seconds float64 `json:"took_seconds"` // until what it broke was back
	Detail  string  `json:"detail"`
	// InFlight is how many load requests the receiver was answering when
	// it struck (of the process it stopped, for the worker faults).
	InFlight int `json:"requests_in_flight"`
	// PID is the process stopped, Gone whether it was then no more, and
	// NewPID the one started in its place.
	PID    int  `json:"pid,omitempty"`
	Gone   bool `json:"gone,omitempty"`
	NewPID int  `json:"new_pid,omitempty"`
	// SentAfterSIGTERM is how many requests the worker sent after SIGTERM
	// (sigterm-worker only; Ferry promises none).
	SentAfterSIGTERM *int `json:"sent_after_sigterm,omitempty"`
}

// inject injects fault name and waits until what it broke is back.
func (r *run) inject(ctx context.Context, name string) (FaultRecord, error) {
	rec := FaultRecord{Name: name, At: time.Since(r.loadStart).Seconds(), InFlight: r.rcv.inFlightOf(0)}
	start := time.Now()
	var err error
	switch name {
	case "flushall":
		c := r.redis.client()
		err = c.FlushAll(ctx).Err()
		c.Close()
		rec.Detail = fmt.Sprintf("FLUSHALL with %d requests in flight", rec.InFlight)
	case "kill-worker":
		err = r.kill(ctx, r.ferry.workers[0], &rec)
	case "kill-api":
		err = r.kill(ctx, r.ferry.api, &rec)
	case "pg-restart":
		if err = r.pg.stop(ctx, "fast"); err == nil {
			err = r.pg.start(ctx)
		}
		rec.Detail = fmt.Sprintf("pg_ctl stop -m fast with %d requests in flight, then started again", rec.InFlight)
	case "pg-down":
		if err = r.pg.stop(ctx, "immediate"); err == nil {
			err = sleep(ctx, r.o.PGDown)
		}
		if err == nil {
			err = r.pg.start(ctx)
		}
		rec.Detail = fmt.Sprintf("pg_ctl stop -m immediate with %d requests in flight, down %s", rec.InFlight, r.o.PGDown)
	case "redis-down":
		if rec.PID, err = r.redis.proc.signal(syscall.SIGKILL); err == nil {
			err = r.redis.proc.waitExit(ctx, 10*time.Second)
		}
		rec.Gone = err == nil && !alive(rec.PID)
		if err == nil {
			err = sleep(ctx, r.o.RedisDown)
		}
		if err == nil {
			err = r.redis.start(ctx)
		}
		rec.NewPID = r.redis.proc.pid()
		rec.Detail = fmt.Sprintf("kill -9 of redis-server pid %d with %d requests in flight, down %s, started again empty as pid %d",
			rec.PID, rec.InFlight, r.o.RedisDown, rec.NewPID)
	case "sigterm-worker":
		err = r.sigterm(ctx, r.ferry.workers[len(r.ferry.workers)-1], &rec)
	default:
		err = fmt.Errorf("unknown fault %q (one of %v)", name, Faults)
	}
	rec.Seconds = time.Since(start).Seconds()
	if err != nil {
		return rec, fmt.Errorf("fault %s: %w", name, err)
	}
	return rec, nil
}

// kill kills p with SIGKILL and starts it again after RestartAfter.
func (r *run) kill(ctx context.Context, p *proc, rec *FaultRecord) error {
	pid := p.pid()
	if p != r.ferry.api {
		rec.InFlight = r.rcv.inFlightOf(pid)
	}
	if _, err := p.signal(syscall.SIGKILL); err != nil {
		return err
	}
	if err := p.waitExit(ctx, 10*time.Second); err != nil {
		return err
	}
	rec.PID, rec.Gone = pid, !alive(pid)
	if err := sleep(ctx, r.o.RestartAfter); err != nil {
		return err
	}
	if err := r.ferry.start(ctx, p); err != nil {
		return err
	}
	rec.NewPID = p.pid()
	rec.Detail = fmt.Sprintf("kill -9 of %s pid %d with %d load requests in flight; started again as pid %d", p.name, pid, rec.InFlight, rec.NewPID)
	if p == r.ferry.api {
		rec.Detail = fmt.Sprintf("kill -9 of %s pid %d; started again as pid %d", p.name, pid, rec.NewPID)
	}
	return nil
}

// sigtermGrace is how late a request may reach the receiver after SIGTERM
// and still count as sent before it: the receiver's handler starts a
// moment after the bytes left the worker, later on a busy machine, and
// the worker stops starting requests once it has handled the signal.
const sigtermGrace = 250 * time.Millisecond

// sigterm slows the receiver down to SlowDelay, sends p SIGTERM while it
// has slow requests out, waits for it to exit, and starts it again.
func (r *run) sigterm(ctx context.Context, p *proc, rec *FaultRecord) error {
	pid := p.pid()
	r.rcv.setDelay(r.o.SlowDelay)
	defer r.rcv.setDelay(r.o.Delay)
	// Half a slow answer in, the requests out are at every stage.
	if err := sleep(ctx, r.o.SlowDelay/2); err != nil {
		return err
	}
	// Bounded: should it have none (the other worker took all), the
	// SIGTERM still shows it starts nothing new.
	_ = waitUntil(ctx, r.o.SlowDelay+5*time.Second, 20*time.Millisecond, p.name+" sending", func() (bool, error) {
		return r.rcv.inFlightOf(pid) > 0, nil
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	rec.InFlight = r.rcv.inFlightOf(pid)
	termAt := time.Now()
	if _, err := p.signal(syscall.SIGTERM); err != nil {
		return err
	}
	if err := p.waitExit(ctx, r.o.ShutdownTimeout+20*time.Second); err != nil {
		return err
	}
	exitedIn := time.Since(termAt)
	rec.PID, rec.Gone = pid, !alive(pid)
	after := r.rcv.startedAfter(pid, termAt.Add(sigtermGrace))
	rec.SentAfterSIGTERM = &after
	r.rcv.setDelay(r.o.Delay)
	if err := sleep(ctx, r.o.RestartAfter); err != nil {
		return err
	}
	if err := r.ferry.start(ctx, p); err != nil {
		return err
	}
	rec.NewPID = p.pid()
	rec.Detail = fmt.Sprintf("SIGTERM to %s pid %d with %d requests in flight answered in %s; exited in %s, %d requests sent after SIGTERM; started again as pid %d",
		p.name, pid, rec.InFlight, r.o.SlowDelay, exitedIn.Round(10*time.Millisecond), after, rec.NewPID)
	return nil
}

// sleep waits d, or less if ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
