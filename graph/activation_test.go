package graph_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

type activation struct {
	ActivateConfiguration struct {
		Configuration struct{ Status string }
		Attempt       struct {
			Trigger        string
			ResponseStatus *int
			RequestBody    string
			Number         int
		}
	}
}

const activate = `mutation($id: ID!) { activateConfiguration(id: $id) {
	configuration { status }
	attempt { trigger responseStatus requestBody number } } }`

func TestActivationSendsASignedPing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("activation")
	keyID, secret := e.CreateSigningKey(acc.Token, "k")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{
		"name": "endpoint", "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"QUESTION_ANSWERED"},
		"headers": map[string]string{"X-Team": "billing"},
	})
	before := len(rcv.Requests()) // the verification request

	var out activation
	e.MustDo(acc.Token, activate, map[string]any{"id": cfgID}, &out)
	got := out.ActivateConfiguration
	if got.Configuration.Status != "ACTIVE" {
		t.Fatalf("status after a 200 ping = %q, want ACTIVE", got.Configuration.Status)
	}
	if got.Attempt.Trigger != "PING" || got.Attempt.ResponseStatus == nil || *got.Attempt.ResponseStatus != 200 || got.Attempt.Number != 1 {
		t.Errorf("attempt = %+v, want PING #1 answered 200", got.Attempt)
	}

	reqs := rcv.Requests()
	if len(reqs) != before+1 {
		t.Fatalf("receiver got %d requests after activation, want 1", len(reqs)-before)
	}
	ping := reqs[len(reqs)-1]
	if string(ping.Body) != got.Attempt.RequestBody {
		t.Errorf("recorded body %q differs from the body sent %q", got.Attempt.RequestBody, ping.Body)
	}
	var body struct {
		ID, Event, SentDate string
		Data                map[string]any
	}
	if err := json.Unmarshal(ping.Body, &body); err != nil {
		t.Fatalf("ping body is not JSON: %v", err)
	}
	if body.Event != "ping" || !strings.HasPrefix(body.ID, "evt_") || len(body.SentDate) != len("2023-08-31T18:34:23.023Z") {
		t.Errorf("ping body = %s, want event ping, an evt_ id and a millisecond UTC sentDate", ping.Body)
	}
	h := ping.Header
	for name, want := range map[string]string{
		"Content-Type":             "application/json",
		"X-Ferry-Event-Id":         body.ID,
		"Webhook-Id":               body.ID,
		"X-Ferry-Configuration-Id": cfgID,
		"X-Ferry-Attempt":          "1",
		"X-Team":                   "billing",
	} {
		if h.Get(name) != want {
			t.Errorf("header %s = %q, want %q", name, h.Get(name), want)
		}
	}
	if !strings.HasPrefix(h.Get("X-Ferry-Delivery-Id"), "dlv_") || !strings.HasPrefix(h.Get("User-Agent"), "Ferry") {
		t.Errorf("delivery id %q / user agent %q", h.Get("X-Ferry-Delivery-Id"), h.Get("User-Agent"))
	}
	apptest.CheckSignatures(t, secret, ping)
}

func TestActivationFailsWhenThePingIsNotAnswered2xx(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("activation")
	keyID, _ := e.CreateSigningKey(acc.Token, "k")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{
		"name": "endpoint", "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"QUESTION_ANSWERED"},
	})
	rcv.Status = func(int) int { return 500 }

	var out activation
	e.MustDo(acc.Token, activate, map[string]any{"id": cfgID}, &out)
	got := out.ActivateConfiguration
	if got.Configuration.Status != "INACTIVE" {
		t.Errorf("status after a 500 ping = %q, want INACTIVE", got.Configuration.Status)
	}
	if got.Attempt.ResponseStatus == nil || *got.Attempt.ResponseStatus != 500 {
		t.Errorf("attempt response status = %v, want 500", got.Attempt.ResponseStatus)
	}

	// The ping is in the history as a delivery with its attempt.
	var hist struct {
		Deliveries struct {
			Edges []struct {
				Node struct {
					Status, EventType  string
					LastResponseStatus *int
					Attempts           []struct{ Trigger string }
				}
			}
		}
	}
	e.MustDo(acc.Token, `{ deliveries { edges { node { status eventType lastResponseStatus attempts { trigger } } } } }`, nil, &hist)
	if len(hist.Deliveries.Edges) != 1 {
		t.Fatalf("history has %d deliveries, want the ping", len(hist.Deliveries.Edges))
	}
	n := hist.Deliveries.Edges[0].Node
	if n.Status != "FAILED" || n.EventType != "ping" || n.LastResponseStatus == nil || *n.LastResponseStatus != 500 || len(n.Attempts) != 1 || n.Attempts[0].Trigger != "PING" {
		t.Errorf("ping delivery = %+v", n)
	}
}

func TestDeactivateAndDeleteConfiguration(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("lifecycle")
	keyID, _ := e.CreateSigningKey(acc.Token, "k")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{
		"name": "endpoint", "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"QUESTION_ANSWERED"},
	})
	e.MustDo(acc.Token, activate, map[string]any{"id": cfgID}, nil)
	var deact struct{ DeactivateConfiguration struct{ Status string } }
	e.MustDo(acc.Token, `mutation($id: ID!) { deactivateConfiguration(id: $id) { status } }`, map[string]any{"id": cfgID}, &deact)
	if deact.DeactivateConfiguration.Status != "INACTIVE" {
		t.Errorf("status after deactivate = %q", deact.DeactivateConfiguration.Status)
	}
	var del struct{ DeleteConfiguration string }
	e.MustDo(acc.Token, `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": cfgID}, &del)
	if del.DeleteConfiguration != cfgID {
		t.Errorf("deleteConfiguration returned %q", del.DeleteConfiguration)
	}
	res := e.Do(acc.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": cfgID})
	if apptest.OnlyError(t, res).Code() != "NOT_FOUND" {
		t.Errorf("deleted configuration still found")
	}
	var hist struct{ Deliveries struct{ TotalCount int } }
	e.MustDo(acc.Token, `{ deliveries { totalCount } }`, nil, &hist)
	if hist.Deliveries.TotalCount != 1 {
		t.Errorf("the ping's history should survive deletion, have %d deliveries", hist.Deliveries.TotalCount)
	}
}

func TestRotatedKeySignsWithBothSecretsDuringTheOverlap(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("rotation")
	keyID, oldSecret := e.CreateSigningKey(acc.Token, "k")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{
		"name": "endpoint", "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"QUESTION_ANSWERED"},
	})
	var rotated struct{ RotateSigningKey struct{ Secret string } }
	e.MustDo(acc.Token, `mutation($id: ID!) { rotateSigningKey(id: $id) { secret } }`, map[string]any{"id": keyID}, &rotated)
	newSecret := rotated.RotateSigningKey.Secret
	if newSecret == oldSecret {
		t.Fatal("rotation returned the same secret")
	}
	e.MustDo(acc.Token, activate, map[string]any{"id": cfgID}, nil)
	reqs := rcv.Requests()
	ping := reqs[len(reqs)-1]
	sigs := strings.Split(ping.Header.Get("Webhook-Signature"), " ")
	if len(sigs) != 2 {
		t.Fatalf("webhook-signature = %q, want two signatures during the overlap", ping.Header.Get("Webhook-Signature"))
	}
	for _, secret := range []string{newSecret, oldSecret} {
		if _, want := apptest.Signatures(t, secret, ping); !slices.Contains(sigs, want) {
			t.Errorf("webhook-signature %q lacks %q", sigs, want)
		}
	}
	// X-Signature keeps the old secret until the overlap ends (see
	// TestRotationKeepsXSignatureOnThePreviousSecretUntilTheOverlapEnds).
	if want, _ := apptest.Signatures(t, oldSecret, ping); ping.Header.Get("X-Signature") != want {
		t.Errorf("X-Signature is not made with the old secret during the overlap")
	}
}
