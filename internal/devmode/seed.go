package devmode

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// SeedEventTypes are the event types of the seed products, created on
// first start so that publishing works at once.
var SeedEventTypes = []string{"QUESTION_ANSWERED", "REPLY_ANSWERED", "nutror.lesson_started"}

const (
	demoAccount     = "Demo"
	echoEndpoint    = "Dev echo"
	echoPath        = "/dev/echo"
	demoSigningName = "dev echo key"
)

// client talks to this process's own GraphQL API: seeding goes through the
// same public API users have, so dev mode has no second way in.
type client struct {
	url   string
	token string
}

func (c client) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return fmt.Errorf("graphql answer (HTTP %d): %w", res.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("graphql: %s", r.Errors[0].Message)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

// seed makes sure the event types, the demo account with its token, and an
// active configuration pointing at the echo receiver exist. It is run on
// every start and changes only what is missing (or the echo URL, when the
// port changed).
func seed(ctx context.Context, base string, s *settings, dataPath string) error {
	admin := client{url: base + "/graphql", token: s.AdminToken}
	if err := seedEventTypes(ctx, admin); err != nil {
		return err
	}
	if s.DemoToken == "" {
		var out struct {
			CreateAccount struct{ Token string }
		}
		err := admin.do(ctx, `mutation($n: String!) { createAccount(input: {name: $n}) { token } }`, map[string]any{"n": demoAccount}, &out)
		if err != nil {
			return fmt.Errorf("create the demo account: %w", err)
		}
		s.DemoToken = out.CreateAccount.Token
		if err := s.save(dataPath); err != nil {
			return err
		}
	}
	return seedEcho(ctx, client{url: admin.url, token: s.DemoToken}, base+echoPath)
}

func seedEventTypes(ctx context.Context, admin client) error {
	var out struct {
		EventTypes struct {
			Edges []struct{ Node struct{ Name string } }
		}
	}
	if err := admin.do(ctx, `query($n: [String!]) { eventTypes(first: 100, where: {nameIn: $n}) { edges { node { name } } } }`,
		map[string]any{"n": SeedEventTypes}, &out); err != nil {
		return fmt.Errorf("list event types: %w", err)
	}
	have := map[string]bool{}
	for _, e := range out.EventTypes.Edges {
		have[e.Node.Name] = true
	}
	for _, name := range SeedEventTypes {
		if have[name] {
			continue
		}
		if err := admin.do(ctx, `mutation($n: String!) { createEventType(input: {name: $n, description: "seeded by ferry dev"}) { id } }`,
			map[string]any{"n": name}, nil); err != nil {
			return fmt.Errorf("create event type %s: %w", name, err)
		}
	}
	return nil
}

func seedEcho(ctx context.Context, demo client, echoURL string) error {
	var out struct {
		Configurations struct {
			Edges []struct {
				Node struct{ ID, URL, Status string }
			}
		}
	}
	if err := demo.do(ctx, `query($n: String!) { configurations(first: 1, where: {name: $n}) { edges { node { id url status } } } }`,
		map[string]any{"n": echoEndpoint}, &out); err != nil {
		return fmt.Errorf("find the echo configuration: %w", err)
	}
	var id string
	if len(out.Configurations.Edges) == 0 {
		var key struct {
			CreateSigningKey struct{ SigningKey struct{ ID string } }
		}
		if err := demo.do(ctx, `mutation($n: String!) { createSigningKey(input: {name: $n}) { signingKey { id } } }`,
			map[string]any{"n": demoSigningName}, &key); err != nil {
			return fmt.Errorf("create the echo signing key: %w", err)
		}
		var cfg struct{ CreateConfiguration struct{ ID string } }
		if err := demo.do(ctx, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": echoEndpoint, "url": echoURL,
				"signingKeyID": key.CreateSigningKey.SigningKey.ID, "eventTypes": SeedEventTypes}}, &cfg); err != nil {
			return fmt.Errorf("create the echo configuration: %w", err)
		}
		id = cfg.CreateConfiguration.ID
	} else {
		node := out.Configurations.Edges[0].Node
		id = node.ID
		if node.URL != echoURL {
			if err := demo.do(ctx, `mutation($id: ID!, $url: String!) { updateConfiguration(id: $id, input: {url: $url}) { id } }`,
				map[string]any{"id": id, "url": echoURL}, nil); err != nil {
				return fmt.Errorf("point the echo configuration at %s: %w", echoURL, err)
			}
		}
		if node.Status == "ACTIVE" {
			return nil
		}
	}
	var act struct {
		ActivateConfiguration struct{ Configuration struct{ Status string } }
	}
	if err := demo.do(ctx, `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`,
		map[string]any{"id": id}, &act); err != nil {
		return fmt.Errorf("activate the echo configuration: %w", err)
	}
	if act.ActivateConfiguration.Configuration.Status != "ACTIVE" {
		return fmt.Errorf("the echo configuration did not activate")
	}
	return nil
}

// consoleURL mints a console session of the demo account with every
// capability, for the banner: dev mode opens the console signed in.
func consoleURL(ctx context.Context, base string, s *settings) (string, error) {
	demo := client{url: base + "/graphql", token: s.DemoToken}
	var me struct {
		Viewer struct{ Account struct{ ID string } }
	}
	if err := demo.do(ctx, `{ viewer { account { id } } }`, nil, &me); err != nil {
		return "", fmt.Errorf("the demo account: %w", err)
	}
	admin := client{url: demo.url, token: s.AdminToken}
	var out struct {
		CreateConsoleSession struct{ URL string }
	}
	err := admin.do(ctx, `mutation($a: ID!) { createConsoleSession(input: {accountID: $a, ttlSeconds: 86400,
	  capabilities: [READ, MANAGE_CONFIGURATIONS, MANAGE_KEYS, RESEND]}) { url } }`, map[string]any{"a": me.Viewer.Account.ID}, &out)
	if err != nil {
		return "", fmt.Errorf("a console session: %w", err)
	}
	return out.CreateConsoleSession.URL, nil
}
