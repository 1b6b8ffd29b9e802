package sender_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
)

// holdingServer holds each request until release is closed, and counts
// the connections Ferry has open to it.
type holdingServer struct {
	*httptest.Server
	release chan struct{}

	mu          sync.Mutex
	conns, peak int
	held        int
}

func newHoldingServer(t *testing.T) *holdingServer {
	t.Helper()
	s := &holdingServer{release: make(chan struct{})}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.held++
		s.mu.Unlock()
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		s.mu.Lock()
		defer s.mu.Unlock()
		switch st {
		case http.StateNew:
			s.conns++
			s.peak = max(s.peak, s.conns)
		case http.StateClosed, http.StateHijacked:
			s.conns--
		}
	}
	s.Start()
	t.Cleanup(func() {
		select {
		case <-s.release:
		default:
			close(s.release)
		}
		s.Close()
	})
	return s
}

func (s *holdingServer) counts() (held, peak int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held, s.peak
}

// Past FERRY_MAX_OUTBOUND_CONNECTIONS, a request waits for a connection,
// within its timeout, instead of failing at once; the cap is never passed.
func TestSendWaitsForAConnectionPastTheCap(t *testing.T) {
	t.Parallel()
	srv := newHoldingServer(t)
	snd := sender.New(netguard.Policy{AllowInsecure: true}, "Ferry-Webhooks/test", sender.WithMaxConnections(2))
	results := make(chan sender.Result, 3)
	for range 3 {
		go func() { results <- snd.Send(context.Background(), message(srv.URL)) }()
	}
	deadline := time.Now().Add(10 * time.Second)
	for held, _ := srv.counts(); held < 2; held, _ = srv.counts() {
		if time.Now().After(deadline) {
			t.Fatalf("the receiver holds %d requests, want 2", held)
		}
		time.Sleep(5 * time.Millisecond)
	}

	// A fourth, with a short timeout, waits it out and fails as a timeout.
	short := message(srv.URL)
	short.Timeout = 300 * time.Millisecond
	res := snd.Send(context.Background(), short)
	if res.ErrorKind != sender.ErrTimeout || res.Duration < short.Timeout {
		t.Errorf("a request past the cap ended after %s with %q (%s), want a timeout after waiting %s for a connection",
			res.Duration, res.ErrorKind, res.Error, short.Timeout)
	}
	if held, peak := srv.counts(); held != 2 || peak > 2 {
		t.Errorf("the receiver got %d requests over %d connections while 2 were held, want 2 over 2", held, peak)
	}

	close(srv.release)
	for range 3 {
		if res := <-results; !res.OK() {
			t.Errorf("a request that waited for a connection ended %d %q (%s), want 200", res.StatusCode, res.ErrorKind, res.Error)
		}
	}
	if held, _ := srv.counts(); held != 3 {
		t.Errorf("the receiver got %d requests, want 3", held)
	}
}

// A connection left idle (keep-alive) to one receiver gives its place up
// to a request to another one.
func TestIdleConnectionsGiveTheirPlaceUp(t *testing.T) {
	t.Parallel()
	var first, second captured
	a, b := receiver(t, 200, &first), receiver(t, 200, &second)
	snd := sender.New(netguard.Policy{AllowInsecure: true}, "Ferry-Webhooks/test", sender.WithMaxConnections(1))
	if res := snd.Send(context.Background(), message(a.URL)); !res.OK() {
		t.Fatalf("first request: %d %s", res.StatusCode, res.Error)
	}
	m := message(b.URL)
	m.Timeout = 2 * time.Second
	if res := snd.Send(context.Background(), m); !res.OK() {
		t.Fatalf("a request to another receiver, while the only connection idled to the first, ended %d %q (%s) after %s, want 200",
			res.StatusCode, res.ErrorKind, res.Error, res.Duration)
	}
}
