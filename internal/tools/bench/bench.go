// Package bench measures Ferry end to end, as its users see it: events
// published through the public GraphQL API, delivered to a receiver on
// loopback, timed from the publish acknowledgement to the arrival.
package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"text/tabwriter"
	"time"
)

// eventType is the catalog entry benchmark events use (outside the ferry.
// namespace, which no API client may create or publish in).
const eventType = "bench.load"

// Scenarios that Run knows.
var Scenarios = []string{"throughput", "fanout", "paced", "slow-receivers", "idle-latency", "history"}

// Options choose a scenario and its size.
type Options struct {
	Scenario    string
	Events      int           // events to publish (throughput, fanout, slow-receivers, idle-latency)
	Configs     int           // configurations (fanout, slow-receivers)
	Rate        int           // events per second (paced)
	Duration    time.Duration // how long to publish (paced)
	Concurrency int           // publishers at once (unpaced scenarios)
	Batch       int           // events per publish request (1: publishEvent, more: publishEvents)
	Delay       time.Duration // receiver answer time (slow-receivers)
	MaxParallel int           // configurations' maxParallel
	Rows        int           // deliveries to seed (history)
	Loopback    time.Duration // how long to measure the loopback limit; 0 skips it
}

// Target is the Ferry under test.
type Target struct {
	URL        string  // API base URL
	AdminToken string  // to create the account and event type
	PID        int     // Ferry's process, for memory and CPU; 0 skips them
	DB         *sql.DB // Ferry's PostgreSQL, for rows written and history seeding; nil skips them
	// OwnPool says DB is Ferry's own connection pool (in-process), so
	// the bench may close its idle connections: a backend reports its
	// last counts as it exits, which makes rows written exact. Otherwise
	// the figure is a lower bound (see settledRows).
	OwnPool bool
}

// Result is what one run measured.
type Result struct {
	Scenario         string  `json:"scenario"`
	Events           int     `json:"events"`
	Configurations   int     `json:"configurations"`
	EventsPerRequest int     `json:"events_per_request"`
	Expected         int     `json:"expected_deliveries"`
	Delivered        int     `json:"delivered"`
	Lost             int     `json:"lost"`
	Duplicates       int     `json:"duplicates"`
	Seconds          float64 `json:"seconds"`
	DeliveriesPerSec float64 `json:"deliveries_per_sec"`
	PublishesPerSec  float64 `json:"publishes_per_sec"`
	Latency          Latency `json:"latency"`
	// PublishLatency is each publish request's round trip, as its client
	// sees it: an upper bound of the time Ferry took to answer.
	PublishLatency    Latency        `json:"publish_latency"`
	QueryLatency      *Latency       `json:"query_latency,omitempty"`
	PeakInFlight      map[string]int `json:"peak_in_flight,omitempty"`
	PeakRSSMiB        float64        `json:"peak_rss_mib,omitempty"`
	CPUSeconds        float64        `json:"cpu_seconds,omitempty"`
	RowsPerDelivery   float64        `json:"rows_written_per_delivery,omitempty"`
	LoopbackPerSec    float64        `json:"loopback_requests_per_sec,omitempty"`
	FractionLoopback  float64        `json:"fraction_of_loopback,omitempty"`
	PublishErrors     int            `json:"publish_errors"`
	FirstPublishError string         `json:"first_publish_error,omitempty"`
}

// Defaults fills the sizes a scenario needs and the caller left zero.
func (o Options) Defaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	switch o.Scenario {
	case "fanout":
		def(&o.Events, 10)
		def(&o.Configs, 100)
	case "slow-receivers":
		def(&o.Events, 200)
		def(&o.Configs, 2)
		def(&o.MaxParallel, 10)
		if o.Delay <= 0 {
			o.Delay = 200 * time.Millisecond
		}
	case "idle-latency":
		def(&o.Events, 50)
	case "paced":
		def(&o.Rate, 1000)
		if o.Duration <= 0 {
			o.Duration = 60 * time.Second
		}
	case "history":
		def(&o.Rows, 1_000_000)
		def(&o.Events, 200) // queries
	default:
		def(&o.Events, 5000)
	}
	def(&o.Configs, 1)
	def(&o.Concurrency, 32)
	def(&o.Batch, 1)
	if o.Scenario == "idle-latency" {
		o.Batch = 1 // single events, one at a time
	}
	def(&o.MaxParallel, 100)
	return o
}

// Run runs one scenario against t.
func Run(ctx context.Context, o Options, t Target) (Result, error) {
	o = o.Defaults()
	rcv, err := newReceiver(o.Delay)
	if err != nil {
		return Result{}, err
	}
	defer rcv.close()
	c := NewClient(t.URL, o.Concurrency*2)
	s, err := c.prepare(ctx, t.AdminToken, rcv, o.Configs, o.MaxParallel)
	if err != nil {
		return Result{}, err
	}
	if o.Scenario == "history" {
		return runHistory(ctx, o, t, c, s)
	}
	// The loopback limit is measured before the scenario and after it, and
	// the higher counts: a slow moment of the machine must not lower the
	// limit and so flatter Ferry's share of it.
	var loopBefore float64
	if o.Loopback > 0 {
		loopBefore, _ = measureLoopback(o.Loopback, 64)
	}
	rowsBefore, err := t.rowsWritten(ctx, 0, 0)
	if err != nil {
		return Result{}, fmt.Errorf("read pg_stat_database: %w", err)
	}
	_, cpuBefore, _ := procStats(t.PID)

	var p published
	start := time.Now()
	switch o.Scenario {
	case "idle-latency":
		p = publishOneByOne(ctx, c, s, rcv, o.Events)
	case "paced":
		p = publishPaced(ctx, c, s, o.Rate, o.Duration, o.Batch)
	case "throughput", "fanout", "slow-receivers":
		p = publishUnpaced(ctx, c, s, o.Events, o.Concurrency, o.Batch)
	default:
		return Result{}, fmt.Errorf("unknown scenario %q (one of %v)", o.Scenario, Scenarios)
	}
	expected := len(p.acks) * len(s.Paths)
	rcv.waitFor(expected, 30*time.Second)

	r := Result{Scenario: o.Scenario, Events: len(p.acks), Configurations: len(s.Paths), EventsPerRequest: o.Batch, Expected: expected,
		PublishErrors: p.errors, FirstPublishError: p.firstError}
	repeats, last, peak := rcv.stats()
	var samples []time.Duration
	for id, ack := range p.acks {
		for _, path := range s.Paths {
			at, ok := rcv.arrival(path, id)
			if !ok {
				r.Lost++
				continue
			}
			r.Delivered++
			samples = append(samples, max(at.Sub(ack), 0))
		}
	}
	r.Duplicates = repeats
	r.Latency = summarise(samples)
	r.PublishLatency = summarise(p.rtts)
	r.Seconds = last.Sub(start).Seconds()
	if r.Seconds > 0 {
		r.DeliveriesPerSec = float64(r.Delivered) / r.Seconds
	}
	if d := p.done.Sub(start).Seconds(); d > 0 {
		r.PublishesPerSec = float64(len(p.acks)) / d
	}
	if o.Scenario == "slow-receivers" {
		r.PeakInFlight = peak
	}
	if rss, cpu, ok := procStats(t.PID); ok {
		r.PeakRSSMiB, r.CPUSeconds = rss, cpu-cpuBefore
	}
	if t.DB != nil && r.Delivered > 0 {
		if after, err := t.rowsWritten(ctx, rowsBefore, r.Delivered); err == nil {
			r.RowsPerDelivery = float64(after-rowsBefore) / float64(r.Delivered)
		}
	}
	if o.Loopback > 0 {
		after, _ := measureLoopback(o.Loopback, 64)
		if lim := max(loopBefore, after); lim > 0 {
			r.LoopbackPerSec, r.FractionLoopback = lim, r.DeliveriesPerSec/lim
		}
	}
	return r, nil
}

// published is what a publisher saw: each event's acknowledgement time.
type published struct {
	acks       map[string]time.Time
	rtts       []time.Duration // each request's round trip, answered or not
	done       time.Time
	errors     int
	firstError string
}

type collector struct {
	mu sync.Mutex
	p  published
}

func (c *collector) add(id string, ack time.Time, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if c.p.errors == 0 {
			c.p.firstError = err.Error()
		}
		c.p.errors++
		return
	}
	c.p.acks[id] = ack
}

// addAll adds what one publish request got back.
func (c *collector) addAll(a acked) {
	c.mu.Lock()
	c.p.rtts = append(c.p.rtts, a.rtt)
	c.mu.Unlock()
	if a.err != nil {
		for range a.n {
			c.add("", a.at, a.err)
		}
		return
	}
	for _, id := range a.ids {
		c.add(id, a.at, nil)
	}
}

func newCollector() *collector { return &collector{p: published{acks: map[string]time.Time{}}} }

func publishUnpaced(ctx context.Context, c *Client, s Setup, n, workers, batch int) published {
	col := newCollector()
	next := make(chan []int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for seqs := range next {
				col.addAll(c.publishAll(ctx, s.Token, seqs))
			}
		})
	}
	for i := 0; i < n; i += batch {
		seqs := make([]int, 0, batch)
		for seq := i; seq < min(i+batch, n); seq++ {
			seqs = append(seqs, seq)
		}
		select {
		case next <- seqs:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	col.p.done = time.Now()
	return col.p
}

// publishPaced publishes rate events a second for d, batch events a
// request. It publishes what is due by the clock, not one request per
// tick: a ticker drops ticks when the machine is busy, which would lower
// the rate exactly when it matters.
func publishPaced(ctx context.Context, c *Client, s Setup, rate int, d time.Duration, batch int) published {
	col := newCollector()
	tick := time.NewTicker(max(time.Second*time.Duration(batch)/time.Duration(rate), time.Millisecond))
	defer tick.Stop()
	start := time.Now()
	total := int(d.Seconds() * float64(rate))
	var wg sync.WaitGroup
	for seq := 0; seq < total && ctx.Err() == nil; {
		<-tick.C
		due := min(int(time.Since(start).Seconds()*float64(rate)), total)
		for ; seq+batch <= due || (seq < due && due == total); seq += batch {
			seqs := make([]int, 0, batch)
			for i := seq; i < min(seq+batch, total); i++ {
				seqs = append(seqs, i)
			}
			wg.Go(func() { col.addAll(c.publishAll(ctx, s.Token, seqs)) })
		}
	}
	wg.Wait()
	col.p.done = time.Now()
	return col.p
}

func publishOneByOne(ctx context.Context, c *Client, s Setup, rcv *receiver, n int) published {
	col := newCollector()
	for i := range n {
		col.addAll(c.publishAll(ctx, s.Token, []int{i}))
		rcv.waitFor((i+1)*len(s.Paths), 10*time.Second)
		time.Sleep(20 * time.Millisecond) // idle between events
	}
	col.p.done = time.Now()
	return col.p
}

// Print writes r as a table (or JSON when asJSON).
func Print(w io.Writer, r Result, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k string, v any) { fmt.Fprintf(tw, "%s\t%v\n", k, v) }
	row("scenario", r.Scenario)
	row("events × configurations", fmt.Sprintf("%d × %d = %d deliveries expected", r.Events, r.Configurations, r.Expected))
	if r.EventsPerRequest > 1 {
		row("events per publish request", r.EventsPerRequest)
	}
	row("delivered / lost / duplicates", fmt.Sprintf("%d / %d / %d", r.Delivered, r.Lost, r.Duplicates))
	if r.QueryLatency == nil {
		row("deliveries/s (first publish → last arrival)", fmt.Sprintf("%.0f in %.2fs", r.DeliveriesPerSec, r.Seconds))
		row("publishes/s", fmt.Sprintf("%.0f", r.PublishesPerSec))
		row("latency ack → arrival p50/p95/p99/max", fmt.Sprintf("%.1f / %.1f / %.1f / %.1f ms", r.Latency.P50, r.Latency.P95, r.Latency.P99, r.Latency.Max))
		p := r.PublishLatency
		row("publish round trip p50/p95/p99/max", fmt.Sprintf("%.2f / %.2f / %.2f / %.2f ms", p.P50, p.P95, p.P99, p.Max))
	} else {
		q := r.QueryLatency
		row("first page of deliveries p50/p95/p99/max", fmt.Sprintf("%.1f / %.1f / %.1f / %.1f ms", q.P50, q.P95, q.P99, q.Max))
	}
	if r.PeakInFlight != nil {
		row("peak in flight per configuration", r.PeakInFlight)
	}
	if r.PeakRSSMiB > 0 {
		row("Ferry peak RSS / CPU", fmt.Sprintf("%.0f MiB / %.1f s", r.PeakRSSMiB, r.CPUSeconds))
	}
	if r.RowsPerDelivery > 0 {
		row("PostgreSQL rows written per delivery", fmt.Sprintf("%.2f", r.RowsPerDelivery))
	}
	if r.LoopbackPerSec > 0 {
		row("loopback HTTP limit", fmt.Sprintf("%.0f req/s (Ferry at %.1f%%)", r.LoopbackPerSec, 100*r.FractionLoopback))
	}
	if r.PublishErrors > 0 {
		row("publish errors", fmt.Sprintf("%d (first: %s)", r.PublishErrors, r.FirstPublishError))
	}
	return tw.Flush()
}

// ErrUnhealthy is returned by Check for a run that lost or repeated events.
var ErrUnhealthy = errors.New("unhealthy run")

// Check reports a run that lost, duplicated or failed to publish anything.
func Check(r Result) error {
	if r.Lost > 0 || r.Duplicates > 0 || r.PublishErrors > 0 {
		return fmt.Errorf("%w: %d lost, %d duplicates, %d publish errors", ErrUnhealthy, r.Lost, r.Duplicates, r.PublishErrors)
	}
	return nil
}

// stderr is where progress goes, so --json output stays clean.
var stderr io.Writer = os.Stderr
