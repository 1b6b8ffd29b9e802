package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/webhook"
)

// A receiver built on Middleware takes part in everything Ferry sends it: it
// answers the unsigned URL check, accepts the signed activation ping, and
// gets each published event verified and decoded. The request Ferry sent
// is then rejected once its body is changed, under another secret, or six
// minutes later.
func TestFerryDeliveryVerifiesThroughMiddleware(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("billing.invoice_paid")
	acc := e.CreateAccount("acme")
	keyID, secret := e.CreateSigningKey(acc.Token, "receiver kit")
	v, err := webhook.NewVerifier(secret)
	if err != nil {
		t.Fatalf("NewVerifier with the secret Ferry showed: %v", err)
	}
	rcv := newKitReceiver(t, v)
	activeConfiguration(e, acc.Token, rcv.URL, keyID, "billing.invoice_paid")
	e.StartWorker()

	data := map[string]any{"invoice": 42, "customer": "ACME Ltda", "amount": "19.90"}
	evtID := e.Publish(acc.Token, "billing.invoice_paid", data, nil)
	ds := e.WaitFor(15*time.Second, apptest.AllEnded(1))

	if ds[0].Status != delivery.StatusSUCCEEDED {
		t.Fatalf("delivery ended %s (last response %v), want SUCCEEDED: the middleware refused Ferry's request", ds[0].Status, ds[0].LastResponseStatus)
	}
	got := rcv.Verified()
	if types := eventTypes(got); strings.Join(types, ",") != "ping,billing.invoice_paid" {
		t.Fatalf("next got events %q, want the activation ping then the published event", types)
	}
	evt := got[1]
	if evt.Event.ID != evtID || evt.Event.Type != "billing.invoice_paid" {
		t.Errorf("verified event = %s %s, want %s billing.invoice_paid", evt.Event.ID, evt.Event.Type, evtID)
	}
	var gotData map[string]any
	if err := json.Unmarshal(evt.Event.Data, &gotData); err != nil || !jsonEqual(gotData, data) {
		t.Errorf("verified event data = %s, want %v", evt.Event.Data, data)
	}
	if evt.Event.OccurredAt.IsZero() || time.Since(evt.Event.OccurredAt) > time.Minute {
		t.Errorf("verified event OccurredAt = %s, want the publish time", evt.Event.OccurredAt)
	}

	sent := rcv.Request(t, evtID)
	if !bytes.Equal(evt.Body, sent.Body) {
		t.Errorf("next re-read body %s, want the bytes Ferry sent %s", evt.Body, sent.Body)
	}
	checks := rcv.Requests()
	if len(checks) == 0 || checks[0].Status != http.StatusOK || !strings.Contains(string(checks[0].Body), "ferry.url_verification") {
		t.Errorf("requests = %+v, want the first to be Ferry's URL check, answered 200", checks)
	}

	t.Run("the request as sent verifies", func(t *testing.T) {
		if err := v.Verify(sent.Header, sent.Body); err != nil {
			t.Errorf("Verify(Ferry's request) = %v", err)
		}
	})
	t.Run("a tampered body is rejected", func(t *testing.T) {
		body := bytes.Replace(sent.Body, []byte(`"invoice":42`), []byte(`"invoice":43`), 1)
		if bytes.Equal(body, sent.Body) {
			t.Fatalf("body %s does not carry the invoice to tamper with", sent.Body)
		}
		if err := v.Verify(sent.Header, body); !errors.Is(err, webhook.ErrNoMatch) {
			t.Errorf("Verify(tampered) = %v, want ErrNoMatch", err)
		}
		if status := rcv.Replay(t, sent.Header, body); status != http.StatusUnauthorized {
			t.Errorf("replaying it to the receiver got %d, want 401", status)
		}
	})
	t.Run("another secret rejects it", func(t *testing.T) {
		_, other := e.CreateSigningKey(acc.Token, "another key")
		w, err := webhook.NewVerifier(other)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Verify(sent.Header, sent.Body); !errors.Is(err, webhook.ErrNoMatch) {
			t.Errorf("Verify with another key's secret = %v, want ErrNoMatch", err)
		}
	})
	t.Run("six minutes later it is a stale replay", func(t *testing.T) {
		ts, err := strconv.ParseInt(sent.Header.Get("Webhook-Timestamp"), 10, 64)
		if err != nil {
			t.Fatalf("webhook-timestamp %q: %v", sent.Header.Get("Webhook-Timestamp"), err)
		}
		late := newVerifier(t, time.Unix(ts, 0).Add(6*time.Minute), secret)
		if err := late.Verify(sent.Header, sent.Body); !errors.Is(err, webhook.ErrTooOld) {
			t.Errorf("Verify six minutes after the attempt = %v, want ErrTooOld", err)
		}
	})
	t.Run("X-Signature alone verifies when the Standard headers are stripped", func(t *testing.T) {
		h := sent.Header.Clone()
		for _, k := range []string{"Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"} {
			h.Del(k)
		}
		if err := v.Verify(h, sent.Body); err != nil {
			t.Errorf("Verify(X-Signature only) = %v, want DESIGN.md's X-Signature accepted", err)
		}
		strict := newVerifier(t, time.Now(), secret)
		strict.StandardOnly = true
		if err := strict.Verify(h, sent.Body); !errors.Is(err, webhook.ErrMissingHeaders) {
			t.Errorf("StandardOnly Verify(X-Signature only) = %v, want ErrMissingHeaders", err)
		}
	})
}

// After rotateSigningKey, Ferry signs with both secrets, so a receiver that
// still knows only the old one keeps accepting events, and one that already
// switched to the new one accepts them too.
func TestFerryKeyRotationVerifiesWithEitherSecret(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("billing.invoice_paid")
	acc := e.CreateAccount("acme")
	keyID, oldSecret := e.CreateSigningKey(acc.Token, "receiver kit")
	v, err := webhook.NewVerifier(oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	rcv := newKitReceiver(t, v)
	activeConfiguration(e, acc.Token, rcv.URL, keyID, "billing.invoice_paid")
	var out struct{ RotateSigningKey struct{ Secret string } }
	e.MustDo(acc.Token, `mutation($id: ID!) { rotateSigningKey(id: $id) { secret } }`, map[string]any{"id": keyID}, &out)
	newSecret := out.RotateSigningKey.Secret
	e.StartWorker()

	evtID := e.Publish(acc.Token, "billing.invoice_paid", map[string]any{"invoice": 7}, nil)
	ds := e.WaitFor(15*time.Second, apptest.AllEnded(1))

	if ds[0].Status != delivery.StatusSUCCEEDED {
		t.Fatalf("delivery ended %s, want SUCCEEDED for a receiver knowing only the old secret", ds[0].Status)
	}
	sent := rcv.Request(t, evtID)
	if n := len(strings.Fields(sent.Header.Get("Webhook-Signature"))); n != 2 {
		t.Errorf("webhook-signature has %d entries during the rotation, want 2", n)
	}
	for desc, secrets := range map[string][]string{
		"new secret only": {newSecret},
		"both secrets":    {oldSecret, newSecret},
	} {
		if err := newVerifier(t, time.Now(), secrets...).Verify(sent.Header, sent.Body); err != nil {
			t.Errorf("Verify with the %s = %v", desc, err)
		}
	}
}

// activeConfiguration creates a configuration for url signed by keyID and
// activates it. Unlike apptest.ActiveEndpoint it takes an existing key, so the
// receiver knows the secret before Ferry's ping arrives.
func activeConfiguration(e *apptest.Env, token, url, keyID string, eventTypes ...string) {
	e.T.Helper()
	id := e.CreateConfiguration(token, map[string]any{
		"name": "receiver kit", "url": url, "signingKeyID": keyID, "eventTypes": eventTypes,
	})
	var out struct {
		ActivateConfiguration struct{ Configuration struct{ Status string } }
	}
	e.MustDo(token, `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`, map[string]any{"id": id}, &out)
	if out.ActivateConfiguration.Configuration.Status != "ACTIVE" {
		e.T.Fatalf("configuration %s did not activate: the middleware refused Ferry's ping", id)
	}
}

// kitReceiver is an HTTP endpoint built on Middleware. It records every
// request as it arrived with the status the middleware gave it, and every
// event the middleware let through.
type kitReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []received
	verified []received
}

// received is a request as it arrived, or an event as next saw it.
type received struct {
	Header http.Header
	Body   []byte
	Status int
	Event  webhook.Event
}

func newKitReceiver(t *testing.T, v *webhook.Verifier) *kitReceiver {
	k := &kitReceiver{}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, ok := webhook.EventFrom(r.Context())
		if !ok {
			t.Errorf("next ran without an event in the context")
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("next could not re-read the body: %v", err)
		}
		k.mu.Lock()
		k.verified = append(k.verified, received{Header: r.Header.Clone(), Body: body, Event: e})
		k.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	mw := v.Middleware(next)
	k.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mw.ServeHTTP(sw, r)
		k.mu.Lock()
		k.requests = append(k.requests, received{Header: r.Header.Clone(), Body: body, Status: sw.status})
		k.mu.Unlock()
	}))
	t.Cleanup(k.Close)
	return k
}

// Requests returns every request so far, in arrival order.
func (k *kitReceiver) Requests() []received {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]received(nil), k.requests...)
}

// Verified returns the events next got, in order.
func (k *kitReceiver) Verified() []received {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]received(nil), k.verified...)
}

// Request returns the one request that carried eventID.
func (k *kitReceiver) Request(t *testing.T, eventID string) received {
	t.Helper()
	var out []received
	for _, r := range k.Requests() {
		if r.Header.Get("X-Ferry-Event-Id") == eventID {
			out = append(out, r)
		}
	}
	if len(out) != 1 {
		t.Fatalf("receiver got event %s %d times, want once", eventID, len(out))
	}
	return out[0]
}

// Replay posts a request to the receiver and returns the status it answered.
func (k *kitReceiver) Replay(t *testing.T, h http.Header, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, k.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h.Clone()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	return res.StatusCode
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func eventTypes(rs []received) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Event.Type
	}
	return out
}

// jsonEqual compares two values by their JSON encoding.
func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
