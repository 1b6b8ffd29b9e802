package sender_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard/netguardtest"
)

// Hostile receivers: each test points a Sender at a receiver that misbehaves
// on purpose and checks that Ferry cuts it off at a documented limit, says
// why, keeps its memory, and still delivers to a well-behaved receiver next.

const (
	mib = 1 << 20
	// offered is how much a hostile receiver tries to push at Ferry.
	offered = 200 * mib
	// heapSlack is how much Ferry's live heap may grow meanwhile: what it
	// keeps (64 KiB) plus noise from the tests running alongside (about
	// 0.5 MiB measured).
	heapSlack = 4 * mib
	// allocSlack bounds everything allocated meanwhile, garbage included;
	// below net/http's default 10 MiB header limit, so that losing Ferry's
	// own 64 KiB one shows.
	allocSlack = 8 * mib
)

// memory is what one call cost the process's heap.
type memory struct {
	retained  int64  // live heap after minus before, both after a GC
	allocated uint64 // bytes allocated in between, garbage included
}

// measure runs send and reports how much heap it retained and allocated.
func measure(send func() sender.Result) (sender.Result, memory) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := send()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(&res)
	return res, memory{
		retained:  int64(after.HeapAlloc) - int64(before.HeapAlloc),
		allocated: after.TotalAlloc - before.TotalAlloc,
	}
}

func (m memory) check(t *testing.T, what string) {
	t.Helper()
	if m.retained > heapSlack {
		t.Errorf("%s: Ferry's live heap grew by %.1f MiB, want at most %d MiB", what, float64(m.retained)/mib, heapSlack/mib)
	}
	if m.allocated > allocSlack {
		t.Errorf("%s: Ferry allocated %.1f MiB, want at most %d MiB", what, float64(m.allocated)/mib, allocSlack/mib)
	}
}

// stillDelivers fails the test unless snd delivers to a well-behaved
// receiver right after the attack.
func stillDelivers(t *testing.T, snd *sender.Sender) {
	t.Helper()
	var got captured
	good := receiver(t, 200, &got)
	if res := snd.Send(context.Background(), message(good.URL)); !res.OK() {
		t.Errorf("next delivery to a well-behaved receiver: kind %q error %q status %d, want OK", res.ErrorKind, res.Error, res.StatusCode)
	}
}

// rawReceiver accepts connections on loopback, reads each request and hands
// the connection to serve, which writes whatever it likes; gone is closed
// when Ferry hangs up.
func rawReceiver(t *testing.T, serve func(c net.Conn, gone <-chan struct{})) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				// Answer only once the request is in, as a receiver does:
				// bytes before it are not a response to anything.
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				gone := make(chan struct{})
				go func() { defer close(gone); _, _ = io.Copy(io.Discard, br) }()
				serve(c, gone)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/hook"
}

func newInsecure() *sender.Sender {
	return sender.New(netguard.Policy{AllowInsecure: true}, "Ferry-Webhooks/test")
}

// A 200 whose body never ends: Ferry keeps 64 KiB, reads at most 1 MiB and
// hangs up, long before the timeout, and the attempt fails saying so.
func TestEndlessResponseBodyIsCutOff(t *testing.T) {
	t.Parallel()
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		chunk := []byte(strings.Repeat("x", 32<<10))
		w.WriteHeader(http.StatusOK)
		for written.Load() < offered {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	snd := newInsecure()
	m := message(srv.URL)
	m.Timeout = 10 * time.Second

	res, mem := measure(func() sender.Result { return snd.Send(context.Background(), m) })

	if res.OK() || res.ErrorKind != sender.ErrResponse || !strings.Contains(res.Error, "larger than 1 MiB") {
		t.Errorf("kind %q error %q, want %q saying the body is larger than 1 MiB", res.ErrorKind, res.Error, sender.ErrResponse)
	}
	if res.StatusCode != 200 || len(res.ResponseBody) != sender.MaxResponseBody || !res.BodyTruncated {
		t.Errorf("status %d, kept %d bytes (truncated %v), want 200 and the first %d bytes, truncated",
			res.StatusCode, len(res.ResponseBody), res.BodyTruncated, sender.MaxResponseBody)
	}
	if res.Duration > 5*time.Second {
		t.Errorf("took %s: the body should be cut off by size, well before the 10s timeout", res.Duration)
	}
	mem.check(t, "endless body")
	if n := written.Load(); n >= offered {
		t.Errorf("the receiver streamed all of its %d MiB: Ferry never hung up", n/mib)
	}
	stillDelivers(t, snd)
}

// The body limits at their edges: up to 64 KiB is kept whole; up to 1 MiB
// is read, the first 64 KiB kept, and the status decides; past 1 MiB the
// attempt fails whatever the status.
func TestResponseBodyLimits(t *testing.T) {
	t.Parallel()
	snd := newInsecure()
	cases := []struct {
		size      int
		ok        bool
		truncated bool
	}{
		{sender.MaxResponseBody, true, false},
		{sender.MaxResponseBody + 1, true, true},
		{sender.MaxResponseRead, true, true},
		{sender.MaxResponseRead + 1, false, true},
	}
	for _, tc := range cases {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(strings.Repeat("x", tc.size)))
		}))
		t.Cleanup(srv.Close)
		res := snd.Send(context.Background(), message(srv.URL))
		if res.OK() != tc.ok || res.BodyTruncated != tc.truncated || len(res.ResponseBody) != min(tc.size, sender.MaxResponseBody) {
			t.Errorf("%d-byte body: ok %v (%q), truncated %v, kept %d bytes; want ok %v, truncated %v, %d bytes kept",
				tc.size, res.OK(), res.Error, res.BodyTruncated, len(res.ResponseBody), tc.ok, tc.truncated, min(tc.size, sender.MaxResponseBody))
		}
	}
}

// A header block that never ends, or ends only after 1 MiB (well under
// net/http's own 10 MiB default): Ferry stops reading at 64 KiB, before any
// status counts, and the attempt fails saying so.
func TestHugeHeaderBlockIsCutOff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		size int64
	}{{"endless", offered}, {"1 MiB, then ends", mib}} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var written atomic.Int64
			url := rawReceiver(t, func(c net.Conn, _ <-chan struct{}) {
				if _, err := io.WriteString(c, "HTTP/1.1 200 OK\r\n"); err != nil {
					return
				}
				line := []byte("X-Padding: " + strings.Repeat("a", 1000) + "\r\n")
				for written.Load() < tc.size {
					n, err := c.Write(line)
					written.Add(int64(n))
					if err != nil {
						return
					}
				}
				_, _ = io.WriteString(c, "Content-Length: 0\r\n\r\n")
			})
			snd := newInsecure()
			m := message(url)
			m.Timeout = 10 * time.Second

			res, mem := measure(func() sender.Result { return snd.Send(context.Background(), m) })

			if res.OK() || res.ErrorKind != sender.ErrResponse || res.Error != "response headers larger than 64 KiB: cut off" {
				t.Errorf("kind %q error %q, want %q: response headers larger than 64 KiB: cut off", res.ErrorKind, res.Error, sender.ErrResponse)
			}
			if res.StatusCode != 0 || len(res.ResponseHeaders) != 0 {
				t.Errorf("status %d with %d headers kept, want no response recorded", res.StatusCode, len(res.ResponseHeaders))
			}
			if res.Duration > 5*time.Second {
				t.Errorf("took %s: the headers should be cut off by size, well before the 10s timeout", res.Duration)
			}
			mem.check(t, "huge headers")
			if n := written.Load(); tc.size == offered && n >= offered {
				t.Errorf("the receiver sent all of its %d MiB of headers: Ferry never hung up", n/mib)
			}
			stillDelivers(t, snd)
		})
	}
}

// Receivers that hold the connection: silent, trickling the header block, or
// sending 200 and then the body a byte at a time. Each is cut off at the
// configuration's timeout, not when the receiver pleases.
func TestSlowReceiversAreCutOffAtTheTimeout(t *testing.T) {
	t.Parallel()
	trickle := func(c net.Conn, head string, every time.Duration) {
		if _, err := io.WriteString(c, head); err != nil {
			return
		}
		for {
			time.Sleep(every)
			if _, err := c.Write([]byte("a")); err != nil {
				return
			}
		}
	}
	cases := []struct {
		desc   string
		serve  func(net.Conn, <-chan struct{})
		status int
		error  string
	}{
		{"never answers", func(_ net.Conn, gone <-chan struct{}) { <-gone }, 0, "timeout after 1s"},
		{"trickles the headers", func(c net.Conn, _ <-chan struct{}) {
			trickle(c, "HTTP/1.1 200 OK\r\nX-Slow: ", 20*time.Millisecond)
		}, 0, "timeout after 1s"},
		{"trickles the body", func(c net.Conn, _ <-chan struct{}) {
			trickle(c, "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nok", 20*time.Millisecond)
		}, 200, "status 200, but timeout after 1s reading the response body"},
	}
	for _, tc := range cases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			url := rawReceiver(t, tc.serve)
			snd := newInsecure()
			m := message(url)
			m.Timeout = time.Second
			start := time.Now()
			res := snd.Send(context.Background(), m)
			took := time.Since(start)

			if res.OK() || res.ErrorKind != sender.ErrTimeout || res.Error != tc.error || res.StatusCode != tc.status {
				t.Errorf("kind %q error %q status %d, want %q %q status %d", res.ErrorKind, res.Error, res.StatusCode, sender.ErrTimeout, tc.error, tc.status)
			}
			if took < time.Second || took > 2500*time.Millisecond || res.Duration < time.Second || res.Duration > 2500*time.Millisecond {
				t.Errorf("took %s (recorded %s), want about the 1s timeout", took, res.Duration)
			}
			if tc.status == 200 && (!strings.HasPrefix(string(res.ResponseBody), "okaa") || len(res.ResponseBody) > 200) {
				t.Errorf("kept body %q, want what trickled in before the timeout", res.ResponseBody)
			}
			stillDelivers(t, snd)
		})
	}
}

// A redirect, even one that keeps the method and body (307, 308), is the
// answer and a failure: Ferry never follows it, to a cloud metadata address
// or anywhere else.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()
	var followed atomic.Int32
	canary := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Add(1) }))
	t.Cleanup(canary.Close)
	_, port, _ := net.SplitHostPort(canary.Listener.Addr().String())
	// metadata.google.internal is the metadata service's name (it is
	// 169.254.169.254); here it leads to the canary, so that following a
	// redirect shows without a request ever leaving the machine. Loopback is
	// allowed, so only the no-redirect rule keeps Ferry off the canary.
	dns := netguardtest.NewDNS(t, func(host string, _ int) []netip.Addr {
		if host == "metadata.google.internal" {
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}
		}
		return nil
	})
	snd := sender.New(netguard.Policy{AllowInsecure: true, Resolver: dns.Resolver()}, "Ferry-Webhooks/test")
	targets := []string{
		"http://metadata.google.internal:" + port + "/computeMetadata/v1/instance/service-accounts/default/token",
		canary.URL + "/internal",
	}
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, target := range targets {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, status)
			}))
			t.Cleanup(srv.Close)
			res := snd.Send(context.Background(), message(srv.URL))
			if res.OK() || res.ErrorKind != sender.ErrRedirect || res.StatusCode != status || !strings.Contains(res.Error, target) {
				t.Errorf("%d to %s: kind %q status %d error %q, want %q naming the target", status, target, res.ErrorKind, res.StatusCode, res.Error, sender.ErrRedirect)
			}
		}
	}
	if n := followed.Load(); n != 0 {
		t.Errorf("a redirect target got %d requests, want none", n)
	}
	stillDelivers(t, snd)
}

// DNS rebinding: the name resolves to a public address when it is checked,
// then to 127.0.0.1. Ferry resolves once when it connects, checks that
// address and refuses; the loopback receiver, which holds a certificate
// valid for the name, gets no connection at all.
//
// Creating a configuration sends a real request to the URL and needs a 2xx,
// which no test can get from a public address without leaving the machine,
// so the check at creation is played by Policy.CheckHost on the first answer.
func TestDNSRebindingIsBlockedAtDialTime(t *testing.T) {
	t.Parallel()
	const host = "rebind.example.com" // httptest's certificate covers *.example.com
	public, loopback := netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("127.0.0.1")
	dns := netguardtest.NewDNS(t, netguardtest.Rebinding(host, public, loopback))

	var requests atomic.Int32
	rcv := netguardtest.NewReceiver(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) }))
	url := "https://" + host + ":" + rcv.Port + "/hook"
	roots := rcv.Roots

	strict := netguard.Policy{Resolver: dns.Resolver()} // FERRY_ALLOW_INSECURE_URLS off
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := strict.CheckHost(ctx, host); err != nil {
		t.Fatalf("first lookup: %s resolves to public %s, but CheckHost = %v", host, public, err)
	}

	res := sender.New(strict, "Ferry-Webhooks/test", sender.WithRootCAs(roots)).Send(ctx, message(url))

	if res.OK() || res.ErrorKind != sender.ErrBlocked || res.Error != "blocked by policy: address 127.0.0.1 is not public" {
		t.Errorf("kind %q error %q, want %q: blocked by policy: address 127.0.0.1 is not public", res.ErrorKind, res.Error, sender.ErrBlocked)
	}
	if n := dns.Lookups(host); n != 2 {
		t.Errorf("%s was looked up %d times, want 2: the check, then once for the delivery's connection", host, n)
	}
	time.Sleep(50 * time.Millisecond) // let a connection that got through be counted
	if c, r := rcv.Conns(), requests.Load(); c != 0 || r != 0 {
		t.Fatalf("the loopback receiver got %d connections and %d requests, want none", c, r)
	}

	// The same name, certificate and receiver work once loopback is allowed:
	// the refusal above is the address policy's, not a broken setup.
	insecure := netguard.Policy{AllowInsecure: true, Resolver: dns.Resolver()}
	if res := sender.New(insecure, "Ferry-Webhooks/test", sender.WithRootCAs(roots)).Send(ctx, message(url)); !res.OK() || requests.Load() != 1 {
		t.Errorf("with loopback allowed: kind %q error %q, receiver got %d requests; want OK and 1", res.ErrorKind, res.Error, requests.Load())
	}
}
