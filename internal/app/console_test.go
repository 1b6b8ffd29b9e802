package app_test

import (
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/web"
)

func fetch(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func TestConsoleIsServedWithItsSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{
		"FERRY_LOG_LEVEL":       "warn",
		"FERRY_ALLOWED_ORIGINS": "https://app.example.com,http://localhost:3000",
	})
	index, err := fs.ReadFile(web.Dist(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	script := regexp.MustCompile(`/console/assets/[^"]+\.js`).FindString(string(index))
	if script == "" {
		t.Fatalf("the committed index.html names no script: %s", index)
	}
	host := strings.TrimPrefix(e.Server.URL, "http://")

	for _, path := range []string{"/console/", "/console/configurations", "/console/configurations/cfg_01/deliveries"} {
		res, body := fetch(t, e.Server.URL+path)
		if res.StatusCode != http.StatusOK || body != string(index) {
			t.Errorf("GET %s = %d, want 200 and index.html (the app routes it); got %.80q", path, res.StatusCode, body)
			continue
		}
		h := res.Header
		if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("GET %s Content-Type = %q", path, ct)
		}
		if cc := h.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s Cache-Control = %q, want no-cache so a new build is seen at once", path, cc)
		}
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{
			"default-src 'self'",
			"script-src 'self';",
			"style-src 'self';",
			"img-src 'self' data: https:;",
			"connect-src 'self' ws://" + host + " wss://" + host + ";",
			"object-src 'none'",
			"frame-ancestors 'self' https://app.example.com http://localhost:3000",
		} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s Content-Security-Policy = %q, missing %q", path, csp, want)
			}
		}
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s X-Content-Type-Options = %q", path, got)
		}
		if got := h.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("GET %s Referrer-Policy = %q", path, got)
		}
	}

	res, body := fetch(t, e.Server.URL+script)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") || body == string(index) {
		t.Errorf("GET %s = %d %q, want the script itself", script, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("GET %s Cache-Control = %q, want a hashed asset cached for good", script, cc)
	}
	if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("GET %s lacks the security headers: %v", script, res.Header)
	}

	// A script that is not there is a 404, not index.html parsed as JavaScript.
	if res, _ := fetch(t, e.Server.URL+"/console/assets/missing-0000.js"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET a missing asset = %d, want 404", res.StatusCode)
	}
	if res, _ := fetch(t, e.Server.URL+"/console"); res.Request.URL.Path != "/console/" || res.StatusCode != http.StatusOK {
		t.Errorf("GET /console ended at %s with %d, want /console/", res.Request.URL.Path, res.StatusCode)
	}
	// Only GET (and HEAD): the console is files, never a form target.
	post, err := http.Post(e.Server.URL+"/console/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /console/ = %d, want 405", post.StatusCode)
	}
}

func TestConsoleMayBeFramedAnywhereWhenEveryOriginIsAllowed(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, map[string]string{"FERRY_LOG_LEVEL": "warn", "FERRY_ALLOWED_ORIGINS": "*"})
	res, _ := fetch(t, e.Server.URL+"/console/")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors *") {
		t.Errorf("Content-Security-Policy = %q, want frame-ancestors *", csp)
	}
}
