package graph_test

import (
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const createSession = `mutation($in: CreateConsoleSessionInput!) {
  createConsoleSession(input: $in) { token url consoleSession { id hint capabilities returnURL expiresAt revokedAt } }
}`

type sessionPayload struct {
	Token, URL     string
	ConsoleSession struct {
		ID, Hint     string
		Capabilities []string
		ReturnURL    *string
		ExpiresAt    time.Time
		RevokedAt    *string
	}
}

// newSession mints a console session with the admin token.
func newSession(t *testing.T, e *apptest.Env, in map[string]any) sessionPayload {
	t.Helper()
	var out struct{ CreateConsoleSession sessionPayload }
	e.MustDo(apptest.AdminToken, createSession, map[string]any{"in": in}, &out)
	return out.CreateConsoleSession
}

// A session is minted by the admin token only; its token is shown once,
// stored hashed, carried by the URL only after "#", and never logged; it
// then signs requests in as its account with its capabilities.
func TestConsoleSessionsAreMintedByTheAdminAndSignInAsTheirAccount(t *testing.T) {
	t.Parallel()
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		acc := e.CreateAccount("acme")
		res := e.Do(acc.Token, createSession, map[string]any{"in": map[string]any{"accountID": acc.ID}})
		if err := apptest.OnlyError(t, res); err.Code() != "FORBIDDEN" {
			t.Errorf("createConsoleSession with an account token: %s %q, want FORBIDDEN", err.Code(), err.Message)
		}

		before := time.Now()
		s := newSession(t, e, map[string]any{"accountID": acc.ID, "returnURL": "https://app.example.com/settings"})
		if !strings.HasPrefix(s.Token, "fcs_") || len(s.Token) != len("fcs_")+43 {
			t.Errorf("token %q…: want fcs_ and base64url of 32 bytes", s.Token[:6])
		}
		if !strings.HasPrefix(s.ConsoleSession.ID, "cs_") || s.ConsoleSession.Hint != s.Token[len(s.Token)-4:] {
			t.Errorf("session %s hint %q: want a cs_ id and the token's last 4 characters", s.ConsoleSession.ID, s.ConsoleSession.Hint)
		}
		if want := e.Server.URL + "/console/#session=" + s.Token; s.URL != want {
			t.Errorf("url %q, want %q", s.URL, want)
		}
		if u, err := url.Parse(s.URL); err != nil || u.RawQuery != "" || strings.Contains(strings.SplitN(s.URL, "#", 2)[0], s.Token) {
			t.Errorf("url %q: the token must be only in the fragment", s.URL)
		}
		if ttl := s.ConsoleSession.ExpiresAt.Sub(before); ttl < 59*time.Minute || ttl > 61*time.Minute {
			t.Errorf("expires in %s, want the default hour", ttl)
		}
		if !slices.Equal(s.ConsoleSession.Capabilities, []string{"READ"}) {
			t.Errorf("capabilities %v, want the default [READ]", s.ConsoleSession.Capabilities)
		}
		stored, err := e.App.Client.ConsoleSession.Get(viewer.System(t.Context()), pulid.ID(s.ConsoleSession.ID))
		if err != nil || stored.TokenHash == s.Token || strings.Contains(stored.TokenHash, s.Token[4:]) {
			t.Errorf("stored session %+v (%v): want only the token's hash", stored, err)
		}

		var me struct {
			Viewer struct {
				Role           string
				Account        struct{ ID string }
				Capabilities   []string
				ConsoleSession struct{ ID string }
				ReturnURL      string
				ExpiresAt      time.Time
			}
		}
		e.MustDo(s.Token, `{ viewer { role account { id } capabilities consoleSession { id } returnURL expiresAt } }`, nil, &me)
		v := me.Viewer
		if v.Role != "ACCOUNT" || v.Account.ID != acc.ID || !slices.Equal(v.Capabilities, []string{"READ"}) ||
			v.ConsoleSession.ID != s.ConsoleSession.ID || v.ReturnURL != "https://app.example.com/settings" || !v.ExpiresAt.Equal(s.ConsoleSession.ExpiresAt) {
			t.Errorf("the session's viewer: %+v", v)
		}
		e.MustDo(acc.Token, `{ viewer { capabilities } }`, nil, &me)
		if !slices.Equal(me.Viewer.Capabilities, []string{"READ", "MANAGE_CONFIGURATIONS", "MANAGE_KEYS", "RESEND"}) {
			t.Errorf("an account token's capabilities: %v, want all four", me.Viewer.Capabilities)
		}
	})
}

// The token shows up in no log line, even at debug level, and
// FERRY_PUBLIC_URL is the URL's base when set.
func TestConsoleSessionTokensAreNeverLoggedAndUsePublicURL(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_LOG_LEVEL": "debug", "FERRY_PUBLIC_URL": "https://ferry.example.com/"})
	acc := e.CreateAccount("acme")
	s := newSession(t, e, map[string]any{"accountID": acc.ID})
	if want := "https://ferry.example.com/console/#session=" + s.Token; s.URL != want {
		t.Errorf("url %q, want %q", s.URL, want)
	}
	e.MustDo(s.Token, `{ configurations { totalCount } }`, nil, nil)
	e.Do(s.Token, `mutation { createSigningKey(input: {name: "k"}) { secret } }`, nil)
	c := signedIn(t, e, s.Token)
	c.start("1", `{ viewer { role } }`)
	c.result("1")
	if logs := e.Logs.String(); strings.Contains(logs, s.Token) || strings.Contains(logs, s.Token[4:]) {
		t.Errorf("the session token is in the logs:\n%s", logs)
	}
}

// Bad input is refused naming the field, and nothing is created.
func TestConsoleSessionInputIsChecked(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")
	cases := []struct {
		desc  string
		in    map[string]any
		field string
	}{
		{"ttl under a minute", map[string]any{"accountID": acc.ID, "ttlSeconds": 5}, "ttlSeconds"},
		{"ttl over a day", map[string]any{"accountID": acc.ID, "ttlSeconds": 86401}, "ttlSeconds"},
		{"script return URL", map[string]any{"accountID": acc.ID, "returnURL": "javascript:alert(1)"}, "returnURL"},
		{"relative return URL", map[string]any{"accountID": acc.ID, "returnURL": "/settings"}, "returnURL"},
		{"unknown account", map[string]any{"accountID": "acc_01J00000000000000000000000"}, "accountID"},
		{"unknown capability", map[string]any{"accountID": acc.ID, "capabilities": []string{"ADMIN"}}, "capabilities"},
	}
	for _, tc := range cases {
		err := apptest.OnlyError(t, e.Do(apptest.AdminToken, createSession, map[string]any{"in": tc.in}))
		if err.Code() != "BAD_USER_INPUT" || err.Field() != tc.field || !strings.Contains(err.Message, tc.field) {
			t.Errorf("%s: %s field %q %q, want BAD_USER_INPUT naming %s", tc.desc, err.Code(), err.Field(), err.Message, tc.field)
		}
	}
	if n, _ := e.App.Client.ConsoleSession.Query().Count(viewer.System(t.Context())); n != 0 {
		t.Errorf("%d sessions stored from bad input, want none", n)
	}
	s := newSession(t, e, map[string]any{"accountID": acc.ID, "ttlSeconds": 60, "capabilities": []string{"RESEND", "RESEND"}})
	if !slices.Equal(s.ConsoleSession.Capabilities, []string{"READ", "RESEND"}) {
		t.Errorf("capabilities %v, want READ added and RESEND once", s.ConsoleSession.Capabilities)
	}
}

// sessionFixture is an account with a signing key, a configuration and a
// receiver that answers 200.
type sessionFixture struct {
	acc          apptest.Account
	keyID, cfgID string
	receiver     *apptest.Receiver
}

func newSessionFixture(t *testing.T, e *apptest.Env) sessionFixture {
	t.Helper()
	e.CreateEventType("order.paid")
	acc := e.CreateAccount("acme")
	rcv := apptest.NewReceiver(t, 200)
	keyID, _ := e.CreateSigningKey(acc.Token, "main")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{"name": "shop", "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"order.paid"}})
	return sessionFixture{acc: acc, keyID: keyID, cfgID: cfgID, receiver: rcv}
}

// Every mutation a console may call, each with valid variables.
func sessionMutationsFor(f sessionFixture) map[string]struct {
	query string
	vars  map[string]any
} {
	type op = struct {
		query string
		vars  map[string]any
	}
	cfg := map[string]any{"name": "new", "url": f.receiver.URL, "signingKeyID": f.keyID, "eventTypes": []string{"order.paid"}}
	return map[string]op{
		"verifyURL":               {`mutation($u: String!) { verifyURL(url: $u) { ok } }`, map[string]any{"u": f.receiver.URL}},
		"createConfiguration":     {`mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`, map[string]any{"in": cfg}},
		"updateConfiguration":     {`mutation($id: ID!) { updateConfiguration(id: $id, input: {name: "renamed"}) { id } }`, map[string]any{"id": f.cfgID}},
		"deleteConfiguration":     {`mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": f.cfgID}},
		"activateConfiguration":   {`mutation($id: ID!) { activateConfiguration(id: $id) { configuration { status } } }`, map[string]any{"id": f.cfgID}},
		"deactivateConfiguration": {`mutation($id: ID!) { deactivateConfiguration(id: $id) { status } }`, map[string]any{"id": f.cfgID}},
		"sendTestEvent":           {`mutation($id: ID!) { sendTestEvent(input: {configurationID: $id, eventType: "order.paid"}) { id } }`, map[string]any{"id": f.cfgID}},
		"createSigningKey":        {`mutation { createSigningKey(input: {name: "k2"}) { secret } }`, nil},
		"rotateSigningKey":        {`mutation($id: ID!) { rotateSigningKey(id: $id) { secret } }`, map[string]any{"id": f.keyID}},
		"revokeSigningKey":        {`mutation($id: ID!) { revokeSigningKey(id: $id) { id } }`, map[string]any{"id": f.keyID}},
		"resendDelivery":          {`mutation { resendDelivery(id: "dlv_01J00000000000000000000000") { id } }`, nil},
		"resendDeliveries":        {`mutation { resendDeliveries(where: {}) }`, nil},
		"publishEvent":            {`mutation { publishEvent(input: {type: "order.paid", data: {}}) { id } }`, nil},
		"publishEvents":           {`mutation { publishEvents(input: [{type: "order.paid", data: {}}]) { id } }`, nil},
		"createAccount":           {`mutation { createAccount(input: {name: "x"}) { token } }`, nil},
		"createAccountToken":      {`mutation($a: ID!) { createAccountToken(input: {accountID: $a, name: "x"}) { token } }`, map[string]any{"a": f.acc.ID}},
		"revokeAccountToken":      {`mutation { revokeAccountToken(id: "tok_01J00000000000000000000000") { id } }`, nil},
		"createConsoleSession":    {`mutation($a: ID!) { createConsoleSession(input: {accountID: $a}) { token } }`, map[string]any{"a": f.acc.ID}},
		"revokeConsoleSession":    {`mutation { revokeConsoleSession(id: "cs_01J00000000000000000000000") { id } }`, nil},
		"createEventType":         {`mutation { createEventType(input: {name: "x.y"}) { id } }`, nil},
	}
}

// counts is what a refused mutation must leave as it was.
func counts(t *testing.T, e *apptest.Env) [5]int {
	t.Helper()
	ctx := viewer.System(t.Context())
	c := e.App.Client
	var n [5]int
	var err [5]error
	n[0], err[0] = c.Configuration.Query().Count(ctx)
	n[1], err[1] = c.SigningKey.Query().Count(ctx)
	n[2], err[2] = c.Event.Query().Count(ctx)
	n[3], err[3] = c.AccountToken.Query().Count(ctx)
	n[4], err[4] = c.DeliveryAttempt.Query().Count(ctx)
	for _, e := range err {
		if e != nil {
			t.Fatal(e)
		}
	}
	return n
}

// A read-only session reads its account's configurations, deliveries and
// keys, but every mutation is refused FORBIDDEN naming what it lacks, and
// nothing changes; its account token still may.
func TestReadOnlySessionReadsButEveryMutationIsRefused(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	f := newSessionFixture(t, e)
	s := newSession(t, e, map[string]any{"accountID": f.acc.ID})

	var read struct {
		Configurations struct{ TotalCount int }
		Deliveries     struct{ TotalCount int }
		SigningKeys    struct{ TotalCount int }
	}
	e.MustDo(s.Token, `{ configurations { totalCount } deliveries { totalCount } signingKeys { totalCount } }`, nil, &read)
	if read.Configurations.TotalCount != 1 || read.SigningKeys.TotalCount != 1 {
		t.Errorf("the session reads %+v, want its account's configuration and key", read)
	}
	err := apptest.OnlyError(t, e.Do(s.Token, `{ accountTokens { id } }`, nil))
	if err.Code() != "FORBIDDEN" || !strings.Contains(err.Message, "accountTokens") {
		t.Errorf("accountTokens: %s %q, want FORBIDDEN naming the field", err.Code(), err.Message)
	}

	// Nor through node(id): tokens do not exist for sessions.
	var tokens struct{ AccountTokens []struct{ ID string } }
	e.MustDo(f.acc.Token, `{ accountTokens { id } }`, nil, &tokens)
	res := e.Do(s.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": tokens.AccountTokens[0].ID})
	if strings.Contains(string(res.Data), tokens.AccountTokens[0].ID) {
		t.Errorf("node(token id) with a session: %s, want it not found", res.Data)
	}

	before := counts(t, e)
	for name, m := range sessionMutationsFor(f) {
		err := apptest.OnlyError(t, e.Do(s.Token, m.query, m.vars))
		if err.Code() != "FORBIDDEN" || !strings.Contains(err.Message, name) {
			t.Errorf("%s: %s %q, want FORBIDDEN naming the field", name, err.Code(), err.Message)
		}
	}
	if after := counts(t, e); after != before {
		t.Errorf("refused mutations changed the data: %v, then %v", before, after)
	}
	var cfg struct{ Node struct{ Name string } }
	e.MustDo(f.acc.Token, `query($id: ID!) { node(id: $id) { ... on Configuration { name } } }`, map[string]any{"id": f.cfgID}, &cfg)
	if cfg.Node.Name != "shop" {
		t.Errorf("configuration renamed to %q by a read-only session", cfg.Node.Name)
	}
	e.MustDo(f.acc.Token, `mutation { createSigningKey(input: {name: "by the token"}) { secret } }`, nil, nil)
}

// Each capability opens its own mutations and no others.
func TestSessionCapabilitiesOpenTheirMutationsOnly(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	f := newSessionFixture(t, e)
	s := newSession(t, e, map[string]any{"accountID": f.acc.ID, "capabilities": []string{"MANAGE_CONFIGURATIONS"}})
	var me struct {
		Viewer struct{ Capabilities []string }
	}
	e.MustDo(s.Token, `{ viewer { capabilities } }`, nil, &me)
	if !slices.Equal(me.Viewer.Capabilities, []string{"READ", "MANAGE_CONFIGURATIONS"}) {
		t.Errorf("viewer capabilities %v", me.Viewer.Capabilities)
	}
	ops := sessionMutationsFor(f)
	create := ops["createConfiguration"]
	var out struct{ CreateConfiguration struct{ ID string } }
	e.MustDo(s.Token, create.query, create.vars, &out)
	if !strings.HasPrefix(out.CreateConfiguration.ID, "cfg_") {
		t.Errorf("createConfiguration by a MANAGE_CONFIGURATIONS session: %+v", out)
	}
	for name, want := range map[string]string{"createSigningKey": "MANAGE_KEYS", "resendDeliveries": "RESEND", "publishEvent": "not available"} {
		err := apptest.OnlyError(t, e.Do(s.Token, ops[name].query, ops[name].vars))
		if err.Code() != "FORBIDDEN" || !strings.Contains(err.Message, want) {
			t.Errorf("%s: %s %q, want FORBIDDEN saying %q", name, err.Code(), err.Message, want)
		}
	}

	keys := newSession(t, e, map[string]any{"accountID": f.acc.ID, "capabilities": []string{"MANAGE_KEYS", "RESEND"}})
	e.MustDo(keys.Token, ops["createSigningKey"].query, nil, nil)
	e.MustDo(keys.Token, ops["resendDeliveries"].query, nil, nil)
	err := apptest.OnlyError(t, e.Do(keys.Token, ops["updateConfiguration"].query, ops["updateConfiguration"].vars))
	if err.Code() != "FORBIDDEN" || !strings.Contains(err.Message, "MANAGE_CONFIGURATIONS") {
		t.Errorf("updateConfiguration without MANAGE_CONFIGURATIONS: %s %q", err.Code(), err.Message)
	}
}

// Over a websocket a session signs in with connection_init, subscribes,
// and is held to its capabilities; revoking it closes the socket with 4401
// within a second, and its next HTTP request is UNAUTHENTICATED.
func TestSessionsOverWebsocketsAndRevocation(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")
	other := e.CreateAccount("other")
	s := newSession(t, e, map[string]any{"accountID": acc.ID})

	c := signedIn(t, e, s.Token)
	c.start("sub", `subscription { deliveryUpdated { id } }`)
	c.start("q", `{ viewer { capabilities } }`)
	if code, data := c.result("q"); code != "" || !strings.Contains(string(data), "READ") {
		t.Errorf("viewer over the websocket: %q %s", code, data)
	}
	c.start("m", `mutation { createSigningKey(input: {name: "k"}) { secret } }`)
	if code, _ := c.result("m"); code != "FORBIDDEN" {
		t.Errorf("createSigningKey over a READ session's websocket: %q, want FORBIDDEN", code)
	}

	res := e.Do(other.Token, `mutation($id: ID!) { revokeConsoleSession(id: $id) { id } }`, map[string]any{"id": s.ConsoleSession.ID})
	if err := apptest.OnlyError(t, res); err.Code() != "NOT_FOUND" {
		t.Errorf("another account revoking the session: %s, want NOT_FOUND", err.Code())
	}
	var revoked struct{ RevokeConsoleSession struct{ RevokedAt *string } }
	e.MustDo(acc.Token, `mutation($id: ID!) { revokeConsoleSession(id: $id) { revokedAt } }`, map[string]any{"id": s.ConsoleSession.ID}, &revoked)
	start := time.Now()
	if code := c.closedWith(3 * time.Second); code != 4401 {
		t.Errorf("the revoked session's socket closed with %d, want 4401", code)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("socket closed %s after the revocation, want within a second", d)
	}
	if revoked.RevokeConsoleSession.RevokedAt == nil {
		t.Error("revokedAt is null after revokeConsoleSession")
	}
	err := apptest.OnlyError(t, e.Do(s.Token, `{ viewer { role } }`, nil))
	if err.Code() != "UNAUTHENTICATED" || !strings.Contains(err.Message, "session has ended") {
		t.Errorf("a revoked session's request: %s %q, want UNAUTHENTICATED saying the session ended", err.Code(), err.Message)
	}
	e.MustDo(acc.Token, `{ viewer { role } }`, nil, nil)
}

// An expired session is UNAUTHENTICATED over HTTP, its open sockets close
// at the next re-check, and it cannot sign in a websocket; tokens are
// unaffected.
func TestExpiredSessionIsUnauthenticated(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")
	s := newSession(t, e, map[string]any{"accountID": acc.ID, "ttlSeconds": 60})
	e.MustDo(s.Token, `{ viewer { role } }`, nil, nil)
	open := signedIn(t, e, s.Token)
	open.start("sub", `subscription { deliveryUpdated { id } }`)

	e.App.Auth.SetClock(func() time.Time { return time.Now().Add(61 * time.Second) })
	// Sockets still open are closed by the registry's periodic re-check.
	e.App.Sockets.RecheckOnce(t.Context())
	if code := open.closedWith(3 * time.Second); code != 4401 {
		t.Errorf("an expired session's open socket closed with %d, want 4401", code)
	}
	err := apptest.OnlyError(t, e.Do(s.Token, `{ configurations { totalCount } }`, nil))
	if err.Code() != "UNAUTHENTICATED" || !strings.Contains(err.Message, "session has ended") {
		t.Errorf("an expired session: %s %q, want UNAUTHENTICATED saying the session ended", err.Code(), err.Message)
	}
	if code := signIn(t, e, s.Token).closedWith(3 * time.Second); code != 4401 {
		t.Errorf("an expired session's websocket sign-in closed with %d, want 4401", code)
	}
	e.MustDo(acc.Token, `{ viewer { role } }`, nil, nil)

	// A socket open when the session ends closes then, not at the next
	// re-check: half a second before the end by the authenticator's clock.
	e.App.Auth.SetClock(time.Now)
	late := newSession(t, e, map[string]any{"accountID": acc.ID, "ttlSeconds": 60})
	e.App.Auth.SetClock(func() time.Time { return time.Now().Add(59*time.Second + 500*time.Millisecond) })
	c := signedIn(t, e, late.Token)
	c.start("sub", `subscription { deliveryUpdated { id } }`)
	start := time.Now()
	if code := c.closedWith(3 * time.Second); code != 4401 {
		t.Errorf("a socket open when its session ended closed with %d, want 4401", code)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("the socket closed %s after sign-in, want at the session's end (0.5 s)", d)
	}
}

// The README's createConsoleSession example runs as written, given an account.
func TestReadmeConsoleSessionExampleRuns(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "### Console sessions")
	_, block, ok2 := strings.Cut(section, "```graphql\n")
	query, _, ok3 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README: no graphql block under \"### Console sessions\"")
	}
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")
	var out struct{ CreateConsoleSession sessionPayload }
	e.MustDo(apptest.AdminToken, query, map[string]any{"accountID": acc.ID}, &out)
	got := out.CreateConsoleSession
	if !strings.Contains(got.URL, "/console/#session=fcs_") ||
		!slices.Equal(got.ConsoleSession.Capabilities, []string{"READ", "MANAGE_CONFIGURATIONS", "RESEND"}) {
		t.Errorf("the README's example made %+v", got)
	}
}

// Each console session has its own rate-limit bucket: its account's tokens
// spending theirs leave it served, and it spends only its own.
func TestConsoleSessionsHaveTheirOwnRateLimit(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_RATE_LIMIT": "3/1m"})
	acc := e.CreateAccount("acme")
	s := newSession(t, e, map[string]any{"accountID": acc.ID})
	for range 3 {
		e.MustDo(acc.Token, `{ viewer { role } }`, nil, nil)
	}
	if err := apptest.OnlyError(t, e.Do(acc.Token, `{ viewer { role } }`, nil)); err.Code() != "RATE_LIMITED" {
		t.Fatalf("the account token's 4th request: %s, want RATE_LIMITED", err.Code())
	}
	for i := range 3 {
		if res := e.Do(s.Token, `{ viewer { role } }`, nil); len(res.Errors) > 0 {
			t.Fatalf("the session's request %d after its account's token spent its budget: %+v", i+1, res.Errors)
		}
	}
	if err := apptest.OnlyError(t, e.Do(s.Token, `{ viewer { role } }`, nil)); err.Code() != "RATE_LIMITED" {
		t.Errorf("the session's 4th request: %s, want RATE_LIMITED", err.Code())
	}
	// Nor do sessions share one bucket, of this account or another.
	for _, id := range []string{acc.ID, e.CreateAccount("other").ID} {
		if res := e.Do(newSession(t, e, map[string]any{"accountID": id}).Token, `{ viewer { role } }`, nil); len(res.Errors) > 0 {
			t.Errorf("another session of %s after the first spent its budget: %+v", id, res.Errors)
		}
	}
}

// The other sessions of an account are other people's sign-ins: a session
// sees only its own record, even through node(id); the account's token
// sees them all.
func TestASessionSeesOnlyItself(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")
	mine := newSession(t, e, map[string]any{"accountID": acc.ID})
	theirs := newSession(t, e, map[string]any{"accountID": acc.ID})

	const lookUp = `query($id: ID!) { node(id: $id) { id } }`
	if err := apptest.OnlyError(t, e.Do(mine.Token, lookUp, map[string]any{"id": theirs.ConsoleSession.ID})); err.Code() != "NOT_FOUND" {
		t.Errorf("a session reading another session of its account: %+v, want NOT_FOUND", err)
	}
	var out struct{ Node *struct{ ID string } }
	e.MustDo(mine.Token, lookUp, map[string]any{"id": mine.ConsoleSession.ID}, &out)
	if out.Node == nil || out.Node.ID != mine.ConsoleSession.ID {
		t.Errorf("a session could not read itself: %+v", out.Node)
	}
	e.MustDo(acc.Token, lookUp, map[string]any{"id": theirs.ConsoleSession.ID}, &out)
	if out.Node == nil {
		t.Error("the account's token could not read its account's session")
	}
}
