package apptest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Account is a test tenant with its token.
type Account struct {
	ID    string
	Token string
}

// CreateAccount makes an account through the API with the admin token.
func (e *Env) CreateAccount(name string) Account {
	e.T.Helper()
	var out struct {
		CreateAccount struct {
			Account struct{ ID string }
			Token   string
		}
	}
	e.MustDo(AdminToken, `mutation($n: String!) { createAccount(input: {name: $n}) { account { id } token } }`,
		map[string]any{"n": name}, &out)
	return Account{ID: out.CreateAccount.Account.ID, Token: out.CreateAccount.Token}
}

// CreateEventType adds a catalog entry with the admin token.
func (e *Env) CreateEventType(name string) string {
	e.T.Helper()
	var out struct{ CreateEventType struct{ ID string } }
	e.MustDo(AdminToken, `mutation($n: String!) { createEventType(input: {name: $n}) { id } }`,
		map[string]any{"n": name}, &out)
	return out.CreateEventType.ID
}

// CreateSigningKey makes a key for the token's account and returns id and secret.
func (e *Env) CreateSigningKey(token, name string) (id, secret string) {
	e.T.Helper()
	var out struct {
		CreateSigningKey struct {
			SigningKey struct{ ID string }
			Secret     string
		}
	}
	e.MustDo(token, `mutation($n: String!) { createSigningKey(input: {name: $n}) { signingKey { id } secret } }`,
		map[string]any{"n": name}, &out)
	return out.CreateSigningKey.SigningKey.ID, out.CreateSigningKey.Secret
}

// CreateConfiguration makes a configuration and returns its id.
func (e *Env) CreateConfiguration(token string, input map[string]any) string {
	e.T.Helper()
	var out struct{ CreateConfiguration struct{ ID string } }
	e.MustDo(token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`,
		map[string]any{"in": input}, &out)
	return out.CreateConfiguration.ID
}

// Request is what a test receiver got.
type Request struct {
	Header http.Header
	Body   []byte
	At     time.Time
}

// Receiver is an HTTP endpoint on loopback that records requests and answers
// with the status its Status function returns, after Delay and with the
// headers of Header when those are set. Set them before traffic arrives.
type Receiver struct {
	*httptest.Server
	Status func(n int) int           // n counts requests from 1
	Delay  func(n int) time.Duration // nil: answer at once
	Header func(n int) http.Header   // nil: no extra headers

	mu       sync.Mutex
	requests []Request
	inFlight int
	peak     int
}

// NewReceiver starts a receiver answering status to every request.
func NewReceiver(t testing.TB, status int) *Receiver {
	r := &Receiver{Status: func(int) int { return status }}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	r.requests = append(r.requests, Request{Header: req.Header.Clone(), Body: body, At: time.Now()})
	n := len(r.requests)
	r.inFlight++
	r.peak = max(r.peak, r.inFlight)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.inFlight--
		r.mu.Unlock()
	}()
	if r.Delay != nil {
		select {
		case <-time.After(r.Delay(n)):
		case <-req.Context().Done():
			return
		}
	}
	if r.Header != nil {
		for k, vs := range r.Header(n) {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(r.Status(n))
	_, _ = w.Write([]byte(`{"received":true}`))
}

// Requests returns a copy of what the receiver got so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// EventRequests returns the requests that carried eventID.
func (r *Receiver) EventRequests(eventID string) []Request {
	var out []Request
	for _, req := range r.Requests() {
		if req.Header.Get("X-Ferry-Event-Id") == eventID {
			out = append(out, req)
		}
	}
	return out
}

// Peak is the most requests the receiver has had in flight at once.
func (r *Receiver) Peak() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peak
}

// CheckSignatures verifies X-Signature and webhook-signature of req against
// secret.
func CheckSignatures(t testing.TB, secret string, req Request) {
	t.Helper()
	xSig, v1 := Signatures(t, secret, req)
	if req.Header.Get("X-Signature") != xSig {
		t.Errorf("X-Signature = %q, want %q", req.Header.Get("X-Signature"), xSig)
	}
	if !slices.Contains(strings.Fields(req.Header.Get("Webhook-Signature")), v1) {
		t.Errorf("webhook-signature = %q, want it to contain %q", req.Header.Get("Webhook-Signature"), v1)
	}
}

// Signatures returns the X-Signature and the webhook-signature entry that
// secret gives req, computed from DESIGN.md with the standard library only,
// so that it does not share a bug with Ferry's signing code.
func Signatures(t testing.TB, secret string, req Request) (xSignature, v1 string) {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatalf("secret %q is not whsec_ + base64: %v", secret, err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(req.Body)
	xSignature = hex.EncodeToString(mac.Sum(nil))
	mac = hmac.New(sha256.New, key)
	mac.Write([]byte(req.Header.Get("Webhook-Id") + "." + req.Header.Get("Webhook-Timestamp") + "." + string(req.Body)))
	return xSignature, "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
