package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// post sends body to /graphql as it is and returns the status and the
// decoded response.
func post(t *testing.T, e *apptest.Env, token string, body io.Reader, length int64) (int, apptest.Response) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.Server.URL+"/graphql", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /graphql: %v", err)
	}
	defer res.Body.Close()
	var out apptest.Response
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("response (HTTP %d) is not GraphQL JSON: %s", res.StatusCode, raw)
	}
	return res.StatusCode, out
}

// stillWorks fails unless a plain query with token succeeds.
func stillWorks(t *testing.T, e *apptest.Env, token string) {
	t.Helper()
	var out struct{ Viewer struct{ Role string } }
	e.MustDo(token, `{ viewer { role } }`, nil, &out)
	if out.Viewer.Role == "" {
		t.Fatal("the next legitimate request got no viewer")
	}
}

func TestBodyLimitRefusesLargeBodiesDeclaredOrStreamed(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_MAX_BODY_BYTES": "4096"})
	e.CreateEventType("big.event")
	acc := e.CreateAccount("acme")

	publishBody := func(n int) []byte {
		b, _ := json.Marshal(map[string]any{
			"query":     `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`,
			"variables": map[string]any{"in": map[string]any{"type": "big.event", "data": map[string]any{"pad": strings.Repeat("x", n)}}},
		})
		return b
	}
	big := publishBody(5000)
	for _, tc := range []struct {
		desc   string
		body   io.Reader
		length int64
	}{
		{"declared length", bytes.NewReader(big), int64(len(big))},
		{"streamed without a length", io.MultiReader(bytes.NewReader(big)), -1},
		{"a 1 GiB stream", io.LimitReader(zeroes{}, 1<<30), -1},
	} {
		start := time.Now()
		status, res := post(t, e, acc.Token, tc.body, tc.length)
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: HTTP %d, want 413", tc.desc, status)
		}
		if err := apptest.OnlyError(t, res); err.Code() != "REQUEST_TOO_LARGE" || !strings.Contains(err.Message, "4096") {
			t.Errorf("%s: got %+v, want REQUEST_TOO_LARGE naming the 4096-byte limit", tc.desc, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: refused after %s; the body must not be read to its end", tc.desc, d)
		}
	}
	if n, err := e.App.Client.Event.Query().Count(viewer.System(t.Context())); err != nil || n != 0 {
		t.Fatalf("events stored after refused publishes: %d (%v), want 0", n, err)
	}

	small := publishBody(3000)
	status, res := post(t, e, acc.Token, bytes.NewReader(small), int64(len(small)))
	if status != http.StatusOK || len(res.Errors) > 0 {
		t.Fatalf("a publish under the limit: HTTP %d %+v", status, res.Errors)
	}
	stillWorks(t, e, acc.Token)
}

// zeroes is an endless body of spaces (valid JSON whitespace).
type zeroes struct{}

func (zeroes) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// nested returns a selection nesting levels fields deep through
// deliveries → event → deliveries → event …, valid against the schema.
func nested(levels int) string {
	var b strings.Builder
	b.WriteString("{ deliveries(first: 1) { edges { node { id")
	depth, open := 4, 4
	for depth < levels {
		if (depth-4)%2 == 0 {
			b.WriteString(" event { id")
		} else {
			b.WriteString(" deliveries { id")
		}
		depth++
		open++
	}
	b.WriteString(strings.Repeat(" }", open))
	return b.String()
}

func TestDepthLimitRefusesDeepQueriesBeforeTheyRun(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_MAX_QUERY_DEPTH": "8"})
	acc := e.CreateAccount("acme")

	var ok struct{ Deliveries struct{ Edges []any } }
	e.MustDo(acc.Token, nested(8), nil, &ok)

	err := apptest.OnlyError(t, e.Do(acc.Token, nested(9), nil))
	if err.Code() != "QUERY_TOO_DEEP" || !strings.Contains(err.Message, "9 fields deep") || !strings.Contains(err.Message, "limit is 8") {
		t.Errorf("9 levels: got %+v, want QUERY_TOO_DEEP saying 9 and the limit 8", err)
	}

	// A thousand levels never reach the parser.
	deep := "{" + strings.Repeat(" viewer {", 1000) + " role" + strings.Repeat(" }", 1000) + " }"
	start := time.Now()
	err = apptest.OnlyError(t, e.Do(acc.Token, deep, nil))
	if err.Code() != "QUERY_TOO_DEEP" {
		t.Errorf("1000 levels: got %+v, want QUERY_TOO_DEEP", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("1000 levels took %s to refuse", d)
	}
	stillWorks(t, e, acc.Token)
}

func TestDefaultLimitsLetThePlaygroundIntrospect(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	// The introspection query GraphiQL sends (graphql-js getIntrospectionQuery
	// with descriptions and nine levels of ofType).
	ofType := "kind name"
	for range 9 {
		ofType = "kind name ofType { " + ofType + " }"
	}
	q := `query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
	  types { ...FullType } directives { name description locations args { ...InputValue } } } }
	fragment FullType on __Type { kind name description
	  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
	  inputFields { ...InputValue } interfaces { ...TypeRef }
	  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
	fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
	fragment TypeRef on __Type { ` + ofType + ` }`
	res := e.Do("", q, nil)
	if len(res.Errors) > 0 {
		t.Fatalf("the playground's introspection query was refused: %+v", res.Errors)
	}
}

func TestComplexityLimitRefusesHugeQueries(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")

	// 100 aliases of a full page: up to 150,000 fields.
	var b strings.Builder
	b.WriteString("{")
	for i := range 100 {
		fmt.Fprintf(&b, " d%d: deliveries(first: 500) { edges { node { id } } }", i)
	}
	b.WriteString(" }")
	err := apptest.OnlyError(t, e.Do(acc.Token, b.String(), nil))
	if err.Code() != "QUERY_TOO_COMPLEX" || !strings.Contains(err.Message, "limit is 100000") {
		t.Errorf("150,000 nodes: got %+v, want QUERY_TOO_COMPLEX naming the limit", err)
	}

	// A full page of history with attempts is an ordinary request.
	var out struct{ Deliveries struct{ TotalCount int } }
	e.MustDo(acc.Token, `{ deliveries(first: 500) { totalCount edges { cursor node { id status eventType url attemptCount
	  lastResponseStatus createdAt event { id type data metadata } attempts { number responseStatus durationMs error } } } } }`, nil, &out)
	stillWorks(t, e, acc.Token)
}

func TestPageSizeIsCappedAt500(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")

	for _, tc := range []struct {
		query string
		vars  map[string]any
		field string
	}{
		{`{ deliveries(first: 501) { totalCount } }`, nil, "first"},
		{`{ events(last: 100000) { totalCount } }`, nil, "last"},
		{`query($n: Int) { eventTypes(first: $n) { totalCount } }`, map[string]any{"n": 1000}, "first"},
		{`{ deliveries(first: -1) { totalCount } }`, nil, "first"},
	} {
		err := apptest.OnlyError(t, e.Do(acc.Token, tc.query, tc.vars))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != tc.field || !strings.Contains(err.Message, "500") {
			t.Errorf("%s: got %+v, want BAD_USER_INPUT on %s naming 500", tc.query, err, tc.field)
		}
	}

	// Without first or last, a page holds 500.
	ctx := viewer.System(t.Context())
	builders := make([]*ent.EventTypeCreate, 501)
	for i := range builders {
		builders[i] = e.App.Client.EventType.Create().SetName(fmt.Sprintf("type.%03d", i))
	}
	if _, err := e.App.Client.EventType.CreateBulk(builders...).Save(ctx); err != nil {
		t.Fatal(err)
	}
	var out struct {
		EventTypes struct {
			TotalCount int
			Edges      []struct{ Node struct{ Name string } }
			PageInfo   struct{ HasNextPage bool }
		}
	}
	e.MustDo(acc.Token, `{ eventTypes { totalCount edges { node { name } } pageInfo { hasNextPage } } }`, nil, &out)
	if got := out.EventTypes; got.TotalCount != 501 || len(got.Edges) != 500 || !got.PageInfo.HasNextPage {
		t.Errorf("eventTypes without first: total %d, %d edges, hasNextPage %v; want 501, 500, true",
			got.TotalCount, len(got.Edges), got.PageInfo.HasNextPage)
	}
	e.MustDo(acc.Token, `{ eventTypes(first: 500) { totalCount } }`, nil, nil)
}

// PostgreSQL can neither store nor compare a NUL character: anywhere in an
// argument it is bad input naming the field, not an internal error.
func TestNULCharactersAreBadInput(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("a.b")
	acc := e.CreateAccount("acme")
	for _, tc := range []struct {
		query, field string
		vars         map[string]any
	}{
		{`mutation($d: JSON!) { publishEvent(input: {type: "a.b", data: $d}) { id } }`, "data", map[string]any{"d": map[string]any{"x": []any{"a\x00b"}}}},
		{`mutation($m: Map) { publishEvent(input: {type: "a.b", data: {}, metadata: $m}) { id } }`, "metadata", map[string]any{"m": map[string]any{"k\x00": "v"}}},
		{`query($t: String!) { deliveries(where: {eventTypeIn: [$t]}) { totalCount } }`, "eventTypeIn", map[string]any{"t": "a\x00b"}},
		{`query($t: String!) { deliveries(where: {or: [{metadata: [{key: "k", value: $t}]}]}) { totalCount } }`, "or", map[string]any{"t": "\x00"}},
		{`mutation($t: String!) { createSigningKey(input: {name: $t}) { secret } }`, "name", map[string]any{"t": "a\x00b"}},
		{`query($id: ID!) { node(id: $id) { id } }`, "id", map[string]any{"id": "acc_\x00"}},
	} {
		err := apptest.OnlyError(t, e.Do(acc.Token, tc.query, tc.vars))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != tc.field {
			t.Errorf("%s: got %+v, want BAD_USER_INPUT on %s", tc.query, err, tc.field)
		}
	}
	if n, err := e.App.Client.Event.Query().Count(viewer.System(t.Context())); err != nil || n != 0 {
		t.Errorf("%d events stored (%v), want none", n, err)
	}
	stillWorks(t, e, acc.Token)
}
