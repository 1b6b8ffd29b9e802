package graph_test

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/maintenance"
	"github.com/ferryhq/ferry/internal/domain/notices"
	publishing "github.com/ferryhq/ferry/internal/domain/publish"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Receivers trust a ferry.* event to come from Ferry (a configuration was
// switched off): no token may create a type in that namespace or publish
// one, whatever its letter case.
func TestFerryNamespaceIsReservedForFerrysOwnEvents(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	ctx := viewer.System(t.Context())
	checker := maintenance.NewAutoDisable(e.App.Client, e.App.Configs, e.App.Notices, slog.New(slog.DiscardHandler), time.Hour, 1)
	if err := checker.Notices.EnsureEventTypes(ctx); err != nil {
		t.Fatal(err)
	}
	e.CreateEventType("a.b")
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(t, 200)
	e.ActiveEndpoint(acc.Token, rcv.URL, []string{notices.ConfigurationDisabled, "a.b"}, nil)

	for _, name := range []string{"ferry.invoice.paid", "FERRY.configuration.enabled", "Ferry.x", notices.ConfigurationDisabled} {
		err := apptest.OnlyError(t, e.Do(apptest.AdminToken, `mutation($n: String!) { createEventType(input: {name: $n}) { id } }`, map[string]any{"n": name}))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != "name" || !strings.Contains(err.Message, "ferry.") {
			t.Errorf("admin createEventType(%q): got %s %q field %q, want BAD_USER_INPUT naming name and the namespace", name, err.Code(), err.Message, err.Field())
		}
	}

	fake := map[string]any{"type": notices.ConfigurationDisabled, "data": map[string]any{"configurationId": "cfg_x", "disabledReason": "fake"}}
	ok := map[string]any{"type": "a.b", "data": map[string]any{"n": 1}}
	asAdmin := func(in map[string]any) map[string]any {
		out := map[string]any{"accountID": acc.ID}
		for k, v := range in {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		desc, token, query, field string
		vars                      map[string]any
	}{
		{"tenant publishEvent", acc.Token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`, "type", map[string]any{"in": fake}},
		{"tenant publishEvent in upper case", acc.Token, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`, "type",
			map[string]any{"in": map[string]any{"type": "FERRY.configuration.disabled", "data": map[string]any{}}}},
		{"tenant publishEvents, fourth event", acc.Token, publishMany, "input[3].type", map[string]any{"in": []map[string]any{ok, ok, ok, fake}}},
		{"admin publishEvent", apptest.AdminToken, `mutation($in: PublishEventInput!) { publishEvent(input: $in) { id } }`, "type", map[string]any{"in": asAdmin(fake)}},
		{"admin publishEvents, second event", apptest.AdminToken, publishMany, "input[1].type", map[string]any{"in": []map[string]any{asAdmin(ok), asAdmin(fake)}}},
	} {
		err := apptest.OnlyError(t, e.Do(tc.token, tc.query, tc.vars))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != tc.field || !strings.HasPrefix(err.Message, tc.field+":") {
			t.Errorf("%s: got %s %q field %q, want BAD_USER_INPUT naming %s", tc.desc, err.Code(), err.Message, err.Field(), tc.field)
		}
	}
	if n, err := e.App.Client.Event.Query().Where(event.TypeNEQ("ping")).Count(ctx); err != nil || n != 0 {
		t.Errorf("refused publishes stored %d events (%v)", n, err)
	}

	// Names that merely start alike are anyone's, and Ferry itself still
	// publishes its own type.
	e.CreateEventType("ferryman.arrived")
	e.Publish(acc.Token, "a.b", map[string]any{"n": 1}, nil)
	account := pulid.ID(acc.ID)
	own := publishing.Input{AccountID: &account, Type: notices.ConfigurationDisabled, Data: json.RawMessage(`{"configurationId":"cfg_x"}`)}
	if _, err := e.App.Publish.Publish(ctx, own); err != nil {
		t.Fatalf("Ferry publishing its own %s: %v", notices.ConfigurationDisabled, err)
	}
	if n := len(e.Deliveries()); n != 2 {
		t.Errorf("%d deliveries, want 2 (the tenant's a.b and Ferry's own event)", n)
	}
}
