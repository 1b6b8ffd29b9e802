package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// client talks to Ferry's public GraphQL API, as a publisher would.
type client struct {
	url  string
	http *http.Client
}

func newClient(baseURL string, conns int) *client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = conns, conns
	return &client{url: baseURL + "/graphql", http: &http.Client{Transport: t, Timeout: 60 * time.Second}}
}

// do runs query with token and decodes data into out.
func (c *client) do(ctx context.Context, token, query string, vars map[string]any, out any) error {
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
		return fmt.Errorf("%s (%v)", resp.Errors[0].Message, resp.Errors[0].Extensions["code"])
	}
	if out != nil {
		return json.Unmarshal(resp.Data, out)
	}
	return nil
}

// setup is what a scenario publishes with: an account token and the paths
// of its configurations on the receiver.
type setup struct {
	token string
	paths []string
}

// prepare creates the event type (if missing), an account, a signing key
// and n ACTIVE configurations pointing at rcv, each on its own path.
func (c *client) prepare(ctx context.Context, adminToken string, rcv *receiver, n, maxParallel int) (setup, error) {
	// The type may exist from an earlier run against the same Ferry.
	_ = c.do(ctx, adminToken, `mutation($n: String!) { createEventType(input: {name: $n, description: "ferry bench"}) { id } }`,
		map[string]any{"n": eventType}, nil)
	var acc struct{ CreateAccount struct{ Token string } }
	name := fmt.Sprintf("bench %s", time.Now().Format(time.RFC3339Nano))
	if err := c.do(ctx, adminToken, `mutation($n: String!) { createAccount(input: {name: $n}) { token } }`,
		map[string]any{"n": name}, &acc); err != nil {
		return setup{}, fmt.Errorf("create account: %w", err)
	}
	token := acc.CreateAccount.Token
	var key struct {
		CreateSigningKey struct{ SigningKey struct{ ID string } }
	}
	if err := c.do(ctx, token, `mutation { createSigningKey(input: {name: "bench"}) { signingKey { id } } }`, nil, &key); err != nil {
		return setup{}, fmt.Errorf("create signing key: %w", err)
	}
	s := setup{token: token}
	for i := range n {
		path := fmt.Sprintf("/c%d", i)
		var cfg struct{ CreateConfiguration struct{ ID string } }
		err := c.do(ctx, token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`,
			map[string]any{"in": map[string]any{
				"name": "bench " + path, "url": rcv.url + path, "signingKeyID": key.CreateSigningKey.SigningKey.ID,
				"eventTypes": []string{eventType}, "maxParallel": maxParallel, "timeoutSeconds": 30,
			}}, &cfg)
		if err != nil {
			return setup{}, fmt.Errorf("create configuration: %w", err)
		}
		if err := c.do(ctx, token, `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`,
			map[string]any{"id": cfg.CreateConfiguration.ID}, nil); err != nil {
			return setup{}, fmt.Errorf("activate configuration: %w", err)
		}
		s.paths = append(s.paths, path)
	}
	return s, nil
}

// acked is what one publish request got back.
type acked struct {
	ids []string  // the events' ids, in order
	at  time.Time // when Ferry acknowledged them
	n   int       // events sent
	err error
}

// publishAll publishes the events seqs in one request: publishEvent for
// one, publishEvents for more.
func (c *client) publishAll(ctx context.Context, token string, seqs []int) acked {
	if len(seqs) == 1 {
		id, at, err := c.publish(ctx, token, seqs[0])
		return acked{ids: []string{id}, at: at, n: 1, err: err}
	}
	in := make([]map[string]any, len(seqs))
	for i, seq := range seqs {
		in[i] = eventInput(seq)
	}
	var out struct{ PublishEvents []struct{ ID string } }
	err := c.do(ctx, token, `mutation($in: [PublishEventInput!]!) { publishEvents(input: $in) { id } }`,
		map[string]any{"in": in}, &out)
	a := acked{at: time.Now(), n: len(seqs), err: err}
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
func (c *client) publish(ctx context.Context, token string, seq int) (string, time.Time, error) {
	var out struct{ PublishEvent struct{ ID string } }
	err := c.do(ctx, token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
		map[string]any{"in": eventInput(seq)}, &out)
	return out.PublishEvent.ID, time.Now(), err
}
