package faults

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Phase is a stretch of the run: the steady load before the first fault,
// then each fault from the moment it struck until the next one (its
// recovery and the steady load after it). An event counts in the phase
// its first request ended in (answered, or cut off: a request cut off by
// a kill belongs to the kill, though it left before), or, when none
// reached the receiver, in the phase it was first published in. A publish
// call counts in the phase it was made in.
type Phase struct {
	Name    string       `json:"name"`
	From    float64      `json:"from_seconds"`
	To      float64      `json:"to_seconds"`
	Fault   *FaultRecord `json:"fault,omitempty"`
	Tally   Tally        `json:"events"`
	Publish PublishStats `json:"publish"`
}

// PublishStats is what the publish calls of a phase got. Latencies are of
// the calls Ferry acknowledged, in milliseconds.
type PublishStats struct {
	Calls  int            `json:"calls"`
	Errors map[string]int `json:"errors,omitempty"`
	P50    float64        `json:"p50_ms"`
	P99    float64        `json:"p99_ms"`
	Max    float64        `json:"max_ms"`
}

// ErrorCount is the number of failed calls.
func (s PublishStats) ErrorCount() int {
	n := 0
	for _, v := range s.Errors {
		n += v
	}
	return n
}

// Report is what a run found.
type Report struct {
	Started time.Time `json:"started"`
	RunDir  string    `json:"run_dir"`
	Options struct {
		Faults       []string `json:"faults"`
		Rate         int      `json:"rate"`
		DelayMS      int64    `json:"receiver_delay_ms"`
		SlowDelayMS  int64    `json:"slow_delay_ms"`
		PauseSeconds float64  `json:"pause_seconds"`
	} `json:"options"`
	Phases  []Phase      `json:"phases"`
	Total   Tally        `json:"total"`
	Publish PublishStats `json:"publish"`
	// Unacknowledged: events a publisher started and Ferry never
	// acknowledged before the run gave up (none when the drain is long
	// enough: each is published again until it is).
	Unacknowledged int `json:"unacknowledged"`
	// ReceivedUnacknowledged: events the receiver got that no publisher
	// saw acknowledged.
	ReceivedUnacknowledged int `json:"received_unacknowledged"`
	// Examples names events behind each broken promise, if any.
	Examples     Examples       `json:"examples,omitempty"`
	Drained      bool           `json:"drained"`
	DrainSeconds float64        `json:"drain_seconds"`
	LoadSeconds  float64        `json:"load_seconds"`
	Processes    []ProcessStats `json:"processes"`
}

// report accounts for the load's events against what the receiver got
// and what PostgreSQL recorded.
func (r *run) report(l *load, recorded map[string]Recorded, drained bool, drain time.Duration) Report {
	events, calls := l.snapshot()
	got, ends := r.rcv.counts(), r.rcv.firstEnds()
	rep := Report{Started: r.loadStart, Drained: drained, DrainSeconds: drain.Seconds()}
	rep.Options.Faults, rep.Options.Rate = r.o.Faults, r.o.Rate
	rep.Options.DelayMS, rep.Options.SlowDelayMS = r.o.Delay.Milliseconds(), r.o.SlowDelay.Milliseconds()
	rep.Options.PauseSeconds = r.o.Pause.Seconds()
	r.mu.Lock()
	phases := slices.Clone(r.phases)
	r.mu.Unlock()
	rep.LoadSeconds = phases[len(phases)-1].To
	byPhase := make([][]string, len(phases))
	var all []string
	acked := map[string]bool{}
	for _, e := range events {
		if e.id == "" {
			rep.Unacknowledged++
			continue
		}
		phase := e.phase
		if t, ok := ends[e.id]; ok {
			phase = phaseAt(phases, t.Sub(r.loadStart).Seconds())
		}
		byPhase[phase] = append(byPhase[phase], e.id)
		all = append(all, e.id)
		acked[e.id] = true
	}
	for id := range got {
		if !acked[id] {
			rep.ReceivedUnacknowledged++
		}
	}
	var allCalls callStats
	allCalls.errors = map[string]int{}
	for i := range phases {
		phases[i].Tally = tally(byPhase[i], got, recorded, nil)
		phases[i].Publish = publishStats(calls[i])
		allCalls.latencies = append(allCalls.latencies, calls[i].latencies...)
		for k, v := range calls[i].errors {
			allCalls.errors[k] += v
		}
	}
	rep.Phases = phases
	rep.Examples = Examples{}
	rep.Total = tally(all, got, recorded, rep.Examples)
	rep.Publish = publishStats(allCalls)
	for _, p := range append([]*proc{r.pg.proc, r.redis.proc}, r.ferry.all()...) {
		rep.Processes = append(rep.Processes, p.stats())
	}
	return rep
}

// phaseAt is the index of the phase under way at offset (seconds since the
// load started); after the last phase ended, the last.
func phaseAt(phases []Phase, offset float64) int {
	for i := len(phases) - 1; i > 0; i-- {
		if offset >= phases[i].From {
			return i
		}
	}
	return 0
}

func publishStats(c callStats) PublishStats {
	s := PublishStats{Calls: len(c.latencies), Errors: c.errors}
	for _, n := range c.errors {
		s.Calls += n
	}
	if len(s.Errors) == 0 {
		s.Errors = nil
	}
	if len(c.latencies) == 0 {
		return s
	}
	lat := slices.Clone(c.latencies)
	slices.Sort(lat)
	at := func(q float64) float64 {
		i := min(max(int(q*float64(len(lat))+0.5)-1, 0), len(lat)-1)
		return float64(lat[i].Microseconds()) / 1000
	}
	s.P50, s.P99, s.Max = at(0.50), at(0.99), at(1)
	return s
}

// Print writes rep as tables, or as JSON.
func Print(w io.Writer, rep Report, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tfrom s\tacked\tdelivered\tlost\tduplicated\texplained\tunexplained\tunrecorded\tstuck\tinterrupted\tpublish calls\terrors\tp50 ms\tp99 ms\tmax ms\t")
	row := func(name, from string, t Tally, p PublishStats) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.1f\t%.1f\t%.1f\t\n", name, from,
			t.Acknowledged, t.Delivered, t.Lost, t.Duplicated, t.DuplicatedExplained, t.DuplicatedUnexplained,
			t.Unrecorded, t.Stuck, t.Interrupted, p.Calls, p.ErrorCount(), p.P50, p.P99, p.Max)
	}
	for _, p := range rep.Phases {
		row(p.Name, fmt.Sprintf("%.0f", p.From), p.Tally, p.Publish)
	}
	row("total", "", rep.Total, rep.Publish)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, p := range rep.Phases {
		if f := p.Fault; f != nil {
			fmt.Fprintf(w, "%-15s at %5.1fs, back in %4.1fs: %s\n", f.Name, f.At, f.Seconds, f.Detail)
		}
	}
	for _, p := range rep.Phases {
		if len(p.Publish.Errors) > 0 {
			fmt.Fprintf(w, "publish errors in %s: %s\n", p.Name, formatCounts(p.Publish.Errors))
		}
	}
	fmt.Fprintf(w, "requests received %d, attempt rows %d; succeeded but never received %d\n",
		rep.Total.Requests, rep.Total.Attempts, rep.Total.SucceededUnreceived)
	for _, kind := range slices.Sorted(maps.Keys(rep.Examples)) {
		fmt.Fprintf(w, "%s, e.g.: %s\n", kind, strings.Join(rep.Examples[kind], " "))
	}
	fmt.Fprintf(w, "unacknowledged %d, received but unacknowledged %d; load %.0fs, drain %.1fs (drained: %v)\n",
		rep.Unacknowledged, rep.ReceivedUnacknowledged, rep.LoadSeconds, rep.DrainSeconds, rep.Drained)
	for _, p := range rep.Processes {
		fmt.Fprintf(w, "%-9s starts %d, kill -9 %d, SIGTERM %d", p.Name, p.Starts, p.Kills, p.Terms)
		if len(p.UnexpectedExits) > 0 {
			fmt.Fprintf(w, ", exited by itself %d: %s", len(p.UnexpectedExits), strings.Join(p.UnexpectedExits, "; "))
		}
		fmt.Fprintln(w)
	}
	if rep.RunDir != "" {
		fmt.Fprintf(w, "run directory: %s\n", rep.RunDir)
	}
	return nil
}

func formatCounts(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

// ErrBroken is returned by Check for a run that broke a promise.
var ErrBroken = errors.New("fault run broke a promise")

// Check reports a run that lost an event, left one stuck, sent one twice
// without the history showing it, or sent a request not on the record.
func Check(rep Report) error {
	t := rep.Total
	if t.Bad() {
		return fmt.Errorf("%w: %d lost, %d duplicated unexplained, %d stuck, %d unrecorded sends, %d succeeded but never received",
			ErrBroken, t.Lost, t.DuplicatedUnexplained, t.Stuck, t.Unrecorded, t.SucceededUnreceived)
	}
	return nil
}
