package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Client talks to Ferry's public GraphQL API, as a publisher would.
type Client struct {
	url  string
	http *http.Client
}

// NewClient is a client of the Ferry at baseURL keeping up to conns
// connections open, each request bounded by 60 s.
func NewClient(baseURL string, conns int) *Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = conns, conns
	return &Client{url: baseURL + "/graphql", http: &http.Client{Transport: t, Timeout: 60 * time.Second}}
}

// SetTimeout bounds each request at d instead of 60 s.
func (c *Client) SetTimeout(d time.Duration) { c.http.Timeout = d }

// APIError is a GraphQL error Ferry answered with, and the HTTP status
// and Retry-After (seconds, 0 when absent) it came with.
type APIError struct {
	Message    string
	Code       string
	HTTPStatus int
	RetryAfter int
}

func (e *APIError) Error() string { return fmt.Sprintf("%s (%s)", e.Message, e.Code) }

// Do runs query with token and decodes data into out. A GraphQL error is
// an *APIError.
func (c *Client) Do(ctx context.Context, token, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		return fmt.Errorf("HTTP %d: %.200s", res.StatusCode, raw)
	}
	if len(resp.Errors) > 0 {
		code, _ := resp.Errors[0].Extensions["code"].(string)
		retry, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		return &APIError{Message: resp.Errors[0].Message, Code: code, HTTPStatus: res.StatusCode, RetryAfter: retry}
	}
	if out != nil {
		return json.Unmarshal(resp.Data, out)
	}
	return nil
}

// Setup is what a scenario publishes with: an account, its token and the
// paths of its configurations on the receiver.
type Setup struct {
	AccountID string
	Token     string
	Paths     []string
}

// Spec says what Prepare creates: Configs configurations of the event type
// EventType at URL (each on its own path /c0, /c1, …), with maxParallel,
// timeoutSeconds and, when not empty, retrySchedule.
type Spec struct {
	EventType      string
	URL            string
	Configs        int
	MaxParallel    int
	TimeoutSeconds int
	RetrySchedule  []int
}

// prepare is Prepare of n configurations of the benchmark's event type at rcv.
func (c *Client) prepare(ctx context.Context, adminToken string, rcv *receiver, n, maxParallel int) (Setup, error) {
	return c.Prepare(ctx, adminToken, Spec{EventType: eventType, URL: rcv.url, Configs: n, MaxParallel: maxParallel, TimeoutSeconds: 30})
}

// Prepare creates the event type (if missing), an account, a signing key
// and the ACTIVE configurations spec asks for.
func (c *Client) Prepare(ctx context.Context, adminToken string, spec Spec) (Setup, error) {
	// The type may exist from an earlier run against the same Ferry.
	_ = c.Do(ctx, adminToken, `mutation($n: String!) { createEventType(input: {name: $n, description: "ferry bench"}) { id } }`,
		map[string]any{"n": spec.EventType}, nil)
	var acc struct {
		CreateAccount struct {
			Account struct{ ID string }
			Token   string
		}
	}
	name := fmt.Sprintf("bench %s", time.Now().Format(time.RFC3339Nano))
	if err := c.Do(ctx, adminToken, `mutation($n: String!) { createAccount(input: {name: $n}) { account { id } token } }`,
		map[string]any{"n": name}, &acc); err != nil {
		return Setup{}, fmt.Errorf("create account: %w", err)
	}
	s := Setup{AccountID: acc.CreateAccount.Account.ID, Token: acc.CreateAccount.Token}
	var key struct {
		CreateSigningKey struct{ SigningKey struct{ ID string } }
	}
	if err := c.Do(ctx, s.Token, `mutation { createSigningKey(input: {name: "bench"}) { signingKey { id } } }`, nil, &key); err != nil {
		return Setup{}, fmt.Errorf("create signing key: %w", err)
	}
	for i := range spec.Configs {
		path := fmt.Sprintf("/c%d", i)
		in := map[string]any{
			"name": "bench " + path, "url": spec.URL + path, "signingKeyID": key.CreateSigningKey.SigningKey.ID,
			"eventTypes": []string{spec.EventType}, "maxParallel": spec.MaxParallel, "timeoutSeconds": spec.TimeoutSeconds,
		}
		if len(spec.RetrySchedule) > 0 {
			in["retrySchedule"] = spec.RetrySchedule
		}
		var cfg struct{ CreateConfiguration struct{ ID string } }
		err := c.Do(ctx, s.Token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`,
			map[string]any{"in": in}, &cfg)
		if err != nil {
			return Setup{}, fmt.Errorf("create configuration: %w", err)
		}
		if err := c.Do(ctx, s.Token, `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`,
			map[string]any{"id": cfg.CreateConfiguration.ID}, nil); err != nil {
			return Setup{}, fmt.Errorf("activate configuration: %w", err)
		}
		s.Paths = append(s.Paths, path)
	}
	return s, nil
}

// acked is what one publish request got back.
type acked struct {
	ids []string      // the events' ids, in order
	at  time.Time     // when Ferry acknowledged them
	rtt time.Duration // the request's round trip
	n   int           // events sent
	err error
}

// publishAll publishes the events seqs in one request: publishEvent for
// one, publishEvents for more.
func (c *Client) publishAll(ctx context.Context, token string, seqs []int) acked {
	start := time.Now()
	if len(seqs) == 1 {
		id, at, err := c.publish(ctx, token, seqs[0])
		return acked{ids: []string{id}, at: at, rtt: at.Sub(start), n: 1, err: err}
	}
	in := make([]map[string]any, len(seqs))
	for i, seq := range seqs {
		in[i] = eventInput(seq)
	}
	var out struct{ PublishEvents []struct{ ID string } }
	err := c.Do(ctx, token, `mutation($in: [PublishEventInput!]!) { publishEvents(input: $in) { id } }`,
		map[string]any{"in": in}, &out)
	at := time.Now()
	a := acked{at: at, rtt: at.Sub(start), n: len(seqs), err: err}
	for _, e := range out.PublishEvents {
		a.ids = append(a.ids, e.ID)
	}
	return a
}

func eventInput(seq int) map[string]any {
	return map[string]any{"type": eventType, "data": map[string]any{"seq": seq, "note": "ferry bench"}}
}

// publish publishes one event and returns its id and when Ferry
// acknowledged it.
func (c *Client) publish(ctx context.Context, token string, seq int) (string, time.Time, error) {
	var out struct{ PublishEvent struct{ ID string } }
	err := c.Do(ctx, token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
		map[string]any{"in": eventInput(seq)}, &out)
	return out.PublishEvent.ID, time.Now(), err
}
