package bench

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// receiver is the webhook endpoint of a benchmark: it records when each
// event first reached each configuration's path, counts repeats, and tracks
// requests in flight per path.
type receiver struct {
	srv   *http.Server
	url   string
	delay time.Duration

	mu       sync.Mutex
	arrivals map[arrivalKey]time.Time
	repeats  int
	inFlight map[string]int
	peak     map[string]int
	total    int
	notify   chan struct{}
}

type arrivalKey struct{ path, event string }

func newReceiver(delay time.Duration) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{
		url: "http://" + ln.Addr().String(), delay: delay,
		arrivals: map[arrivalKey]time.Time{}, inFlight: map[string]int{}, peak: map[string]int{},
		notify: make(chan struct{}, 1),
	}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *receiver) close() { _ = r.srv.Close() }

// ServeHTTP answers 200 (after delay) and records benchmark events; URL
// checks and pings are answered and not counted.
func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	now := time.Now()
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	var env struct {
		ID    string `json:"id"`
		Event string `json:"event"`
	}
	_ = json.Unmarshal(body, &env)
	counted := strings.HasPrefix(env.Event, eventType)
	path := req.URL.Path
	if counted {
		r.mu.Lock()
		r.inFlight[path]++
		r.peak[path] = max(r.peak[path], r.inFlight[path])
		k := arrivalKey{path, env.ID}
		if _, seen := r.arrivals[k]; seen {
			r.repeats++
		} else {
			r.arrivals[k] = now
			r.total++
		}
		r.mu.Unlock()
		select {
		case r.notify <- struct{}{}:
		default:
		}
	}
	if r.delay > 0 {
		time.Sleep(r.delay)
	}
	if counted {
		r.mu.Lock()
		r.inFlight[path]--
		r.mu.Unlock()
	}
	w.WriteHeader(http.StatusOK)
}

// distinct is how many (configuration, event) pairs arrived.
func (r *receiver) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

// waitFor blocks until n distinct arrivals, or until timeout passes
// without a new one.
func (r *receiver) waitFor(n int, idle time.Duration) {
	for r.distinct() < n {
		select {
		case <-r.notify:
		case <-time.After(idle):
			return
		}
	}
}

func (r *receiver) arrival(path, event string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.arrivals[arrivalKey{path, event}]
	return t, ok
}

func (r *receiver) stats() (repeats int, lastArrival time.Time, peak map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.arrivals {
		if t.After(lastArrival) {
			lastArrival = t
		}
	}
	out := map[string]int{}
	for k, v := range r.peak {
		out[k] = v
	}
	return r.repeats, lastArrival, out
}
