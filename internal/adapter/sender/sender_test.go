package sender_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
)

var insecure = sender.New(netguard.Policy{AllowInsecure: true}, "Ferry-Webhooks/test")

type captured struct {
	header http.Header
	body   []byte
}

func receiver(t *testing.T, status int, got *captured) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.header = r.Header.Clone()
		got.body, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
		_, _ = w.Write([]byte("thanks"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func message(url string, keys ...[]byte) sender.Message {
	return sender.Message{
		URL: url, Timeout: 5 * time.Second,
		Headers:         map[string]string{"X-Team": "billing", "Authorization": "Basic dXNlcjpwYXNz", "X-Signature": "forged"},
		EventID:         "evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A",
		EventType:       "nutror.lesson_started",
		Data:            json.RawMessage(`{"lesson": 42, "b": [1, 2]}`),
		OccurredAt:      time.Date(2023, 8, 31, 18, 34, 23, 23_000_000, time.UTC),
		ConfigurationID: "cfg_1", DeliveryID: "dlv_1", Attempt: 3,
		Keys: keys,
		Now:  func() time.Time { return time.Unix(1693507263, 0) },
	}
}

func TestSendBuildsTheDocumentedRequest(t *testing.T) {
	var got captured
	srv := receiver(t, 200, &got)
	key := []byte("0123456789abcdef0123456789abcdef")
	old := []byte("fedcba9876543210fedcba9876543210")
	res := insecure.Send(context.Background(), message(srv.URL, key, old))
	if !res.OK() || res.StatusCode != 200 || string(res.ResponseBody) != "thanks" {
		t.Fatalf("result = %+v, want OK 200 thanks", res)
	}
	wantBody := `{"id":"evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A","event":"nutror.lesson_started","data":{"lesson":42,"b":[1,2]},"sentDate":"2023-08-31T18:34:23.023Z"}`
	if string(got.body) != wantBody {
		t.Errorf("body = %s\nwant   %s", got.body, wantBody)
	}
	if string(res.RequestBody) != wantBody {
		t.Errorf("recorded body differs from the one sent")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(got.body)
	xsig := hex.EncodeToString(mac.Sum(nil))
	std := func(k []byte) string {
		m := hmac.New(sha256.New, k)
		m.Write([]byte("evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A.1693507263." + wantBody))
		return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	for name, want := range map[string]string{
		"Content-Type":             "application/json",
		"User-Agent":               "Ferry-Webhooks/test",
		"X-Signature":              xsig,
		"Webhook-Id":               "evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A",
		"Webhook-Timestamp":        "1693507263",
		"Webhook-Signature":        std(key) + " " + std(old),
		"X-Ferry-Event-Id":         "evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A",
		"X-Ferry-Configuration-Id": "cfg_1",
		"X-Ferry-Delivery-Id":      "dlv_1",
		"X-Ferry-Attempt":          "3",
	} {
		if got.header.Get(name) != want {
			t.Errorf("header %s = %q, want %q", name, got.header.Get(name), want)
		}
		if vs := res.RequestHeaders.Values(name); len(vs) != 1 || vs[0] != want {
			t.Errorf("recorded header %s = %q, want the %q sent", name, vs, want)
		}
	}
	// The static headers are credentials: the receiver gets them, the
	// record shows only their last 4 characters.
	for name, want := range map[string][2]string{
		"X-Team":        {"billing", "••••ling"},
		"Authorization": {"Basic dXNlcjpwYXNz", "••••YXNz"},
	} {
		if got.header.Get(name) != want[0] {
			t.Errorf("header %s = %q, want %q", name, got.header.Get(name), want[0])
		}
		if vs := res.RequestHeaders.Values(name); len(vs) != 1 || vs[0] != want[1] {
			t.Errorf("recorded header %s = %q, want it redacted to %q", name, vs, want[1])
		}
	}

	// Same message again: byte-identical body.
	var again captured
	srv2 := receiver(t, 200, &again)
	insecure.Send(context.Background(), message(srv2.URL, key))
	if string(again.body) != string(got.body) {
		t.Errorf("second send body differs:\n%s\n%s", again.body, got.body)
	}
}

func TestFailuresAreClassified(t *testing.T) {
	var redirectTargetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { redirectTargetHits.Add(1) }))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusFound)
	}))
	defer redirect.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	defer failing.Close()
	limited := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "120")
		w.WriteHeader(429)
	}))
	defer limited.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closedURL := "http://" + ln.Addr().String()
	ln.Close()

	cases := []struct {
		desc    string
		url     string
		timeout time.Duration
		kind    sender.ErrorKind
		status  int
	}{
		{"redirect is not followed", redirect.URL, 5 * time.Second, sender.ErrRedirect, 302},
		{"timeout", slow.URL, time.Second, sender.ErrTimeout, 0},
		{"server error", failing.URL, 5 * time.Second, sender.ErrStatus, 500},
		{"rate limited", limited.URL, 5 * time.Second, sender.ErrStatus, 429},
		{"connection refused", closedURL, 5 * time.Second, sender.ErrConnect, 0},
		{"unknown host", "http://ferry-test.invalid/", 5 * time.Second, sender.ErrDNS, 0},
	}
	for _, tc := range cases {
		m := message(tc.url)
		m.Timeout = tc.timeout
		start := time.Now()
		res := insecure.Send(context.Background(), m)
		if res.OK() || res.ErrorKind != tc.kind || res.StatusCode != tc.status || res.Error == "" {
			t.Errorf("%s: kind %q status %d error %q, want kind %q status %d", tc.desc, res.ErrorKind, res.StatusCode, res.Error, tc.kind, tc.status)
		}
		if tc.kind == sender.ErrTimeout && (time.Since(start) > 3*time.Second || res.Duration < time.Second) {
			t.Errorf("timeout took %s (recorded %s), want about 1s", time.Since(start), res.Duration)
		}
		if tc.desc == "rate limited" && res.RetryAfter != 120*time.Second {
			t.Errorf("Retry-After = %s, want 2m", res.RetryAfter)
		}
	}
	if n := redirectTargetHits.Load(); n != 0 {
		t.Errorf("redirect target got %d requests, want none", n)
	}
}

func TestLargeResponsesAreTruncated(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 1<<20)))
	}))
	defer srv.Close()
	res := insecure.Send(context.Background(), message(srv.URL))
	if !res.OK() || len(res.ResponseBody) != sender.MaxResponseBody || !res.BodyTruncated {
		t.Errorf("kept %d bytes (truncated %v), want %d", len(res.ResponseBody), res.BodyTruncated, sender.MaxResponseBody)
	}
}

func TestPolicyBlocksLoopbackByDefault(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	strict := sender.New(netguard.Policy{}, "Ferry-Webhooks/test")
	for _, url := range []string{
		srv.URL, // http
		strings.Replace(srv.URL, "http://", "https://", 1),
		strings.Replace(strings.Replace(srv.URL, "http://", "https://", 1), "127.0.0.1", "localhost", 1),
	} {
		res := strict.Send(context.Background(), message(url))
		if res.ErrorKind != sender.ErrBlocked || !strings.Contains(res.Error, "blocked by policy") {
			t.Errorf("%s: kind %q error %q, want blocked", url, res.ErrorKind, res.Error)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the loopback server was reached %d times", hits.Load())
	}
}

func TestHeaderRules(t *testing.T) {
	for name, reserved := range map[string]bool{
		"X-Signature": true, "webhook-signature": true, "Webhook-Version": true, "X-Ferry-Anything": true, "Content-Type": true,
		"Host": true, "Expect": true, "Tracestate": true, "X-Team": false, "Authorization": false,
	} {
		if sender.ReservedHeader(name) != reserved {
			t.Errorf("ReservedHeader(%q) = %v", name, !reserved)
		}
	}
	for name, valid := range map[string]bool{"X-Team": true, "Bad Header": false, "": false, "a:b": false, "x_y": true,
		"X-Équipe": false, "x\x00": false, "!#$%&'*+-.^_`|~09": true, strings.Repeat("a", 256): true, strings.Repeat("a", 257): false} {
		if sender.ValidHeaderName(name) != valid {
			t.Errorf("ValidHeaderName(%q) = %v", name, !valid)
		}
	}
}
