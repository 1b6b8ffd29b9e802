package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard/netguardtest"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Hostile receivers, end to end: the worker sends to a receiver that
// misbehaves, records a failed attempt that says what happened in
// PostgreSQL, and its next delivery to the same configuration succeeds.
// internal/adapter/sender's hostile tests hold the exact limits and the memory checks.

const hostileType = "receiver.hostile"

// hostileReceiver answers Ferry's URL check, activation ping and events
// published with {"mode": ""} like a well-behaved receiver, and hands any
// other event to attack with its mode.
type hostileReceiver struct {
	*httptest.Server
	legit atomic.Int32 // well-behaved answers to events of hostileType
}

func newHostileReceiver(t *testing.T, attack func(mode string, w http.ResponseWriter, r *http.Request)) *hostileReceiver {
	t.Helper()
	h := &hostileReceiver{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in struct {
			Event string
			Data  struct{ Mode string }
		}
		_ = json.Unmarshal(body, &in)
		if in.Event == hostileType && in.Data.Mode != "" {
			attack(in.Data.Mode, w, r)
			return
		}
		if in.Event == hostileType {
			h.legit.Add(1)
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(h.Close)
	return h
}

// hostileRun starts Ferry (insecure URLs allowed: the receiver is on
// loopback) with an active configuration for rcv with the given timeout and
// no retries, publishes one event per mode and waits for them all to end.
// It then publishes a well-behaved event and checks that it succeeds. It
// returns the hostile deliveries in the order of modes.
func hostileRun(t *testing.T, rcv *hostileReceiver, timeoutSeconds int, modes ...string) []*ent.Delivery {
	t.Helper()
	e := apptest.New(t, true)
	return hostileRunIn(t, e, rcv, timeoutSeconds, modes...)
}

func hostileRunIn(t *testing.T, e *apptest.Env, rcv *hostileReceiver, timeoutSeconds int, modes ...string) []*ent.Delivery {
	t.Helper()
	e.CreateEventType(hostileType)
	acc := e.CreateAccount("hostile receiver's tenant")
	// One slot: a delivery the attack left holding it would stall the next.
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{hostileType}, map[string]any{
		"timeoutSeconds": timeoutSeconds, "retrySchedule": []int{}, "maxParallel": 1,
	})
	e.StartWorker()
	ids := make([]string, len(modes))
	for i, mode := range modes {
		ids[i] = e.Publish(acc.Token, hostileType, map[string]any{"mode": mode}, nil)
	}
	wait := time.Duration(len(modes)*(timeoutSeconds+5)) * time.Second
	byEvent := map[string]*ent.Delivery{}
	for _, d := range e.WaitFor(wait, apptest.AllEnded(len(modes))) {
		byEvent[string(d.EventID)] = d
	}
	out := make([]*ent.Delivery, len(modes))
	for i, id := range ids {
		out[i] = byEvent[id]
	}
	for i, d := range out {
		if d == nil {
			t.Fatalf("%s: no delivery for event %s", modes[i], ids[i])
		}
		if d.Status != delivery.StatusFAILED || len(d.Edges.Attempts) != 1 {
			var got []string
			for _, att := range d.Edges.Attempts {
				a := spelled(att)
				got = append(got, fmt.Sprintf("%d %s %q", a.status, a.kind, a.err))
			}
			t.Fatalf("%s: delivery ended %s after attempts %q, want FAILED after its one attempt", modes[i], d.Status, got)
		}
	}

	legit := e.Publish(acc.Token, hostileType, map[string]any{"mode": ""}, nil)
	for _, d := range e.WaitFor(10*time.Second, apptest.AllEnded(len(modes)+1)) {
		if string(d.EventID) == legit && (d.Status != delivery.StatusSUCCEEDED || rcv.legit.Load() != 1) {
			t.Errorf("next delivery to the same configuration ended %s (receiver answered %d well-behaved events), want SUCCEEDED",
				d.Status, rcv.legit.Load())
		}
	}
	return out
}

// attemptOf is an attempt with its optional fields spelled out.
type attemptOf struct {
	*ent.DeliveryAttempt
	kind, err string
	status    int
}

// onlyAttempt is the one attempt of d.
func onlyAttempt(d *ent.Delivery) attemptOf { return spelled(d.Edges.Attempts[0]) }

func spelled(att *ent.DeliveryAttempt) attemptOf {
	a := attemptOf{DeliveryAttempt: att}
	if a.ErrorKind != nil {
		a.kind = *a.ErrorKind
	}
	if a.Error != nil {
		a.err = *a.Error
	}
	if a.ResponseStatus != nil {
		a.status = *a.ResponseStatus
	}
	return a
}

func TestHostileEndlessBodyIsCutOffAndRecorded(t *testing.T) {
	t.Parallel()
	rcv := newHostileReceiver(t, func(_ string, w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 32<<10))
		for sent := 0; sent < 200<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	a := onlyAttempt(hostileRun(t, rcv, 10, "endless body")[0])

	if a.kind != "response_read" || !strings.Contains(a.err, "larger than 1 MiB") || a.status != 200 {
		t.Errorf("attempt kind %q error %q status %d, want response_read saying the body is larger than 1 MiB, status 200", a.kind, a.err, a.status)
	}
	if len(a.ResponseBody) != sender.MaxResponseBody || !a.ResponseBodyTruncated {
		t.Errorf("stored %d bytes of body (truncated %v), want the first %d, truncated", len(a.ResponseBody), a.ResponseBodyTruncated, sender.MaxResponseBody)
	}
	if a.DurationMs > 5000 {
		t.Errorf("attempt took %d ms: the body should be cut off by size, well before the 10 s timeout", a.DurationMs)
	}
}

func TestHostileHugeHeaderBlockIsCutOffAndRecorded(t *testing.T) {
	t.Parallel()
	rcv := newHostileReceiver(t, func(_ string, w http.ResponseWriter, _ *http.Request) {
		for i := range 200 { // 200 KiB of headers
			w.Header().Set(fmt.Sprintf("X-Padding-%03d", i), strings.Repeat("a", 1<<10))
		}
		w.WriteHeader(http.StatusOK)
	})
	a := onlyAttempt(hostileRun(t, rcv, 10, "huge headers")[0])

	if a.kind != "response_read" || a.err != "response headers larger than 64 KiB: cut off" || a.status != 0 {
		t.Errorf("attempt kind %q error %q status %d, want response_read: response headers larger than 64 KiB: cut off, no status", a.kind, a.err, a.status)
	}
	if len(a.ResponseHeaders) != 0 {
		t.Errorf("stored %d response headers, want none", len(a.ResponseHeaders))
	}
}

// PostgreSQL refuses invalid UTF-8 and NUL in text and jsonb: stored as
// they came, the attempt could never be recorded and the delivery would be
// retried forever. They are stored with U+FFFD in their place.
func TestHostileInvalidUTF8IsRecordedSanitised(t *testing.T) {
	t.Parallel()
	rcv := newHostileReceiver(t, func(_ string, w http.ResponseWriter, _ *http.Request) {
		w.Header()["X-Invalid"] = []string{"caf\xe9 \xff\xfe end"}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("bad \xff\xfe\x00 r\xe9ponse \xc3( end"))
	})
	a := onlyAttempt(hostileRun(t, rcv, 10, "invalid utf-8")[0])

	if a.kind != "http_status" || a.status != 400 {
		t.Errorf("attempt kind %q error %q status %d, want http_status 400", a.kind, a.err, a.status)
	}
	body, header := a.ResponseBody, a.ResponseHeaders["X-Invalid"]
	for what, s := range map[string]string{"body": body, "header X-Invalid": header} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || !strings.Contains(s, "\uFFFD") || !strings.HasSuffix(s, " end") {
			t.Errorf("stored %s %q, want valid UTF-8 without NUL, U+FFFD for the bad bytes and the rest kept", what, s)
		}
	}
	if !strings.HasPrefix(body, "bad ") || !strings.HasPrefix(header, "caf") {
		t.Errorf("stored body %q and header %q, want their valid parts kept", body, header)
	}
}

// A receiver that answers 200 and then trickles the body, and one that
// never answers: each attempt ends at the 1 s timeout.
func TestHostileSlowReceiversAreCutOffAtTheTimeout(t *testing.T) {
	t.Parallel()
	rcv := newHostileReceiver(t, func(mode string, w http.ResponseWriter, r *http.Request) {
		if mode == "silent" {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := w.Write([]byte("a")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	ds := hostileRun(t, rcv, 1, "trickle", "silent")

	for i, want := range []struct {
		status int
		err    string
	}{
		{200, "status 200, but timeout after 1s reading the response body"},
		{0, "timeout after 1s"},
	} {
		a := onlyAttempt(ds[i])
		if a.kind != "timeout" || a.err != want.err || a.status != want.status {
			t.Errorf("attempt %d: kind %q error %q status %d, want timeout %q status %d", i, a.kind, a.err, a.status, want.err, want.status)
		}
		if a.DurationMs < 1000 || a.DurationMs > 2500 {
			t.Errorf("attempt %d took %d ms, want about the 1 s timeout", i, a.DurationMs)
		}
	}
	if body := onlyAttempt(ds[0]).ResponseBody; !strings.HasPrefix(body, "aa") {
		t.Errorf("trickle: stored body %q, want what arrived before the timeout", body)
	}
}

// A redirect to the cloud metadata service is recorded as a failure and
// never followed.
func TestHostileRedirectToMetadataIsNotFollowed(t *testing.T) {
	t.Parallel()
	var followed atomic.Int32
	canary := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Add(1) }))
	t.Cleanup(canary.Close)
	_, port, _ := net.SplitHostPort(canary.Listener.Addr().String())
	// metadata.google.internal (169.254.169.254 in a cloud) leads to the
	// canary here, so that following the redirect shows and no request can
	// leave the machine.
	target := "http://metadata.google.internal:" + port + "/computeMetadata/v1/instance/service-accounts/default/token"
	dns := netguardtest.NewDNS(t, func(host string, _ int) []netip.Addr {
		if host == "metadata.google.internal" {
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}
		}
		return nil
	})
	rcv := newHostileReceiver(t, func(_ string, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusTemporaryRedirect) // 307 keeps the method and the body
	})
	e := apptest.New(t, true)
	e.App.Sender = sender.New(netguard.Policy{AllowInsecure: true, Resolver: dns.Resolver()}, "Ferry-Webhooks/test")
	e.App.Attempts.Sender = e.App.Sender
	a := onlyAttempt(hostileRunIn(t, e, rcv, 10, "redirect")[0])

	if a.kind != "redirect" || a.status != 307 || !strings.Contains(a.err, target) {
		t.Errorf("attempt kind %q error %q status %d, want redirect 307 naming %s", a.kind, a.err, a.status, target)
	}
	if n := followed.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests, want none", n)
	}
}

// DNS rebinding with FERRY_ALLOW_INSECURE_URLS off: the configuration's
// host resolves to a public address when checked, then to 127.0.0.1. The
// worker's connection is refused at dial time, the attempt (and its retry)
// is recorded as blocked, and the loopback receiver, which holds a valid
// certificate for the name, never gets a connection.
//
// The configuration is written to the database directly: creating it
// through the API sends a request that must get a 2xx from the public
// address, which a test cannot provide without leaving the machine. The
// check at creation is played by Policy.CheckHost on the first answer.
func TestHostileDNSRebindingIsBlockedAtDialTime(t *testing.T) {
	t.Parallel()
	const host = "rebind.example.com" // httptest's certificate covers *.example.com
	dns := netguardtest.NewDNS(t, netguardtest.Rebinding(host,
		netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("127.0.0.1")))
	rcv := netguardtest.NewReceiver(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	port, roots := rcv.Port, rcv.Roots

	e := apptest.New(t, false)
	policy := netguard.Policy{Resolver: dns.Resolver()}
	e.App.Sender = sender.New(policy, "Ferry-Webhooks/test", sender.WithRootCAs(roots))
	e.App.Attempts.Sender = e.App.Sender
	e.CreateEventType(hostileType)
	acc := e.CreateAccount("rebinding tenant")
	keyID, _ := e.CreateSigningKey(acc.Token, "rebinding key")
	ctx := viewer.System(context.Background())
	if err := policy.CheckHost(ctx, host); err != nil {
		t.Fatalf("first lookup of %s should pass as public: %v", host, err)
	}
	e.App.Client.Configuration.Create().
		SetAccountID(pulid.ID(acc.ID)).SetName("rebinding").SetURL("https://" + host + ":" + port + "/hook").
		SetSigningKeyID(pulid.ID(keyID)).SetEventTypes([]string{hostileType}).
		SetTimeoutSeconds(5).SetRetrySchedule([]int{0}).
		SetStatus(configuration.StatusACTIVE).SetActivatedAt(time.Now()).
		SaveX(ctx)
	e.StartWorker()

	e.Publish(acc.Token, hostileType, map[string]any{"mode": "rebind"}, nil)
	d := e.WaitFor(15*time.Second, apptest.AllEnded(1))[0]

	if d.Status != delivery.StatusFAILED || len(d.Edges.Attempts) != 2 {
		t.Fatalf("delivery ended %s after %d attempts, want FAILED after 2 (one retry)", d.Status, len(d.Edges.Attempts))
	}
	for _, att := range d.Edges.Attempts {
		a := spelled(att)
		if a.kind != "blocked" || a.err != "blocked by policy: address 127.0.0.1 is not public" || a.ResponseStatus != nil {
			t.Errorf("attempt %d: kind %q error %q status %v, want blocked by policy: address 127.0.0.1 is not public, no response",
				a.Number, a.kind, a.err, a.ResponseStatus)
		}
	}
	if n := dns.Lookups(host); n != 3 {
		t.Errorf("%s was looked up %d times, want 3: the check, then once per attempt", host, n)
	}
	if n := rcv.Conns(); n != 0 {
		t.Errorf("the loopback receiver got %d connections, want none", n)
	}
}
