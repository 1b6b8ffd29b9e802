package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/tools/bench"
)

// runBench is `ferry bench`: it measures a Ferry it starts in-process on
// DATABASE_URL and REDIS_URL, or a running one given by --url.
func runBench(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var o bench.Options
	fs.StringVar(&o.Scenario, "scenario", "throughput", "one of "+strings.Join(bench.Scenarios, ", "))
	fs.IntVar(&o.Events, "events", 0, "events to publish (history: queries to time); 0 takes the scenario's default")
	fs.IntVar(&o.Configs, "configs", 0, "configurations subscribed (fanout 100, slow-receivers 2, else 1)")
	fs.IntVar(&o.Rate, "rate", 0, "events per second (paced; default 1000)")
	fs.DurationVar(&o.Duration, "duration", 0, "how long to publish (paced; default 60s)")
	fs.IntVar(&o.Concurrency, "concurrency", 0, "publishers at once (default 32)")
	publishers := fs.Int("publishers", 0, "publishers at once, each publishing one event per call (publishEvent): --concurrency N --batch 1")
	fs.IntVar(&o.Batch, "batch", 0, "events per publish request: 1 uses publishEvent, more publishEvents (default 1; not idle-latency)")
	fs.DurationVar(&o.Delay, "delay", 0, "receiver answer time (slow-receivers; default 200ms)")
	fs.IntVar(&o.MaxParallel, "max-parallel", 0, "configurations' maxParallel (slow-receivers 10, else 100)")
	fs.IntVar(&o.Rows, "rows", 0, "deliveries to seed (history; default 1,000,000)")
	fs.DurationVar(&o.Loopback, "loopback", 3*time.Second, "how long to measure the loopback HTTP limit, before the run and after it (0 skips it)")
	url := fs.String("url", "", "a running Ferry's base URL (default: start one in-process on DATABASE_URL and REDIS_URL)")
	adminToken := fs.String("admin-token", getenv("FERRY_ADMIN_TOKEN"), "admin token of the Ferry at --url")
	pid := fs.Int("pid", 0, "process id of the Ferry at --url, for its memory and CPU")
	dbURL := fs.String("database-url", "", "PostgreSQL of the Ferry at --url, for rows written (and history seeding)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	strict := fs.Bool("check", false, "exit non-zero when events were lost, duplicated or not published")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of this process (in-process Ferry included) to this file")
	memProfile := fs.String("memprofile", "", "write an allocation profile of this process (in-process Ferry included) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *publishers > 0 {
		if o.Batch > 1 {
			return fmt.Errorf("--publishers publishes one event per call; drop --batch %d", o.Batch)
		}
		o.Concurrency, o.Batch = *publishers, 1
	}
	var t bench.Target
	if *url == "" {
		started, stop, err := bench.StartFerry(ctx, getenv, nil)
		if err != nil {
			return fmt.Errorf("start ferry: %w", err)
		}
		defer stop()
		t = started
	} else {
		t = bench.Target{URL: strings.TrimRight(*url, "/"), AdminToken: *adminToken, PID: *pid}
		if *dbURL != "" {
			db, err := app.OpenDB(ctx, *dbURL)
			if err != nil {
				return err
			}
			defer db.Close()
			t.DB = db
		}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	r, err := bench.Run(ctx, o, t)
	if *memProfile != "" {
		if err := writeAllocs(*memProfile); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	if err := bench.Print(stdout, r, *asJSON); err != nil {
		return err
	}
	if *strict {
		if err := bench.Check(r); err != nil {
			return err
		}
	}
	return nil
}

// writeAllocs writes the allocations made since the process started.
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}
