package devmode

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
)

// seedType is an event type of the seed products, with the description and
// sample the console's catalog and "send test event" show.
type seedType struct {
	name, application, description string
	sample                         map[string]any
}

// seedTypes are created on first start so that publishing works at once;
// their samples follow the seed products' documented payloads.
var seedTypes = []seedType{
	{
		name: "QUESTION_ANSWERED", application: "stift",
		description: "A teacher answered a student's question. Sent once per answer.",
		sample:      stiftAnswer("B2B_SAAS", nil),
	},
	{
		name: "REPLY_ANSWERED", application: "stift",
		description: "A teacher answered a student's reply to an earlier answer; url opens the question.",
		sample: stiftAnswer("B2B_OUTSOURCING", map[string]any{
			"url": "https://app.stift.com.br/?question=c64a24e4-ebb5-40ef-8828-9a7c006b5062",
		}),
	},
	{
		name: "nutror.lesson_started", application: "nutror",
		description: "A student opened a lesson of a course for the first time.",
		sample: map[string]any{
			"lesson":     map[string]any{"id": 48213, "title": "Aula 1 - Boas-vindas", "module": "Módulo 1"},
			"course":     map[string]any{"id": 1520, "title": "Curso de Marketing Digital"},
			"student":    map[string]any{"id": 902311, "name": "Maria Souza", "email": "maria.souza@example.com"},
			"started_at": "2023-08-31T18:34:23.023Z",
		},
	},
}

// stiftPerson is a student or teacher as Stift's payloads carry them.
// stiftAnswer is Stift's answered-question payload for a group of
// businessModel, with extra fields added.
func stiftAnswer(businessModel string, extra map[string]any) map[string]any {
	m := map[string]any{
		"id":         "c64a24e4-ebb5-40ef-8828-9a7c006b5062",
		"created_at": "2024-12-12T13:17:08.348Z",
		"student":    stiftPerson("3591f1c3-cf26-4f36-b4d2-d7078359c0d0", "Student", "Test", "teststudent@stift.com.br"),
		"answer": map[string]any{
			"id":         "b043caa2-af8d-464d-9e74-40da4ead9ffd",
			"created_at": "2024-12-12T13:20:08.348Z",
			"teacher":    stiftPerson("09c25b20-266e-49d8-89d2-e7622c84a6d9", "Teacher", "Test", "testteacher@stift.com.br"),
		},
		"group":      map[string]any{"id": "e5f8abe2-53f2-48bc-b7a4-d6167b9e900f", "name": "Test Group", "business_model": businessModel},
		"school":     map[string]any{"id": "8f03cc77-bf49-4a9f-9b7c-e7dba5f068d7", "name": "Test School"},
		"discipline": map[string]any{"name": "Math"},
		"subject":    map[string]any{"name": "Algebra"},
	}
	maps.Copy(m, extra)
	return m
}

func stiftPerson(id, first, last, email string) map[string]any {
	return map[string]any{"id": id, "first_name": first, "last_name": last, "email": email}
}

// SeedEventTypes names the event types dev mode creates.
var SeedEventTypes = func() []string {
	names := make([]string, len(seedTypes))
	for i, t := range seedTypes {
		names[i] = t.name
	}
	return names
}()

// oldSeedDescription is what earlier versions described seeded types with;
// such types get the current description and sample.
const oldSeedDescription = "seeded by ferry dev"

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

// seedEventTypes creates the seed types that are missing, and gives those
// that have no sample (made by an earlier version) their description and
// sample; a type the user has given a sample is left as it is.
func seedEventTypes(ctx context.Context, admin client) error {
	var out struct {
		EventTypes struct {
			Edges []struct {
				Node struct {
					ID, Name, Description string
					Sample                json.RawMessage
				}
			}
		}
	}
	if err := admin.do(ctx, `query($n: [String!]) { eventTypes(first: 100, where: {nameIn: $n}) { edges { node { id name description sample } } } }`,
		map[string]any{"n": SeedEventTypes}, &out); err != nil {
		return fmt.Errorf("list event types: %w", err)
	}
	type existing struct {
		id, description string
		hasSample       bool
	}
	have := map[string]existing{}
	for _, e := range out.EventTypes.Edges {
		n := e.Node
		have[n.Name] = existing{id: n.ID, description: n.Description, hasSample: len(n.Sample) > 0 && string(n.Sample) != "null"}
	}
	for _, t := range seedTypes {
		old, ok := have[t.name]
		switch {
		case !ok:
			err := admin.do(ctx, `mutation($in: CreateEventTypeInput!) { createEventType(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"name": t.name, "application": t.application, "description": t.description, "sample": t.sample}}, nil)
			if err != nil {
				return fmt.Errorf("create event type %s: %w", t.name, err)
			}
		case !old.hasSample:
			in := map[string]any{"sample": t.sample}
			if old.description == oldSeedDescription || old.description == "" {
				in["description"] = t.description
			}
			if err := admin.do(ctx, `mutation($id: ID!, $in: UpdateEventTypeInput!) { updateEventType(id: $id, input: $in) { id } }`,
				map[string]any{"id": old.id, "in": in}, nil); err != nil {
				return fmt.Errorf("give event type %s its sample: %w", t.name, err)
			}
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
