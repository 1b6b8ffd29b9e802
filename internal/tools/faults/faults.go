// Package faults runs Ferry as separate processes (an API and two workers
// on a PostgreSQL and a Redis of the run's own), breaks them under a
// steady load (Redis wiped or down, processes killed, PostgreSQL restarted
// or down, a worker stopped mid-delivery), and accounts for every event:
// acknowledged, delivered, lost, duplicated with or without an attempt on
// the record for each request, stuck, and sends PostgreSQL never heard
// of. RELIABILITY.md gives the figures of a full run.
package faults

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryhq/ferry/internal/tools/bench"
)

// Options choose the faults and the load.
type Options struct {
	Binary          string        // the ferry binary (default: this executable)
	Faults          []string      // in order; default all of Faults
	Rate            int           // events published per second
	Publishers      int           // publish calls at once, at most
	Delay           time.Duration // the receiver's answer time
	SlowDelay       time.Duration // its answer time while sigterm-worker strikes
	Pause           time.Duration // steady load before each fault and after the last
	RedisDown       time.Duration // how long redis-down keeps Redis down
	PGDown          time.Duration // how long pg-down keeps PostgreSQL down
	RestartAfter    time.Duration // how long a killed process stays down
	Drain           time.Duration // most time to wait for every delivery to end
	TimeoutSeconds  int           // the configuration's timeoutSeconds
	MaxParallel     int           // the configuration's maxParallel
	ShutdownTimeout time.Duration // the workers' FERRY_SHUTDOWN_TIMEOUT
	Dir             string        // where the run directory is made ("": the temp dir)
	Keep            bool          // keep the run directory, logs and data, even after a clean run
	Progress        io.Writer     // progress lines (default os.Stderr)
}

// Defaults fills what o leaves zero with the values of a full run.
func (o Options) Defaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if len(o.Faults) == 0 {
		o.Faults = slices.Clone(Faults)
	}
	if o.Rate <= 0 {
		o.Rate = 100
	}
	if o.Publishers <= 0 {
		o.Publishers = 32
	}
	if o.TimeoutSeconds <= 0 {
		o.TimeoutSeconds = 10
	}
	if o.MaxParallel <= 0 {
		o.MaxParallel = 100
	}
	def(&o.Delay, 400*time.Millisecond)
	def(&o.SlowDelay, 5*time.Second)
	def(&o.Pause, 20*time.Second)
	def(&o.RedisDown, 30*time.Second)
	def(&o.PGDown, 20*time.Second)
	def(&o.RestartAfter, time.Second)
	def(&o.Drain, 3*time.Minute)
	def(&o.ShutdownTimeout, 3*time.Second)
	if o.Progress == nil {
		o.Progress = os.Stderr
	}
	return o
}

// check refuses options the run cannot keep.
func (o Options) check() error {
	for _, f := range o.Faults {
		if !slices.Contains(Faults, f) {
			return fmt.Errorf("unknown fault %q (one of %s)", f, strings.Join(Faults, ", "))
		}
	}
	if o.SlowDelay >= time.Duration(o.TimeoutSeconds)*time.Second {
		return fmt.Errorf("the slow answer (%s) must come within the configuration's timeout (%ds)", o.SlowDelay, o.TimeoutSeconds)
	}
	return nil
}

// retrySchedule is the configuration's: short, so that a failed attempt
// is made again within the drain.
var retrySchedule = []int{1, 2, 5, 10, 20, 30, 60}

// run is one fault run under way.
type run struct {
	o         Options
	log       *slog.Logger
	dir       *runDir
	pg        *postgresServer
	redis     *redisServer
	ferry     *ferry
	rcv       *receiver
	loadStart time.Time

	mu     sync.Mutex
	phases []Phase
	now    atomic.Int32 // the phase under way
}

// Run starts PostgreSQL, Redis and Ferry, publishes under o.Faults, and
// accounts for every event. Whatever happens, it stops every process it
// started and removes its data; the logs stay when the run failed (or
// o.Keep).
func Run(ctx context.Context, o Options) (rep Report, err error) {
	o = o.Defaults()
	if err := o.check(); err != nil {
		return Report{}, err
	}
	if o.Binary == "" {
		if o.Binary, err = os.Executable(); err != nil {
			return Report{}, err
		}
	}
	if err := requirePrograms(); err != nil {
		return Report{}, err
	}
	logger := slog.New(slog.NewTextHandler(o.Progress, nil))
	dir, err := newRunDir(o.Dir, logger)
	if err != nil {
		return Report{}, err
	}
	logger.Info("fault run", "dir", dir.path, "faults", strings.Join(o.Faults, ","))
	r := &run{o: o, log: logger, dir: dir}
	defer func() {
		if r.cleanup(err != nil || rep.Total.Bad()) {
			rep.RunDir = dir.path
		}
	}()
	if err := r.startAll(ctx); err != nil {
		return Report{}, err
	}
	return r.runLoad(ctx)
}

// startAll starts PostgreSQL, Redis, migrates, and starts Ferry's
// processes and the receiver.
func (r *run) startAll(ctx context.Context) error {
	var err error
	if r.pg, err = newPostgres(ctx, r.dir); err != nil {
		return err
	}
	if err := r.pg.start(ctx); err != nil {
		return err
	}
	if err := r.pg.createDatabase(ctx, "ferry"); err != nil {
		return fmt.Errorf("create database: %w", err)
	}
	if r.redis, err = newRedis(r.dir); err != nil {
		return err
	}
	if err := r.redis.start(ctx); err != nil {
		return err
	}
	r.ferry, err = newFerry(r.dir, r.o.Binary, r.pg.url("ferry"), r.redis.url(), 2,
		map[string]string{"FERRY_SHUTDOWN_TIMEOUT": r.o.ShutdownTimeout.String()})
	if err != nil {
		return err
	}
	if err := r.ferry.migrate(ctx); err != nil {
		return err
	}
	for _, p := range r.ferry.all() {
		if err := r.ferry.start(ctx, p); err != nil {
			return err
		}
	}
	r.rcv, err = newReceiver(r.o.Delay, r.ferry.workerPIDs)
	return err
}

// runLoad sets up the account, publishes through the faults, drains, and
// accounts.
func (r *run) runLoad(ctx context.Context) (Report, error) {
	client := bench.NewClient(r.ferry.apiURL, r.o.Publishers*2)
	client.SetTimeout(10 * time.Second)
	setup, err := client.Prepare(ctx, r.ferry.adminToken, bench.Spec{EventType: eventType, URL: r.rcv.url, Configs: 1,
		MaxParallel: r.o.MaxParallel, TimeoutSeconds: r.o.TimeoutSeconds, RetrySchedule: retrySchedule})
	if err != nil {
		return Report{}, err
	}
	db, err := sql.Open("postgres", r.pg.url("ferry"))
	if err != nil {
		return Report{}, err
	}
	defer db.Close()

	l := newLoad(client, setup.Token, r.o.Rate, func() int { return int(r.now.Load()) })
	loadCtx, giveUp := context.WithCancel(ctx)
	defer giveUp()
	stop, loaded := make(chan struct{}), make(chan struct{})
	r.loadStart = time.Now()
	r.newPhase("steady")
	go func() { defer close(loaded); l.run(loadCtx, stop, r.o.Publishers) }()
	r.log.Info("load started", "rate", r.o.Rate, "receiver_delay", r.o.Delay)

	if err := r.injectAll(ctx); err != nil {
		return Report{}, err
	}
	close(stop)
	r.endPhases()
	published := time.Now()
	r.log.Info("publishing stopped; waiting for the last acknowledgements and deliveries", "drain", r.o.Drain)
	select {
	case <-loaded:
	case <-ctx.Done():
		return Report{}, ctx.Err()
	case <-time.After(r.o.Drain):
		giveUp()
		<-loaded
	}
	drained, err := r.drain(ctx, db, setup.AccountID, l, r.o.Drain-time.Since(published))
	if err != nil {
		return Report{}, err
	}
	recorded, err := readRecorded(ctx, db, setup.AccountID)
	if err != nil {
		return Report{}, err
	}
	rep := r.report(l, recorded, drained, time.Since(published))
	// Beside the logs, for whoever opens a kept run directory.
	if f, err := os.Create(filepath.Join(r.dir.path, "report.json")); err == nil {
		_ = Print(f, rep, true)
		f.Close()
	}
	return rep, nil
}

// injectAll injects the faults in turn, with steady load before each and
// after the last.
func (r *run) injectAll(ctx context.Context) error {
	if err := sleep(ctx, r.o.Pause); err != nil {
		return err
	}
	for _, name := range r.o.Faults {
		r.newPhase(name)
		rec, err := r.inject(ctx, name)
		if err != nil {
			return err
		}
		r.setFault(rec)
		r.log.Info("fault", "name", name, "at", fmt.Sprintf("%.1fs", rec.At), "took", fmt.Sprintf("%.1fs", rec.Seconds), "detail", rec.Detail)
		if err := sleep(ctx, r.o.Pause); err != nil {
			return err
		}
	}
	return nil
}

// drain waits, up to d, until every delivery of the account has ended and
// no request is in flight at the receiver. It reports whether they did.
func (r *run) drain(ctx context.Context, db *sql.DB, account string, l *load, d time.Duration) (bool, error) {
	events, _ := l.snapshot()
	acked := 0
	for _, e := range events {
		if e.id != "" {
			acked++
		}
	}
	err := waitUntil(ctx, max(d, time.Second), 500*time.Millisecond, "every delivery ended", func() (bool, error) {
		var waiting, total int
		if err := db.QueryRowContext(ctx, waitingSQL, account, eventType).Scan(&waiting, &total); err != nil {
			return false, nil // PostgreSQL may be coming back
		}
		return waiting == 0 && total >= acked && r.rcv.inFlightOf(0) == 0, nil
	})
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		r.log.Warn("drain ended with deliveries not ended", "err", err)
		return false, nil
	}
	// A request sent twice would arrive now, if at all.
	return true, sleep(ctx, time.Second)
}

// newPhase starts a phase of the run named name.
func (r *run) newPhase(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at := time.Since(r.loadStart).Seconds()
	if n := len(r.phases); n > 0 {
		r.phases[n-1].To = at
	}
	r.phases = append(r.phases, Phase{Name: name, From: at})
	r.now.Store(int32(len(r.phases) - 1))
}

// setFault records what the fault of the phase under way did.
func (r *run) setFault(rec FaultRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.phases[len(r.phases)-1].Fault = &rec
}

// endPhases closes the last phase as publishing stops.
func (r *run) endPhases() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.phases[len(r.phases)-1].To = time.Since(r.loadStart).Seconds()
}

// cleanup stops every process and removes the data; the run directory
// with its logs stays (and it reports true) when failed or Keep.
func (r *run) cleanup(failed bool) bool {
	if r.rcv != nil {
		r.rcv.close()
	}
	if r.ferry != nil {
		for _, p := range r.ferry.all() {
			p.stop()
		}
	}
	if r.redis != nil {
		r.redis.proc.stop()
	}
	if r.pg != nil {
		if !r.pg.proc.exited() {
			// pg_ctl first: PostgreSQL then removes its shared memory.
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			_ = r.pg.stop(ctx, "immediate")
			cancel()
		}
		r.pg.proc.stop()
	}
	if r.o.Keep {
		// The data too, to look into: postgres -D <dir>/pgdata.
		r.log.Info("run directory kept", "dir", r.dir.path)
		return true
	}
	for _, data := range []string{"pgdata", "pgsock", "redis"} {
		_ = os.RemoveAll(filepath.Join(r.dir.path, data))
	}
	if failed {
		r.log.Info("logs kept", "dir", r.dir.path)
		return true
	}
	if err := os.RemoveAll(r.dir.path); err != nil {
		r.log.Warn("remove run directory", "err", err)
	}
	return false
}
