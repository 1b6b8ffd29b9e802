package app_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// With FERRY_EGRESS_PROXY set, everything Ferry sends to a receiver (the URL
// check when a configuration is created, the activation ping and deliveries)
// leaves through the proxy, authenticated, and arrives intact.
func TestEgressProxyCarriesEveryRequest(t *testing.T) {
	t.Parallel()
	proxy := apptest.NewProxy(t)
	proxyURL, err := url.Parse(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxyURL.User = url.UserPassword("ferry", "pr0xy-s3cret")
	e := apptest.NewWith(t, map[string]string{"FERRY_EGRESS_PROXY": proxyURL.String()})
	e.CreateEventType("billing.invoice_paid")
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(t, 200)
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{"billing.invoice_paid"}, nil)
	e.StartWorker()

	evtID := e.Publish(acc.Token, "billing.invoice_paid", map[string]any{"invoice": 42}, nil)
	ds := e.WaitFor(10*time.Second, apptest.AllEnded(1))

	if ds[0].Status != delivery.StatusSUCCEEDED {
		t.Fatalf("delivery ended %s, want SUCCEEDED through the proxy", ds[0].Status)
	}
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("ferry:pr0xy-s3cret"))
	var events []string
	for _, r := range proxy.Requests() {
		if r.Method != http.MethodPost || r.Target != rcv.URL+"/" {
			t.Errorf("proxy saw %s %s, want POSTs to the receiver %s/", r.Method, r.Target, rcv.URL)
		}
		if got := r.Header.Get("Proxy-Authorization"); got != wantAuth {
			t.Errorf("request for %s carried Proxy-Authorization %q, want %q", r.Target, got, wantAuth)
		}
		var body struct{ Event string }
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Errorf("proxy forwarded a body that is not Ferry's JSON: %s", r.Body)
		}
		events = append(events, body.Event)
	}
	want := []string{"ferry.url_verification", "ping", "billing.invoice_paid"}
	if !slices.Equal(events, want) {
		t.Errorf("proxy carried events %q, want the URL check, the activation ping and the delivery: %q", events, want)
	}
	got := rcv.EventRequests(evtID)
	if len(got) != 1 {
		t.Fatalf("receiver got the event %d times, want once", len(got))
	}
	apptest.CheckSignatures(t, ep.Secret, got[0])
}
