package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const (
	createConfiguration = `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`
	updateSigningKey    = `mutation($id: ID!, $k: ID!) { updateConfiguration(id: $id, input: {signingKeyID: $k}) { id signingKey { id } } }`
)

// The admin token sees every account's keys, yet a configuration of account
// A can never be signed with account B's key: B's secret would vouch for data
// A chose. B's key is reported exactly as a key that does not exist.
func TestSigningKeysNeverCrossAccountsEvenWithTheAdminToken(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	e.CreateEventType("a.b")
	a, b := e.CreateAccount("a"), e.CreateAccount("b")
	keyA, _ := e.CreateSigningKey(a.Token, "a's key")
	keyB, _ := e.CreateSigningKey(b.Token, "b's key")
	rcv := apptest.NewReceiver(t, 200)
	input := func(key string) map[string]any {
		return map[string]any{"accountID": a.ID, "name": "endpoint", "url": rcv.URL, "signingKeyID": key, "eventTypes": []string{"a.b"}}
	}
	missing := apptest.OnlyError(t, e.Do(apptest.AdminToken, createConfiguration, map[string]any{"in": input("key_01HZZZZZZZZZZZZZZZZZZZZZZZ")}))
	sameAsMissing := func(desc string, err apptest.Error, key string) {
		t.Helper()
		want := strings.ReplaceAll(missing.Message, "key_01HZZZZZZZZZZZZZZZZZZZZZZZ", key)
		if err.Code() != missing.Code() || err.Field() != "signingKeyID" || err.Message != want {
			t.Errorf("%s: got %s %q field %q, want %s %q as for a key that does not exist", desc, err.Code(), err.Message, err.Field(), missing.Code(), want)
		}
	}
	if missing.Code() != "BAD_USER_INPUT" || missing.Field() != "signingKeyID" {
		t.Fatalf("a missing key: got %+v, want BAD_USER_INPUT naming signingKeyID", missing)
	}

	sameAsMissing("admin createConfiguration for A with B's key",
		apptest.OnlyError(t, e.Do(apptest.AdminToken, createConfiguration, map[string]any{"in": input(keyB)})), keyB)
	if n := len(rcv.Requests()); n != 0 {
		t.Errorf("the URL was verified %d times for a refused configuration", n)
	}
	cfgA := e.CreateConfiguration(apptest.AdminToken, input(keyA))
	sameAsMissing("admin updateConfiguration of A's to B's key",
		apptest.OnlyError(t, e.Do(apptest.AdminToken, updateSigningKey, map[string]any{"id": cfgA, "k": keyB})), keyB)
	sameAsMissing("A's token updating to B's key",
		apptest.OnlyError(t, e.Do(a.Token, updateSigningKey, map[string]any{"id": cfgA, "k": keyB})), keyB)
	var got struct {
		UpdateConfiguration struct{ SigningKey struct{ ID string } }
	}
	e.MustDo(apptest.AdminToken, updateSigningKey, map[string]any{"id": cfgA, "k": keyA}, &got)
	if got.UpdateConfiguration.SigningKey.ID != keyA {
		t.Errorf("configuration signed by %q after refused updates, want A's own key", got.UpdateConfiguration.SigningKey.ID)
	}

	// A link made before links were checked signs nothing: not the ping, not
	// a test event, not a delivery.
	ctx := viewer.System(t.Context())
	e.MustDo(a.Token, `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`, map[string]any{"id": cfgA}, nil)
	e.App.Client.Configuration.UpdateOneID(pulid.ID(cfgA)).SetSigningKeyID(pulid.ID(keyB)).ExecX(ctx)
	sent := len(rcv.Requests())
	for _, tc := range []struct{ desc, query string }{
		{"activateConfiguration", `mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`},
		{"sendTestEvent", `mutation($id: ID!) { sendTestEvent(input: {configurationID: $id, eventType: "a.b"}) { id } }`},
	} {
		sameAsMissing(tc.desc+" of a configuration linked to B's key",
			apptest.OnlyError(t, e.Do(apptest.AdminToken, tc.query, map[string]any{"id": cfgA})), keyB)
	}
	e.StartWorker()
	e.Publish(a.Token, "a.b", map[string]any{"n": 1}, nil)
	ds := e.WaitFor(10*time.Second, apptest.AllEnded(1))
	if ds[0].Status != delivery.StatusCANCELLED {
		t.Errorf("delivery to a configuration linked to B's key ended %s, want CANCELLED", ds[0].Status)
	}
	sameAsMissing("resendDelivery of a delivery to a configuration linked to B's key",
		apptest.OnlyError(t, e.Do(apptest.AdminToken, `mutation($id: ID!) { resendDelivery(id: $id) { id } }`, map[string]any{"id": ds[0].ID})), keyB)
	if n := len(rcv.Requests()) - sent; n != 0 {
		t.Errorf("the receiver got %d requests signed with another account's key", n)
	}
}
