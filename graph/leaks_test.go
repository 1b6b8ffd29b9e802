package graph_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Every readable field of every object an account can see, after a whole
// journey, and every log line at debug level: no token, signing secret or
// encryption key, except in the payloads that create them.
func TestSecretsNeverLeakIntoResponsesOrLogs(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_LOG_LEVEL": "debug"})
	e.CreateEventType("order.paid")
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(t, 200)
	rcv.Status = func(n int) int { return map[bool]int{true: 500, false: 200}[n == 3] }
	ep := e.ActiveEndpoint(acc.Token, rcv.URL, []string{"order.paid"}, map[string]any{"retrySchedule": []int{1}})
	var rotated struct{ RotateSigningKey struct{ Secret string } }
	e.MustDo(acc.Token, `mutation($id: ID!) { rotateSigningKey(id: $id) { secret } }`, map[string]any{"id": ep.KeyID}, &rotated)
	e.StartWorker()
	e.Publish(acc.Token, "order.paid", map[string]any{"total": 10}, nil)
	e.WaitFor(15*time.Second, apptest.AllEnded(1))

	secrets := map[string]string{
		"account token":        acc.Token,
		"admin token":          apptest.AdminToken,
		"signing secret":       ep.Secret,
		"rotated secret":       rotated.RotateSigningKey.Secret,
		"encryption key":       e.Vars["FERRY_ENCRYPTION_KEY"],
		"raw signing key":      rawKey(t, ep.Secret),
		"raw rotated key":      rawKey(t, rotated.RotateSigningKey.Secret),
		"encryption key bytes": string(e.EncryptionKey),
	}

	// Everything readable, and failures that carry secrets in their input.
	var responses []string
	for _, q := range []struct {
		token, query string
		vars         map[string]any
	}{
		{acc.Token, `{ signingKeys { edges { node { id name hint createdAt revokedAt } } } }`, nil},
		{acc.Token, `{ configurations { edges { node { id name url headers status disabledReason signingKey { id hint } } } } }`, nil},
		{acc.Token, `{ deliveries { edges { node { id status url event { data metadata } attempts { requestURL requestHeaders requestBody responseHeaders responseBody error } } } } }`, nil},
		{acc.Token, `{ accountTokens { id name hint } viewer { role account { id name } } }`, nil},
		{apptest.AdminToken, `{ accounts { edges { node { id name } } } }`, nil},
		{acc.Token + "x", `{ viewer { role } }`, nil},
		{"", `{ viewer { role } }`, nil},
		{acc.Token, `mutation($k: ID!) { createConfiguration(input: {name: "x", url: "not a url", signingKeyID: $k, eventTypes: ["order.paid"]}) { id } }`, map[string]any{"k": ep.KeyID}},
		{acc.Token, `mutation { publishEvent(input: {type: "order.paid", data: "` + ep.Secret + `"}) { id } }`, nil},
		{acc.Token, `mutation { createSigningKey(input: {name: ""}) { secret } }`, nil},
	} {
		res := e.Do(q.token, q.query, q.vars)
		raw, _ := json.Marshal(res)
		responses = append(responses, string(raw))
	}
	logs := e.Logs.String()
	if !strings.Contains(logs, `"level":"DEBUG"`) && !strings.Contains(logs, `"level":"INFO"`) {
		t.Fatalf("the test logged nothing at debug level; it would prove nothing:\n%s", logs)
	}
	for name, secret := range secrets {
		if secret == "" {
			t.Fatalf("%s is empty: the test would prove nothing", name)
		}
		for i, r := range responses {
			if strings.Contains(r, secret) {
				t.Errorf("response %d carries the %s: %s", i, name, r)
			}
		}
		if strings.Contains(logs, secret) {
			t.Errorf("the logs carry the %s", name)
		}
	}
}

// rawKey is the signing key inside a whsec_ secret, as text.
func rawKey(t *testing.T, secret string) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatalf("secret %q… is not whsec_ base64", secret[:8])
	}
	return base64.RawStdEncoding.EncodeToString(key)[:16]
}

func TestDatabaseErrorsReachClientsAsInternalWithARequestID(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("order.paid")
	acc := e.CreateAccount("acme")
	if _, err := e.App.DB.ExecContext(t.Context(), `ALTER TABLE events RENAME TO events_gone`); err != nil {
		t.Fatal(err)
	}
	err := apptest.OnlyError(t, e.Do(acc.Token, `mutation { publishEvent(input: {type: "order.paid", data: {a: 1}}) { id } }`, nil))
	id, _ := err.Extensions["requestId"].(string)
	if err.Code() != "INTERNAL" || !strings.HasPrefix(id, "req_") || err.Message != "internal error (request id "+id+")" {
		t.Errorf("got %+v, want INTERNAL with a request id and nothing else", err)
	}
	raw, _ := json.Marshal(err)
	for _, leak := range []string{"events", "relation", "pq:", "SQL", "INSERT", "exist"} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("the client sees %q: %s", leak, raw)
		}
	}
	if logs := e.Logs.String(); !strings.Contains(logs, id) || !strings.Contains(logs, "events") {
		t.Errorf("the log has no line with request id %s and the cause:\n%s", id, logs)
	}
	if _, err := e.App.DB.ExecContext(t.Context(), `ALTER TABLE events_gone RENAME TO events`); err != nil {
		t.Fatal(err)
	}
	var out struct{ PublishEvent struct{ ID string } }
	e.MustDo(acc.Token, `mutation { publishEvent(input: {type: "order.paid", data: {a: 1}}) { id } }`, nil, &out)
}
