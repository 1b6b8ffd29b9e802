package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"

	"github.com/ferryhq/ferry/graph/generated"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// readmeOperation is one operation of a ```graphql block of the README, with
// the variables of the ```json variables block after it, if any.
type readmeOperation struct {
	line  int // of its block
	query string
	vars  map[string]any
}

// readmeOperations reads every GraphQL operation of the README, in order.
func readmeOperations(t *testing.T) []readmeOperation {
	t.Helper()
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var (
		ops   []readmeOperation
		block []string
		in    string // the info string of the open block, "" outside
		start int
	)
	for i, line := range strings.Split(string(b), "\n") {
		switch {
		case in == "" && strings.HasPrefix(line, "```"):
			in, start, block = strings.TrimPrefix(line, "```"), i+1, nil
		case in != "" && line == "```":
			switch in {
			case "graphql":
				for _, q := range splitOperations(block) {
					ops = append(ops, readmeOperation{line: start, query: q})
				}
			case "json variables":
				var vars map[string]any
				if err := json.Unmarshal([]byte(strings.Join(block, "\n")), &vars); err != nil || len(ops) == 0 {
					t.Fatalf("README line %d: variables %v, or no operation before them", start, err)
				}
				ops[len(ops)-1].vars = vars
			}
			in = ""
		case in != "":
			block = append(block, line)
		}
	}
	return ops
}

// splitOperations cuts a block into its operations: each starts at a line
// beginning with query, mutation, subscription or {.
func splitOperations(lines []string) []string {
	var ops []string
	for _, l := range lines {
		if strings.HasPrefix(l, "query") || strings.HasPrefix(l, "mutation") || strings.HasPrefix(l, "subscription") || strings.HasPrefix(l, "{") {
			ops = append(ops, "")
		}
		if len(ops) > 0 {
			ops[len(ops)-1] += l + "\n"
		}
	}
	return ops
}

// adminFields are the root fields only the admin token may use.
var adminFields = map[string]bool{"createAccount": true, "createEventType": true, "createConsoleSession": true}

var rootField = regexp.MustCompile(`^(?:query|mutation|subscription)?[^{]*\{\s*(\w+)`)

// Every GraphQL example of the README is valid against the schema, and runs
// as written against a Ferry in dev mode, in the README's order: its
// placeholders (acc_…, key_…, cfg_…, dlv_…) stand for what the examples
// before created, and example.com for a receiver on loopback.
func TestEveryGraphQLExampleOfTheREADMERuns(t *testing.T) {
	ops := readmeOperations(t)
	if len(ops) < 15 {
		t.Fatalf("found %d operations in the README, want its examples", len(ops))
	}
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	for _, op := range ops {
		if _, errs := gqlparser.LoadQuery(schema, op.query); errs != nil {
			t.Errorf("README line %d: %v\n%s", op.line, errs, op.query)
		}
	}
	if t.Failed() {
		return
	}

	e := apptest.NewDev(t)
	rcv := apptest.NewReceiver(t, 200)
	e.StartWorker()
	var (
		token string
		ids   = map[string]string{} // placeholder → id
		ran   int
	)
	for _, op := range ops {
		q := strings.ReplaceAll(op.query, "https://example.com/webhooks", rcv.URL)
		for placeholder, id := range ids {
			q = strings.ReplaceAll(q, `"`+placeholder+`"`, `"`+id+`"`)
		}
		if strings.HasPrefix(q, "subscription") {
			continue // needs a websocket; validated above
		}
		m := rootField.FindStringSubmatch(strings.TrimSpace(stripComments(q)))
		if m == nil {
			t.Fatalf("README line %d: no root field in\n%s", op.line, q)
		}
		who := token
		if adminFields[m[1]] {
			who = apptest.AdminToken
		}
		vars := map[string]any{"accountID": ids["acc_…"]}
		for k, v := range op.vars {
			vars[k] = v
		}
		res := e.Do(who, q, vars)
		ran++
		if len(res.Errors) > 0 {
			t.Fatalf("README line %d (%s): %+v\n%s", op.line, m[1], res.Errors, q)
		}
		var data map[string]json.RawMessage
		_ = json.Unmarshal(res.Data, &data)
		switch m[1] {
		case "createAccount":
			var out struct {
				Account struct{ ID string }
				Token   string
			}
			_ = json.Unmarshal(data["createAccount"], &out)
			ids["acc_…"], token = out.Account.ID, out.Token
		case "createSigningKey":
			var out struct{ SigningKey struct{ ID string } }
			_ = json.Unmarshal(data["createSigningKey"], &out)
			ids["key_…"] = out.SigningKey.ID
		case "createConfiguration":
			var out struct{ ID string }
			_ = json.Unmarshal(data["createConfiguration"], &out)
			ids["cfg_…"] = out.ID
		case "publishEvent":
			ids["dlv_…"] = firstDelivery(t, e, token)
		}
	}
	t.Logf("ran %d of the README's %d operations against dev mode (subscriptions validated only)", ran, len(ops))
	for _, p := range []string{"acc_…", "key_…", "cfg_…", "dlv_…"} {
		if ids[p] == "" {
			t.Errorf("no README example created what %s stands for", p)
		}
	}
}

// firstDelivery waits for the account's first delivery to have its first
// attempt on record, and returns its id: a user resends what the history
// shows; resending while that attempt is out races it (CONFLICT, "resend
// it again"), which failed this test once in CI.
func firstDelivery(t *testing.T, e *apptest.Env, token string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out struct {
			Deliveries struct {
				Edges []struct {
					Node struct {
						ID           string
						AttemptCount int
					}
				}
			}
		}
		e.MustDo(token, `{ deliveries(first: 1) { edges { node { id attemptCount } } } }`, nil, &out)
		if len(out.Deliveries.Edges) > 0 && out.Deliveries.Edges[0].Node.AttemptCount > 0 {
			return out.Deliveries.Edges[0].Node.ID
		}
		if time.Now().After(deadline) {
			t.Fatal("no attempted delivery 10 s after the README's publishEvent")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stripComments drops # comments, which may hold braces.
func stripComments(q string) string {
	var b strings.Builder
	for l := range strings.SplitSeq(q, "\n") {
		if i := strings.Index(l, "#"); i >= 0 && !strings.Contains(l[:i], `"`) {
			l = l[:i]
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}
