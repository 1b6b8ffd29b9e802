package bench

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferryhq/ferry/internal/app"
)

// Latency summarises times in milliseconds: publish acknowledged → arrival,
// or a request's round trip.
type Latency struct {
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func summarise(samples []time.Duration) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	slices.Sort(samples)
	at := func(q float64) float64 {
		i := int(q*float64(len(samples))+0.5) - 1
		i = min(max(i, 0), len(samples)-1)
		return float64(samples[i].Microseconds()) / 1000
	}
	return Latency{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: at(1)}
}

// procStats reads a process's peak resident memory and CPU time from /proc
// (Linux). ok is false elsewhere.
func procStats(pid int) (peakRSSMiB, cpuSeconds float64, ok bool) {
	status, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, false
	}
	defer status.Close()
	sc := bufio.NewScanner(status)
	for sc.Scan() {
		if rest, found := strings.CutPrefix(sc.Text(), "VmHWM:"); found {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			peakRSSMiB = kb / 1024
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return peakRSSMiB, 0, false
	}
	// Fields after the command (which may hold spaces) start after ")".
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) > 12 {
		utime, _ := strconv.ParseFloat(fields[11], 64)
		stime, _ := strconv.ParseFloat(fields[12], 64)
		cpuSeconds = (utime + stime) / 100 // USER_HZ is 100 on Linux
	}
	return peakRSSMiB, cpuSeconds, true
}

// rowsWritten is how many rows the database has inserted, updated and
// deleted so far.
func rowsWritten(ctx context.Context, db *sql.DB) (int64, error) {
	if db == nil {
		return 0, nil
	}
	var n int64
	err := db.QueryRowContext(ctx, rowsQuery).Scan(&n)
	return n, err
}

const rowsQuery = `SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database WHERE datname = current_database()`

// rowsWritten is the rows written so far: exact when DB is Ferry's own
// pool; otherwise, once a run has delivered (counted from before), a
// lower bound.
func (t Target) rowsWritten(ctx context.Context, before int64, delivered int) (int64, error) {
	switch {
	case t.DB == nil:
		return 0, nil
	case t.OwnPool:
		if delivered > 0 {
			if err := recorded(ctx, t.DB); err != nil {
				return 0, err
			}
		}
		return exactRows(ctx, t.DB)
	case delivered > 0:
		return settledRows(ctx, t.DB, before, delivered)
	}
	return rowsWritten(ctx, t.DB)
}

// pollFor calls done every 20 ms until it reports true, for up to 10 s;
// then it fails, saying what was still not so.
func pollFor(ctx context.Context, what string, done func() (bool, error)) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := done()
		if ok || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("rows written: %s after 10 s", what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// recorded waits until no delivery is pending: a receiver has a delivery
// before Ferry records its attempt, so the last attempts of a run are
// written after its last arrival.
func recorded(ctx context.Context, db *sql.DB) error {
	return pollFor(ctx, "deliveries still pending", func() (bool, error) {
		var pending bool
		err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM deliveries WHERE status = 'PENDING')`).Scan(&pending)
		return !pending, err
	})
}

// exactRows is rowsWritten once every other backend on the database has
// exited, each having reported its last counts as it did. Closing db's
// idle connections ends Ferry's backends (db is Ferry's own pool); db keeps
// none idle until the count is read, so one in use ends when it is
// returned.
func exactRows(ctx context.Context, db *sql.DB) (int64, error) {
	db.SetMaxIdleConns(0)
	defer db.SetMaxIdleConns(app.PoolSize)
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	err = pollFor(ctx, "other connections still open", func() (bool, error) {
		var others int
		err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`).Scan(&others)
		return others == 0, err
	})
	if err != nil {
		return 0, err
	}
	var n int64
	err = conn.QueryRowContext(ctx, rowsQuery).Scan(&n)
	return n, err
}

// settledRows is rowsWritten once the run's rows are counted. PostgreSQL's
// backends add their counts to pg_stat_database at most once a second, and
// one that has gone idle only after up to 10 s, so a short run may show
// none of its rows at first. Every delivery writes at least three rows (it
// is inserted, moved by its attempt, and the attempt inserted), so it
// waits, up to 12 s, until that many are counted and the count has stood
// still for half a second. Rows of the last second may still be missing,
// so the figure is a lower bound (3.6–3.7 for throughput, where it is 4 in
// fact: the event, the delivery's insert and update, and the attempt).
// It serves a Ferry in another process, whose connections the bench
// cannot close.
func settledRows(ctx context.Context, db *sql.DB, before int64, delivered int) (int64, error) {
	const (
		poll    = 100 * time.Millisecond
		still   = 500 * time.Millisecond
		bound   = 12 * time.Second
		atLeast = 3
	)
	deadline := time.Now().Add(bound)
	n, err := rowsWritten(ctx, db)
	stillSince := time.Now()
	for err == nil && time.Now().Before(deadline) {
		if n-before >= int64(atLeast*delivered) && time.Since(stillSince) >= still {
			break
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(poll):
		}
		var m int64
		if m, err = rowsWritten(ctx, db); err == nil && m != n {
			n, stillSince = m, time.Now()
		}
	}
	return n, err
}

// measureLoopback is loopbackLimit; tests replace it.
var measureLoopback = loopbackLimit

// loopbackLimit measures Go client → Go server requests per second on
// loopback with keep-alive, the ceiling any webhook sender on this machine
// has, for d.
func loopbackLimit(d time.Duration, workers int) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers
	c := &http.Client{Transport: t}
	url := "http://" + ln.Addr().String() + "/"
	body := strings.Repeat("x", 200)
	var n atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				res, err := c.Post(url, "application/json", strings.NewReader(body))
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / d.Seconds(), nil
}
