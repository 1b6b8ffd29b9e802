package faults

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// received is one request the receiver got for a load event.
type received struct {
	at       time.Time
	ended    time.Time // answered, or cut off by its sender
	pid      int       // the worker process that sent it, 0 when unknown
	answered bool      // the 200 went out before its sender hung up
}

// receiver is the webhook endpoint of the run: it answers 200 after a
// delay and records every request for a load event by its webhook-id,
// with the worker process that sent it.
type receiver struct {
	srv   *http.Server
	url   string
	delay atomic.Int64 // nanoseconds; the sigterm fault makes it slower

	// senders are the processes whose sockets a new connection is looked
	// up in.
	senders func() []int

	mu       sync.Mutex
	requests map[string][]received
	inFlight map[int]int // by sending pid
	total    int
}

type connKey struct{}

func newReceiver(delay time.Duration, senders func() []int) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &receiver{url: "http://" + ln.Addr().String(), senders: senders,
		requests: map[string][]received{}, inFlight: map[int]int{}}
	r.delay.Store(int64(delay))
	listen := ln.Addr().(*net.TCPAddr)
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second,
		// Which worker opened a connection is looked up once, as it is
		// accepted, while the sender's socket surely exists.
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			pid := socketOwner(c.RemoteAddr().(*net.TCPAddr), listen, r.senders())
			return context.WithValue(ctx, connKey{}, pid)
		}}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *receiver) close() { _ = r.srv.Close() }

// setDelay changes how long the receiver takes to answer.
func (r *receiver) setDelay(d time.Duration) { r.delay.Store(int64(d)) }

// ServeHTTP answers 200 after the delay. Load events are recorded; URL
// checks and pings are answered at once and not counted.
func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	at := time.Now()
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	var env struct {
		ID    string `json:"id"`
		Event string `json:"event"`
	}
	_ = json.Unmarshal(body, &env)
	if env.Event != eventType {
		w.WriteHeader(http.StatusOK)
		return
	}
	id := req.Header.Get("webhook-id")
	if id == "" {
		id = env.ID
	}
	pid, _ := req.Context().Value(connKey{}).(int)
	r.mu.Lock()
	i := len(r.requests[id])
	r.requests[id] = append(r.requests[id], received{at: at, pid: pid})
	r.inFlight[pid]++
	r.total++
	r.mu.Unlock()

	t := time.NewTimer(time.Duration(r.delay.Load()))
	defer t.Stop()
	answered := false
	select {
	case <-t.C:
		w.WriteHeader(http.StatusOK)
		// A sender that hung up (killed, or timed out) meanwhile had no answer.
		answered = req.Context().Err() == nil
	case <-req.Context().Done():
	}
	r.mu.Lock()
	r.requests[id][i].answered, r.requests[id][i].ended = answered, time.Now()
	r.inFlight[pid]--
	r.mu.Unlock()
}

// counts is what the receiver got for each event: requests, and whether
// one was answered 200.
func (r *receiver) counts() map[string]Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]Received, len(r.requests))
	for id, reqs := range r.requests {
		var c Received
		for _, q := range reqs {
			c.Requests++
			if q.answered {
				c.Answered++
			}
		}
		out[id] = c
	}
	return out
}

// firstEnds is when the first request for each event ended (answered or
// cut off): the moment a fault can have made it a duplicate or not.
func (r *receiver) firstEnds() map[string]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]time.Time, len(r.requests))
	for id, reqs := range r.requests {
		for _, q := range reqs {
			if !q.ended.IsZero() && (out[id].IsZero() || q.ended.Before(out[id])) {
				out[id] = q.ended
			}
		}
	}
	return out
}

// inFlightOf is how many requests of pid (0: of anyone) the receiver is
// answering now.
func (r *receiver) inFlightOf(pid int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if pid != 0 {
		return r.inFlight[pid]
	}
	n := 0
	for _, v := range r.inFlight {
		n += v
	}
	return n
}

// startedAfter is how many requests pid sent that arrived after t.
func (r *receiver) startedAfter(pid int, t time.Time) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, reqs := range r.requests {
		for _, q := range reqs {
			if q.pid == pid && q.at.After(t) {
				n++
			}
		}
	}
	return n
}

// requestCount is how many load requests have arrived so far.
func (r *receiver) requestCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}
