package webhook_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/webhook"
)

// snippetRunners are the README's Node.js and Python snippets with their
// harnesses (testdata/verify.*).
var snippetRunners = []struct{ lang, bin, script string }{
	{"Node.js", "node", "testdata/verify.js"},
	{"Python", "python3", "testdata/verify.py"},
}

// The README's Node.js and Python verifiers accept what Ferry signs and
// reject what it must not, exactly as the Go package does.
func TestReadmeSnippetsVerifyLikeTheGoPackage(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	now := time.Now().Truncate(time.Second)
	sign := func(secret, id string, ts time.Time, body string) string {
		sig, err := webhook.Sign(secret, id, ts, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	type request struct {
		secret, id, timestamp, signature, body string
		now                                    time.Time
	}
	signed := func(ts time.Time) request {
		return request{secret, "evt_1", strconv.FormatInt(ts.Unix(), 10), sign(secret, "evt_1", ts, sampleBody), sampleBody, now}
	}
	tests := []struct {
		desc  string
		req   request
		valid bool
	}{
		{"a request signed now", signed(now), true},
		{"the published Standard Webhooks vector at its timestamp",
			request{vecSecret, vecID, vecTimestamp, vecSignature, vecBody, vecTime}, true},
		{"a tampered body", func() request { r := signed(now); r.body = strings.Replace(r.body, "42", "43", 1); return r }(), false},
		{"a wrong secret", func() request { r := signed(now); r.secret = randomSecretFixed; return r }(), false},
		{"another webhook-id", func() request { r := signed(now); r.id = "evt_2"; return r }(), false},
		{"signed 6 minutes ago", signed(now.Add(-6 * time.Minute)), false},
		{"signed 6 minutes ahead", signed(now.Add(6 * time.Minute)), false},
		{"signed exactly 5 minutes ago", signed(now.Add(-5 * time.Minute)), true},
		{"only the second of two signatures matches", func() request {
			r := signed(now)
			r.signature = sign(randomSecretFixed, "evt_1", now, sampleBody) + " " + r.signature
			return r
		}(), true},
		{"the right MAC under an unknown version", func() request {
			r := signed(now)
			r.signature = strings.Replace(r.signature, "v1,", "v2,", 1)
			return r
		}(), false},
		{"a malformed timestamp", func() request { r := signed(now); r.timestamp = "+" + r.timestamp; return r }(), false},
		{"no webhook-id", func() request { r := signed(now); r.id = ""; return r }(), false},
		{"no webhook-signature", func() request { r := signed(now); r.signature = ""; return r }(), false},
	}
	for _, run := range snippetRunners {
		bin, err := exec.LookPath(run.bin)
		if err != nil {
			t.Fatalf("%s is not on PATH (%v): the README's %s snippet cannot be checked; install %s", run.bin, err, run.lang, run.bin)
		}
		for _, tc := range tests {
			t.Run(run.lang+"/"+tc.desc, func(t *testing.T) {
				t.Parallel()
				r := tc.req
				cmd := exec.Command(bin, run.script)
				cmd.Env = append(os.Environ(),
					"FERRY_SECRET="+r.secret, "WEBHOOK_ID="+r.id, "WEBHOOK_TIMESTAMP="+r.timestamp,
					"WEBHOOK_SIGNATURE="+r.signature, "NOW="+strconv.FormatInt(r.now.Unix(), 10))
				cmd.Stdin = strings.NewReader(r.body)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				var exit *exec.ExitError
				if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
					t.Fatalf("%s %s crashed: %v\nstderr: %s", run.bin, run.script, err, stderr.Bytes())
				}
				want := map[bool]string{true: "valid\n", false: "invalid\n"}[tc.valid]
				if got := stdout.String(); got != want || (err == nil) != tc.valid {
					t.Errorf("%s snippet said %q (%v), want %q", run.lang, got, err, want)
				}

				h := signedHeader(r.id, r.timestamp, r.signature)
				goErr := newVerifier(t, r.now, r.secret).Verify(h, []byte(r.body))
				if (goErr == nil) != tc.valid {
					t.Errorf("the Go package disagrees with the expectation: Verify = %v", goErr)
				}
			})
		}
	}
}

// signedHeader returns the Standard Webhooks headers that are not empty.
func signedHeader(id, timestamp, signature string) http.Header {
	h := http.Header{}
	for k, v := range map[string]string{"Webhook-Id": id, "Webhook-Timestamp": timestamp, "Webhook-Signature": signature} {
		if v != "" {
			h.Set(k, v)
		}
	}
	return h
}

// The code in the README is the code tested here: its Node.js and Python
// blocks appear verbatim in testdata/verify.*, and its Go block in
// example_test.go's Example. The section lives in .readme-verify.md until it
// is merged into README.md; whichever holds it is checked.
func TestReadmeSnippetsAreTheTestedCode(t *testing.T) {
	t.Parallel()
	found := false
	for _, doc := range []string{"../README.md", "../.readme-verify.md"} {
		text, err := os.ReadFile(doc)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		blocks := fencedBlocks(string(text))
		js, py, goCode := pick(blocks["js"], "function verifyFerryWebhook"), pick(blocks["python"], "def verify_ferry_webhook"), pick(blocks["go"], "webhook.NewVerifier")
		if js == "" && py == "" && goCode == "" {
			continue
		}
		found = true
		for _, c := range []struct{ lang, block, file string }{
			{"js", js, "testdata/verify.js"},
			{"python", py, "testdata/verify.py"},
			{"go", indent(goCode), "example_test.go"},
		} {
			src, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			if c.block == "" || !strings.Contains(string(src), c.block) {
				t.Errorf("%s: the %s block is missing or differs from the code tested in %s", filepath.Base(doc), c.lang, c.file)
			}
		}
	}
	if !found {
		t.Fatal("neither README.md nor .readme-verify.md holds the verification snippets")
	}
}

var fence = regexp.MustCompile("(?ms)^```([a-z]+)\n(.*?)^```$")

// fencedBlocks returns a markdown text's fenced code blocks by language.
func fencedBlocks(md string) map[string][]string {
	out := map[string][]string{}
	for _, m := range fence.FindAllStringSubmatch(md, -1) {
		out[m[1]] = append(out[m[1]], m[2])
	}
	return out
}

// pick returns the first block containing marker.
func pick(blocks []string, marker string) string {
	for _, b := range blocks {
		if strings.Contains(b, marker) {
			return b
		}
	}
	return ""
}

// indent puts a tab before each non-empty line, as in a Go function body.
func indent(code string) string {
	lines := strings.Split(code, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\t" + l
		}
	}
	return strings.Join(lines, "\n")
}
