package app_test

import (
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/web"
)

func TestPlaygroundIsBundledAndServedWithItsSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_LOG_LEVEL": "warn"})
	page, err := fs.ReadFile(web.Dist(), "playground.html")
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(e.Server.URL, "http://")

	res, body := fetch(t, e.Server.URL+"/")
	if res.StatusCode != http.StatusOK || body != string(page) {
		t.Fatalf("GET / = %d, want 200 and the bundled playground.html; got %.200q", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET / Content-Type = %q", ct)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{
		"default-src 'self'",
		"script-src 'self';",
		"style-src 'self';",
		"font-src 'self' data:;",
		"connect-src 'self' ws://" + host + " wss://" + host + ";",
		"object-src 'none'",
		"frame-ancestors 'none'",
	} {
		if !strings.Contains(csp, want) {
			t.Errorf("GET / Content-Security-Policy = %q, missing %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("GET / Content-Security-Policy = %q, allows unsafe sources", csp)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("GET / lacks the security headers: %v", res.Header)
	}

	// Nothing comes from another host: no CDN script or stylesheet.
	if strings.Contains(body, "//") {
		t.Errorf("the playground page names another host: %s", body)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(body, -1)
	if len(refs) == 0 {
		t.Fatalf("the playground page loads nothing: %s", body)
	}
	var sawScript, sawGraphiQLStyles bool
	for _, ref := range refs {
		path := ref[1]
		if !strings.HasPrefix(path, "/console/assets/") {
			t.Errorf("the playground loads %q, want one of Ferry's own assets", path)
			continue
		}
		res, asset := fetch(t, e.Server.URL+path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, res.StatusCode)
			continue
		}
		switch {
		case strings.HasSuffix(path, ".js"):
			sawScript = sawScript || strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript")
		case strings.HasSuffix(path, ".css"):
			sawGraphiQLStyles = sawGraphiQLStyles || strings.Contains(asset, ".graphiql-container")
		}
	}
	if !sawScript || !sawGraphiQLStyles {
		t.Errorf("the playground's assets: script served %v, GraphiQL's styles served %v", sawScript, sawGraphiQLStyles)
	}

	// Its page is served only at /, with its policy, never as a console file.
	if res, _ := fetch(t, e.Server.URL+"/console/playground.html"); res.Request.URL.Path != "/" || res.StatusCode != http.StatusOK {
		t.Errorf("GET /console/playground.html ended at %s with %d, want /", res.Request.URL.Path, res.StatusCode)
	}
}
