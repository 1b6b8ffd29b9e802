package graph_test

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// After rotateSigningKey, X-Signature (one signature only) keeps the
// previous secret for the 24 h overlap, so receivers that check only it
// switch when they are ready, at the time the API announces; webhook-signature
// carries both meanwhile. The overlap is crossed by moving Ferry's clock.
func TestRotationKeepsXSignatureOnThePreviousSecretUntilTheOverlapEnds(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	var ahead atomic.Int64 // how far Ferry's key clock runs ahead of the wall clock
	e.App.Keys.SetClock(func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) })
	e.CreateEventType("a.b")
	acc := e.CreateAccount("rotation")
	rcv := apptest.NewReceiver(t, 200)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{"a.b"}, nil)
	first := ep.Secret

	switchesAt := func() *time.Time {
		t.Helper()
		var out struct {
			Node struct{ XSignatureSwitchesAt *time.Time }
		}
		e.MustDo(acc.Token, `query($id: ID!) { node(id: $id) { ... on SigningKey { xSignatureSwitchesAt } } }`, map[string]any{"id": ep.KeyID}, &out)
		return out.Node.XSignatureSwitchesAt
	}
	rotate := func() (secret string, switches *time.Time) {
		t.Helper()
		var out struct {
			RotateSigningKey struct {
				Secret     string
				SigningKey struct{ XSignatureSwitchesAt *time.Time }
			}
		}
		e.MustDo(acc.Token, `mutation($id: ID!) { rotateSigningKey(id: $id) { secret signingKey { xSignatureSwitchesAt } } }`, map[string]any{"id": ep.KeyID}, &out)
		return out.RotateSigningKey.Secret, out.RotateSigningKey.SigningKey.XSignatureSwitchesAt
	}
	// deliver publishes an event and has a new worker deliver it: a worker
	// reuses a key it read for up to a second, which a rotation does not cut.
	published := 0
	deliver := func() apptest.Request {
		t.Helper()
		id := e.Publish(acc.Token, "a.b", map[string]any{"n": published}, nil)
		published++
		stop := e.StartWorker()
		e.WaitFor(10*time.Second, apptest.AllEnded(published))
		stop()
		reqs := rcv.EventRequests(id)
		if len(reqs) != 1 {
			t.Fatalf("the receiver got event %s %d times, want once", id, len(reqs))
		}
		return reqs[0]
	}
	// signedWith checks X-Signature against xSecret and that webhook-signature
	// holds exactly one signature with each of standard.
	signedWith := func(when string, req apptest.Request, xSecret string, standard ...string) {
		t.Helper()
		if want, _ := apptest.Signatures(t, xSecret, req); req.Header.Get("X-Signature") != want {
			t.Errorf("%s: X-Signature is not made with the secret ending in %s", when, xSecret[len(xSecret)-4:])
		}
		got := strings.Fields(req.Header.Get("Webhook-Signature"))
		var want []string
		for _, s := range standard {
			_, v1 := apptest.Signatures(t, s, req)
			want = append(want, v1)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: webhook-signature has %d signatures %v, want one with each of %d secrets", when, len(got), got, len(standard))
		}
	}

	if at := switchesAt(); at != nil {
		t.Errorf("xSignatureSwitchesAt = %v before any rotation, want null", at)
	}
	signedWith("before the rotation", deliver(), first, first)

	rotatedAt := time.Now()
	second, at := rotate()
	if at == nil || at.Sub(rotatedAt) < 24*time.Hour-time.Minute || at.Sub(rotatedAt) > 24*time.Hour+time.Minute {
		t.Fatalf("rotateSigningKey announced xSignatureSwitchesAt %v, want 24 h after the rotation (%v)", at, rotatedAt)
	}
	signedWith("during the overlap", deliver(), first, first, second)
	if got := switchesAt(); got == nil || !got.Equal(*at) {
		t.Errorf("xSignatureSwitchesAt read back as %v, want %v", got, at)
	}

	// Rotating again half-way replaces only the secret X-Signature never
	// used, and gives its receivers 24 h from now.
	ahead.Store(int64(12 * time.Hour))
	third, later := rotate()
	if later == nil || later.Sub(*at) < 12*time.Hour-time.Minute {
		t.Fatalf("a second rotation 12 h in announced %v, want 24 h after it (12 h after %v)", later, at)
	}
	signedWith("during a second rotation's overlap", deliver(), first, first, third)

	// Once the overlap has ended, X-Signature switches and the previous
	// secret signs nothing.
	ahead.Store(int64(later.Sub(time.Now()) + time.Second))
	if got := switchesAt(); got != nil {
		t.Errorf("xSignatureSwitchesAt = %v after the overlap, want null", got)
	}
	signedWith("after the overlap", deliver(), third, third)
	var test struct {
		SendTestEvent struct{ RequestHeaders map[string]string }
	}
	e.MustDo(acc.Token, `mutation($id: ID!) { sendTestEvent(input: {configurationID: $id, eventType: "a.b"}) { requestHeaders } }`, map[string]any{"id": ep.ID}, &test)
	reqs := rcv.Requests()
	signedWith("a test event after the overlap", reqs[len(reqs)-1], third, third)
}
