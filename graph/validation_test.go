package graph_test

import (
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

func TestInvalidInputIsRefusedNamingTheField(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	ok := apptest.NewReceiver(t, 200)
	failing := apptest.NewReceiver(t, 500)
	e.CreateEventType("QUESTION_ANSWERED")
	archivedID := e.CreateEventType("OLD_EVENT")
	e.MustDo(apptest.AdminToken, `mutation($id: ID!) { archiveEventType(id: $id) { archived } }`, map[string]any{"id": archivedID}, nil)
	acc := e.CreateAccount("validation")
	keyID, _ := e.CreateSigningKey(acc.Token, "k")
	revokedID, _ := e.CreateSigningKey(acc.Token, "revoked")
	e.MustDo(acc.Token, `mutation($id: ID!) { revokeSigningKey(id: $id) { revokedAt } }`, map[string]any{"id": revokedID}, nil)

	valid := func(changes map[string]any) map[string]any {
		in := map[string]any{"name": "endpoint", "url": ok.URL, "signingKeyID": keyID, "eventTypes": []string{"QUESTION_ANSWERED"}}
		for k, v := range changes {
			in[k] = v
		}
		return in
	}
	schedule := make([]int, 21)
	cases := []struct {
		desc  string
		in    map[string]any
		field string
	}{
		{"empty name", valid(map[string]any{"name": " "}), "name"},
		{"url that does not parse", valid(map[string]any{"url": "::not a url"}), "url"},
		{"url without host", valid(map[string]any{"url": "https://"}), "url"},
		{"url with another scheme", valid(map[string]any{"url": "ftp://example.com/hook"}), "url"},
		{"url that answers 500", valid(map[string]any{"url": failing.URL}), "url"},
		{"unknown event type", valid(map[string]any{"eventTypes": []string{"NOPE"}}), "eventTypes"},
		{"archived event type", valid(map[string]any{"eventTypes": []string{"OLD_EVENT"}}), "eventTypes"},
		{"no event types", valid(map[string]any{"eventTypes": []string{}}), "eventTypes"},
		{"maxParallel 0", valid(map[string]any{"maxParallel": 0}), "maxParallel"},
		{"maxParallel 101", valid(map[string]any{"maxParallel": 101}), "maxParallel"},
		{"timeoutSeconds 0", valid(map[string]any{"timeoutSeconds": 0}), "timeoutSeconds"},
		{"timeoutSeconds 61", valid(map[string]any{"timeoutSeconds": 61}), "timeoutSeconds"},
		{"21 retry delays", valid(map[string]any{"retrySchedule": schedule}), "retrySchedule"},
		{"negative retry delay", valid(map[string]any{"retrySchedule": []int{5, -1}}), "retrySchedule"},
		{"retry delay of 0 s", valid(map[string]any{"retrySchedule": []int{5, 0}}), "retrySchedule"},
		{"retry delay over a day", valid(map[string]any{"retrySchedule": []int{86401}}), "retrySchedule"},
		{"revoked signing key", valid(map[string]any{"signingKeyID": revokedID}), "signingKeyID"},
		{"unknown signing key", valid(map[string]any{"signingKeyID": "key_01HZZZZZZZZZZZZZZZZZZZZZZZ"}), "signingKeyID"},
		{"invalid header name", valid(map[string]any{"headers": map[string]string{"Bad Header": "x"}}), "headers.Bad Header"},
		{"header name with a colon", valid(map[string]any{"headers": map[string]string{"X-A:b": "x"}}), "headers.X-A:b"},
		{"header overriding X-Signature", valid(map[string]any{"headers": map[string]string{"X-Signature": "x"}}), "headers.X-Signature"},
		{"header overriding webhook-id", valid(map[string]any{"headers": map[string]string{"webhook-id": "x"}}), "headers.webhook-id"},
		{"header in the webhook-* namespace", valid(map[string]any{"headers": map[string]string{"Webhook-Version": "2"}}), "headers.Webhook-Version"},
		{"header overriding an X-Ferry header", valid(map[string]any{"headers": map[string]string{"x-ferry-event-id": "x"}}), "headers.x-ferry-event-id"},
		{"header overriding User-Agent", valid(map[string]any{"headers": map[string]string{"User-Agent": "curl"}}), "headers.User-Agent"},
		{"header overriding Host", valid(map[string]any{"headers": map[string]string{"Host": "internal"}}), "headers.Host"},
		{"header overriding Content-Length", valid(map[string]any{"headers": map[string]string{"Content-Length": "0"}}), "headers.Content-Length"},
		{"header overriding Content-Type", valid(map[string]any{"headers": map[string]string{"content-type": "text/plain"}}), "headers.content-type"},
		{"header value with a line break", valid(map[string]any{"headers": map[string]string{"X-Team": "a\r\nX-Evil: 1"}}), "headers.X-Team"},
		{"header value with a control character", valid(map[string]any{"headers": map[string]string{"X-Team": "a\u0001b"}}), "headers.X-Team"},
		{"header value with DEL", valid(map[string]any{"headers": map[string]string{"X-Team": "a\u007f"}}), "headers.X-Team"},
		{"header value with a C1 control", valid(map[string]any{"headers": map[string]string{"X-Team": "a\u0085"}}), "headers.X-Team"},
		{"header value over 4096 bytes", valid(map[string]any{"headers": map[string]string{"X-Team": strings.Repeat("a", 4097)}}), "headers.X-Team"},
		{"header value in redacted form", valid(map[string]any{"headers": map[string]string{"Authorization": "••••abcd"}}), "headers.Authorization"},
		{"header given twice in two cases", valid(map[string]any{"headers": map[string]string{"X-Team": "a", "x-team": "b"}}), "headers.x-team"},
	}
	for _, tc := range cases {
		res := e.Do(acc.Token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`, map[string]any{"in": tc.in})
		err := apptest.OnlyError(t, res)
		if err.Code() != "BAD_USER_INPUT" || err.Field() != tc.field || !strings.HasPrefix(err.Message, tc.field+":") {
			t.Errorf("%s: got %q %q field %q, want BAD_USER_INPUT naming %q", tc.desc, err.Code(), err.Message, err.Field(), tc.field)
		}
	}
	var count struct{ Configurations struct{ TotalCount int } }
	e.MustDo(acc.Token, `{ configurations { totalCount } }`, nil, &count)
	if count.Configurations.TotalCount != 0 {
		t.Fatalf("refused inputs stored %d configurations", count.Configurations.TotalCount)
	}

	t.Run("update validates the same way and changes nothing when refused", func(t *testing.T) {
		id := e.CreateConfiguration(acc.Token, valid(nil))
		for _, tc := range []struct {
			desc  string
			in    map[string]any
			field string
		}{
			{"maxParallel 0", map[string]any{"name": "renamed", "maxParallel": 0}, "maxParallel"},
			{"retry delay of 0 s", map[string]any{"name": "renamed", "retrySchedule": []int{0}}, "retrySchedule"},
			{"new url answering 500", map[string]any{"name": "renamed", "url": failing.URL}, "url"},
			{"archived event type", map[string]any{"eventTypes": []string{"OLD_EVENT"}}, "eventTypes"},
			{"header value with a control character", map[string]any{"headers": map[string]string{"X-Team": "\u0001"}}, "headers.X-Team"},
		} {
			res := e.Do(acc.Token, `mutation($id: ID!, $in: UpdateConfigurationInput!) { updateConfiguration(id: $id, input: $in) { id } }`,
				map[string]any{"id": id, "in": tc.in})
			if err := apptest.OnlyError(t, res); err.Code() != "BAD_USER_INPUT" || err.Field() != tc.field {
				t.Errorf("update %s: %+v, want BAD_USER_INPUT on %s", tc.desc, err, tc.field)
			}
		}
		var got struct{ Node struct{ Name, URL string } }
		e.MustDo(acc.Token, `query($id: ID!) { node(id: $id) { ... on Configuration { name url } } }`, map[string]any{"id": id}, &got)
		if got.Node.Name != "endpoint" || got.Node.URL != ok.URL {
			t.Errorf("refused updates changed the configuration: %+v", got.Node)
		}
		// The bounds themselves are accepted.
		e.MustDo(acc.Token, `mutation($id: ID!) { updateConfiguration(id: $id, input: {retrySchedule: [1, 86400]}) { id } }`, map[string]any{"id": id}, nil)
	})

	t.Run("event type names", func(t *testing.T) {
		for _, name := range []string{"", "has space", "ping", "QUESTION_ANSWERED"} {
			res := e.Do(apptest.AdminToken, `mutation($n: String!) { createEventType(input: {name: $n}) { id } }`, map[string]any{"n": name})
			if err := apptest.OnlyError(t, res); err.Code() != "BAD_USER_INPUT" || err.Field() != "name" {
				t.Errorf("event type %q: %+v, want BAD_USER_INPUT on name", name, err)
			}
		}
	})
}

func TestURLPolicyRefusesPrivateTargetsByDefault(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, false)
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("strict")
	keyID, _ := e.CreateSigningKey(acc.Token, "k")
	port := rcv.URL[strings.LastIndex(rcv.URL, ":"):]
	for _, url := range []string{
		rcv.URL, // http://127.0.0.1:port
		"https://127.0.0.1" + port,
		"https://localhost" + port, // resolves to loopback: refused at dial time
		"https://169.254.169.254/latest/meta-data",
		"https://10.0.0.1/hook",
	} {
		res := e.Do(acc.Token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": "x", "url": url, "signingKeyID": keyID, "eventTypes": []string{"QUESTION_ANSWERED"}}})
		if err := apptest.OnlyError(t, res); err.Code() != "BAD_USER_INPUT" || err.Field() != "url" {
			t.Errorf("url %s: %+v, want BAD_USER_INPUT on url", url, err)
		}
		var v struct{ VerifyURL struct{ Ok bool } }
		e.MustDo(acc.Token, `mutation($u: String!) { verifyURL(url: $u) { ok error } }`, map[string]any{"u": url}, &v)
		if v.VerifyURL.Ok {
			t.Errorf("verifyURL(%s) ok, want refused by policy", url)
		}
	}
	if n := len(rcv.Requests()); n != 0 {
		t.Errorf("the loopback receiver got %d requests, want none", n)
	}
}
