package apptest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
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
}

// Receiver is an HTTP endpoint on loopback that records requests and answers
// with the status its Status function returns.
type Receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []Request
	Status   func(n int) int // n counts requests from 1
}

// NewReceiver starts a receiver answering status to every request.
func NewReceiver(t testing.TB, status int) *Receiver {
	r := &Receiver{Status: func(int) int { return status }}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, Request{Header: req.Header.Clone(), Body: body})
		n := len(r.requests)
		r.mu.Unlock()
		w.WriteHeader(r.Status(n))
		_, _ = w.Write([]byte(`{"received":true}`))
	}))
	t.Cleanup(r.Close)
	return r
}

// Requests returns a copy of what the receiver got so far.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}
