package graph_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// brandingView is Viewer.branding as clients read it.
type brandingView struct {
	Name, LogoURL, PrimaryColor *string
}

const viewerBranding = `{ viewer { branding { name logoURL primaryColor } } }`

// brandingOf returns the branding token's viewer sees.
func brandingOf(t *testing.T, e *apptest.Env, token string) brandingView {
	t.Helper()
	var out struct {
		Viewer struct{ Branding brandingView }
	}
	e.MustDo(token, viewerBranding, nil, &out)
	return out.Viewer.Branding
}

func str(s string) *string { return &s }

// A tiny PNG as a data: URL, which a logo may be.
const pngLogo = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

// A session's branding is stored with it and is its viewer's; without one,
// and without configured defaults, every value is null.
func TestConsoleSessionBrandingIsTheViewers(t *testing.T) {
	t.Parallel()
	apptest.InBothModes(t, func(t *testing.T, e *apptest.Env) {
		acc := e.CreateAccount("acme")
		branded := newSession(t, e, map[string]any{"accountID": acc.ID, "branding": map[string]any{
			"name": "Loja Exemplo", "logoURL": pngLogo, "primaryColor": "#0d6efd"}})
		want := brandingView{Name: str("Loja Exemplo"), LogoURL: str(pngLogo), PrimaryColor: str("#0d6efd")}
		if diff := cmp.Diff(want, brandingOf(t, e, branded.Token)); diff != "" {
			t.Errorf("a branded session's viewer (-want +got):\n%s", diff)
		}

		plain := newSession(t, e, map[string]any{"accountID": acc.ID})
		for who, token := range map[string]string{"a session without branding": plain.Token, "an account token": acc.Token, "the admin token": apptest.AdminToken} {
			if diff := cmp.Diff(brandingView{}, brandingOf(t, e, token)); diff != "" {
				t.Errorf("%s, nothing configured: branding (-want +got):\n%s", who, diff)
			}
		}
	})
}

// FERRY_CONSOLE_* fill in what a session leaves unset, and are what tokens
// see.
func TestConsoleBrandingFallsBackToTheConfiguredDefaults(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{
		"FERRY_CONSOLE_NAME":          "Ferry da Acme",
		"FERRY_CONSOLE_LOGO_URL":      "https://cdn.acme.example/logo.svg",
		"FERRY_CONSOLE_PRIMARY_COLOR": "#112233",
	})
	acc := e.CreateAccount("acme")
	defaults := brandingView{Name: str("Ferry da Acme"), LogoURL: str("https://cdn.acme.example/logo.svg"), PrimaryColor: str("#112233")}

	plain := newSession(t, e, map[string]any{"accountID": acc.ID})
	for who, token := range map[string]string{"a session without branding": plain.Token, "an account token": acc.Token, "the admin token": apptest.AdminToken} {
		if diff := cmp.Diff(defaults, brandingOf(t, e, token)); diff != "" {
			t.Errorf("%s: branding (-want +got):\n%s", who, diff)
		}
	}

	partial := newSession(t, e, map[string]any{"accountID": acc.ID, "branding": map[string]any{"logoURL": pngLogo}})
	want := brandingView{Name: defaults.Name, LogoURL: str(pngLogo), PrimaryColor: defaults.PrimaryColor}
	if diff := cmp.Diff(want, brandingOf(t, e, partial.Token)); diff != "" {
		t.Errorf("a session setting only its logo (-want +got):\n%s", diff)
	}
}

// Each bad branding value is refused BAD_USER_INPUT naming it, and no
// session is stored.
func TestConsoleBrandingInputIsChecked(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	acc := e.CreateAccount("acme")
	cases := []struct {
		desc, field string
		value       any
	}{
		{"blank name", "name", "  "},
		{"name over 100 characters", "name", strings.Repeat("a", 101)},
		{"name with a bidi override", "name", "Acme\u202Egnp.exe"},
		{"http logo", "logoURL", "http://cdn.acme.example/logo.png"},
		{"script logo", "logoURL", "javascript:alert(1)"},
		{"relative logo", "logoURL", "/logo.png"},
		{"logo URL over 2048 bytes", "logoURL", "https://cdn.acme.example/" + strings.Repeat("a", 2048)},
		{"HTML data: logo", "logoURL", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="},
		{"data: logo not in base64", "logoURL", "data:image/svg+xml,<svg/>"},
		{"data: logo with bad base64", "logoURL", "data:image/png;base64,###"},
		{"data: logo over 64 KiB", "logoURL", "data:image/png;base64," + strings.Repeat("A", 64<<10)},
		{"colour name", "primaryColor", "blue"},
		{"short colour", "primaryColor", "#123"},
		{"colour with CSS", "primaryColor", "#123456;background:url(x)"},
	}
	for _, tc := range cases {
		in := map[string]any{"accountID": acc.ID, "branding": map[string]any{tc.field: tc.value}}
		err := apptest.OnlyError(t, e.Do(apptest.AdminToken, createSession, map[string]any{"in": in}))
		if want := "branding." + tc.field; err.Code() != "BAD_USER_INPUT" || err.Field() != want || !strings.Contains(err.Message, want) {
			t.Errorf("%s: %s field %q %q, want BAD_USER_INPUT naming %s", tc.desc, err.Code(), err.Field(), err.Message, want)
		}
	}
	if n, _ := e.App.Client.ConsoleSession.Query().Count(viewer.System(t.Context())); n != 0 {
		t.Errorf("%d sessions stored from bad branding, want none", n)
	}
}
