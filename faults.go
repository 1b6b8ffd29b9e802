package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ferryhq/ferry/internal/tools/faults"
)

// runFaults is `ferry faults`: it runs this binary as an API and two
// workers on a PostgreSQL and a Redis of its own, injects faults under
// load, and accounts for every event (RELIABILITY.md).
func runFaults(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("faults", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var o faults.Options
	def := faults.Options{}.Defaults() // shown as the flags' defaults
	list := fs.String("faults", strings.Join(def.Faults, ","), "faults to inject, in order: any of "+strings.Join(faults.Faults, ", "))
	fs.StringVar(&o.Binary, "binary", "", "the ferry binary to run as api and workers (default: this one)")
	fs.IntVar(&o.Rate, "rate", def.Rate, "events published per second, one publishEvent each")
	fs.IntVar(&o.Publishers, "publishers", def.Publishers, "publish calls at once, at most")
	fs.DurationVar(&o.Delay, "delay", def.Delay, "the receiver's answer time")
	fs.DurationVar(&o.SlowDelay, "slow-delay", def.SlowDelay, "its answer time while sigterm-worker strikes")
	fs.DurationVar(&o.Pause, "pause", def.Pause, "steady load before each fault and after the last")
	fs.DurationVar(&o.RedisDown, "redis-down", def.RedisDown, "how long redis-down keeps Redis down")
	fs.DurationVar(&o.PGDown, "pg-down", def.PGDown, "how long pg-down keeps PostgreSQL down")
	fs.DurationVar(&o.RestartAfter, "restart-after", def.RestartAfter, "how long a killed process stays down")
	fs.DurationVar(&o.Drain, "drain", def.Drain, "most time to wait, after publishing, for every delivery to end")
	fs.IntVar(&o.TimeoutSeconds, "timeout", def.TimeoutSeconds, "the configuration's timeoutSeconds")
	fs.IntVar(&o.MaxParallel, "max-parallel", def.MaxParallel, "the configuration's maxParallel")
	fs.DurationVar(&o.ShutdownTimeout, "shutdown-timeout", def.ShutdownTimeout, "the workers' FERRY_SHUTDOWN_TIMEOUT")
	fs.StringVar(&o.Dir, "dir", "", "where to make the run directory (default: the temp directory)")
	fs.BoolVar(&o.Keep, "keep", false, "keep the whole run directory, the servers' data too (logs alone are kept after a failed run)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	strict := fs.Bool("check", false, "exit non-zero when an event was lost or stuck, sent twice without the history showing it, or sent unrecorded")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("faults: unexpected arguments %q", fs.Args())
	}
	o.Faults = strings.Split(*list, ",")
	o.Progress = os.Stderr
	rep, err := faults.Run(ctx, o)
	if err != nil {
		return err
	}
	if err := faults.Print(stdout, rep, *asJSON); err != nil {
		return err
	}
	if *strict {
		return faults.Check(rep)
	}
	return nil
}
