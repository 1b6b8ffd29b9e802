package graph_test

import (
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Metadata keys and values are data, never SQL: a key holding quotes
// matches exactly the events that have it, and an injection attempt matches
// nothing (least of all another account's events).
func TestMetadataFilterKeysAreNeverSQL(t *testing.T) {
	t.Parallel()
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		e.CreateEventType("a.b")
		a := e.CreateAccount("a")
		b := e.CreateAccount("b")
		rcv := apptest.NewReceiver(t, 200)
		e.ActiveEndpoint(a.Token, rcv.URL, []string{"a.b"}, nil)
		e.ActiveEndpoint(b.Token, rcv.URL, []string{"a.b"}, nil)
		quoted := map[string]any{`it's "x"`: `a'b"c`}
		e.Publish(a.Token, "a.b", map[string]any{}, map[string]any{"metadata": quoted})
		e.Publish(b.Token, "a.b", map[string]any{}, map[string]any{"metadata": map[string]any{"k": "v"}})

		count := func(token, key, value string) int {
			t.Helper()
			var out struct{ Deliveries struct{ TotalCount int } }
			e.MustDo(token, `query($k: String!, $v: String!) { deliveries(where: {metadata: [{key: $k, value: $v}]}) { totalCount } }`,
				map[string]any{"k": key, "v": value}, &out)
			return out.Deliveries.TotalCount
		}
		if n := count(a.Token, `it's "x"`, `a'b"c`); n != 1 {
			t.Errorf("a key and value with quotes matched %d deliveries, want 1", n)
		}
		for _, key := range []string{
			`k' OR '1'='1`,
			`k') OR TRUE OR ('`,
			`k'); DELETE FROM events; --`,
			`{k}`, `k"`, `$.k`, `k.k`, `[0]`,
		} {
			if n := count(a.Token, key, "v"); n != 0 {
				t.Errorf("key %q matched %d deliveries, want none", key, n)
			}
		}
		if n := count(b.Token, "k", "v"); n != 1 {
			t.Errorf("b's own filter matched %d, want 1 (nothing deleted)", n)
		}
	})
}
