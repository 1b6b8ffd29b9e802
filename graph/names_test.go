package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// Names are counted in characters, so a name in Japanese gets the 200 one
// in English gets, and no name may carry control or bidi characters, which
// would let "invoice‮fdp.exe" display as another name in the console and
// in logs.
func TestNamesAreLimitedInCharactersAndRefuseControlAndBidiCharacters(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("a.b")
	etID := e.CreateEventType("c.d")
	acc := e.CreateAccount("acme")
	keyID, _ := e.CreateSigningKey(acc.Token, "k")
	cfgID := e.CreateConfiguration(acc.Token, map[string]any{"name": "endpoint", "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"a.b"}})
	types := 0
	newType := func() string { types++; return fmt.Sprintf("type.%d", types) }

	type mutation struct {
		desc, token, query, field string
		vars                      func(value string) map[string]any
		max                       int
		text                      bool // free text: may be empty, may hold line breaks
	}
	mutations := []mutation{
		{"createAccount", apptest.AdminToken, `mutation($v: String!) { createAccount(input: {name: $v}) { token } }`, "name",
			func(v string) map[string]any { return map[string]any{"v": v} }, 200, false},
		{"createAccountToken", apptest.AdminToken, `mutation($a: ID!, $v: String!) { createAccountToken(input: {accountID: $a, name: $v}) { token } }`, "name",
			func(v string) map[string]any { return map[string]any{"a": acc.ID, "v": v} }, 200, false},
		{"createSigningKey", acc.Token, `mutation($v: String!) { createSigningKey(input: {name: $v}) { secret } }`, "name",
			func(v string) map[string]any { return map[string]any{"v": v} }, 200, false},
		{"createConfiguration", acc.Token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`, "name",
			func(v string) map[string]any {
				return map[string]any{"in": map[string]any{"name": v, "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"a.b"}}}
			}, 200, false},
		{"updateConfiguration", acc.Token, `mutation($id: ID!, $v: String!) { updateConfiguration(id: $id, input: {name: $v}) { id } }`, "name",
			func(v string) map[string]any { return map[string]any{"id": cfgID, "v": v} }, 200, false},
		{"createEventType application", apptest.AdminToken, `mutation($n: String!, $v: String!) { createEventType(input: {name: $n, application: $v}) { id } }`, "application",
			func(v string) map[string]any { return map[string]any{"n": newType(), "v": v} }, 128, false},
		{"updateEventType application", apptest.AdminToken, `mutation($id: ID!, $v: String!) { updateEventType(id: $id, input: {application: $v}) { id } }`, "application",
			func(v string) map[string]any { return map[string]any{"id": etID, "v": v} }, 128, false},
		{"createEventType description", apptest.AdminToken, `mutation($n: String!, $v: String!) { createEventType(input: {name: $n, description: $v}) { id } }`, "description",
			func(v string) map[string]any { return map[string]any{"n": newType(), "v": v} }, 2000, true},
		{"updateEventType description", apptest.AdminToken, `mutation($id: ID!, $v: String!) { updateEventType(id: $id, input: {description: $v}) { id } }`, "description",
			func(v string) map[string]any { return map[string]any{"id": etID, "v": v} }, 2000, true},
	}
	refused := map[string]string{
		"a right-to-left override U+202E":     "invoice\u202Efdp.exe",
		"a left-to-right embedding U+202A":    "a\u202Ab",
		"a pop directional formatting U+202C": "a\u202Cb",
		"a first-strong isolate U+2068":       "a\u2068b",
		"a pop directional isolate U+2069":    "a\u2069b",
		"a right-to-left mark U+200F":         "a\u200Fb",
		"a left-to-right mark U+200E":         "a\u200Eb",
		"an Arabic letter mark U+061C":        "a\u061Cb",
		"a bell U+0007":                       "a\u0007b",
		"an escape U+001B":                    "a\u001b[31mred",
		"a delete U+007F":                     "a\u007fb",
		"a C1 next line U+0085":               "a\u0085b",
	}
	for _, m := range mutations {
		refused["one character too many"] = strings.Repeat("界", m.max+1)
		for desc, value := range refused {
			res := e.Do(m.token, m.query, m.vars(value))
			err := apptest.OnlyError(t, res)
			if err.Code() != "BAD_USER_INPUT" || err.Field() != m.field || !strings.HasPrefix(err.Message, m.field+":") {
				t.Errorf("%s with %s: got %s %q field %q, want BAD_USER_INPUT naming %s", m.desc, desc, err.Code(), err.Message, err.Field(), m.field)
			}
		}
		if !m.text {
			for _, value := range []string{"a\nb", "a\tb"} {
				err := apptest.OnlyError(t, e.Do(m.token, m.query, m.vars(value)))
				if err.Code() != "BAD_USER_INPUT" || err.Field() != m.field {
					t.Errorf("%s with %q: got %s %q, want BAD_USER_INPUT naming %s", m.desc, value, err.Code(), err.Message, m.field)
				}
			}
		}
		// The next legitimate requests are served: max characters of three
		// bytes each, names in other scripts, and line breaks in free text.
		accepted := []string{strings.Repeat("界", m.max), "Café Ñandú", "مرحبا بالعالم", "名前"}
		if m.text {
			accepted = append(accepted, "first line\nsecond line\twith a tab")
		}
		for _, value := range accepted {
			if res := e.Do(m.token, m.query, m.vars(value)); len(res.Errors) > 0 {
				t.Errorf("%s refused %q (%d characters): %+v", m.desc, short(value), len([]rune(value)), res.Errors)
			}
		}
	}
	stillWorks(t, e, acc.Token)
}

func short(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
