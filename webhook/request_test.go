package webhook_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/webhook"
)

const sampleBody = `{"id":"evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A","event":"nutror.lesson_started","data":{"lesson":42},"sentDate":"2023-08-31T18:34:23.023Z"}`

func TestVerifyRequestDecodesTheEventAndRestoresTheBody(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	now := time.Now()
	r := signedRequest(t, secret, "evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A", now, sampleBody)

	e, err := newVerifier(t, now, secret).VerifyRequest(r)
	if err != nil {
		t.Fatalf("VerifyRequest: %v", err)
	}
	want := webhook.Event{
		ID: "evt_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A", Type: "nutror.lesson_started",
		Data: []byte(`{"lesson":42}`), OccurredAt: time.Date(2023, 8, 31, 18, 34, 23, 23e6, time.UTC),
	}
	if e.ID != want.ID || e.Type != want.Type || string(e.Data) != string(want.Data) || !e.OccurredAt.Equal(want.OccurredAt) {
		t.Errorf("event = %+v (data %s), want %+v (data %s)", e, e.Data, want, want.Data)
	}
	again, _ := io.ReadAll(r.Body)
	if string(again) != sampleBody {
		t.Errorf("body read after VerifyRequest = %q, want the original bytes", again)
	}
}

func TestVerifyRequestFailures(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	now := time.Now()
	tests := []struct {
		desc    string
		req     func() *http.Request
		max     int64
		wantErr error
	}{
		{desc: "body over the cap", max: 64, wantErr: webhook.ErrBodyTooLarge,
			req: func() *http.Request { return signedRequest(t, secret, "evt_1", now, sampleBody) }},
		{desc: "signed body that is not JSON", wantErr: webhook.ErrBadEvent,
			req: func() *http.Request { return signedRequest(t, secret, "evt_1", now, "hello") }},
		{desc: "signed JSON that is not Ferry's envelope", wantErr: webhook.ErrBadEvent,
			req: func() *http.Request { return signedRequest(t, secret, "evt_1", now, `{"test": 1}`) }},
		{desc: "tampered body", wantErr: webhook.ErrNoMatch, req: func() *http.Request {
			r := signedRequest(t, secret, "evt_1", now, sampleBody)
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(sampleBody, "42", "43", 1)))
			return r
		}},
		{desc: "Ferry's unsigned URL check", wantErr: webhook.ErrURLCheck, req: urlCheck},
		{desc: "a URL check body carrying a signature is verified like any other", wantErr: webhook.ErrNoMatch, req: func() *http.Request {
			r := urlCheck()
			r.Header.Set("X-Signature", strings.Repeat("0", 64))
			return r
		}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			v := newVerifier(t, now, secret)
			v.MaxBodyBytes = tc.max
			_, err := v.VerifyRequest(tc.req())
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("VerifyRequest = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

// urlCheck is the request Ferry sends to check a URL: unsigned.
func urlCheck() *http.Request {
	body := `{"id":"ferry_verification","event":"ferry.url_verification","data":{},"sentDate":"2025-01-01T00:00:00.000Z"}`
	r := httptest.NewRequest(http.MethodPost, "/hooks", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Webhook-Timestamp", "1735689600")
	return r
}

func TestMiddlewarePassesAVerifiedEventToNext(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	now := time.Now()
	var got webhook.Event
	var body []byte
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ok bool
		if got, ok = webhook.EventFrom(r.Context()); !ok {
			t.Error("EventFrom found no event in the request's context")
		}
		body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusNoContent)
	})
	w := httptest.NewRecorder()
	newVerifier(t, now, secret).Middleware(next).ServeHTTP(w, signedRequest(t, secret, "evt_1", now, sampleBody))

	if w.Code != http.StatusNoContent {
		t.Errorf("status = %d, want next's 204", w.Code)
	}
	if got.Type != "nutror.lesson_started" {
		t.Errorf("next got event %+v, want type nutror.lesson_started", got)
	}
	if string(body) != sampleBody {
		t.Errorf("next read body %q, want the original", body)
	}
}

func TestMiddlewareAnswersFailuresItself(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	now := time.Now()
	tampered := func() *http.Request {
		r := signedRequest(t, secret, "evt_1", now, sampleBody)
		r.Body = io.NopCloser(strings.NewReader(sampleBody + " "))
		return r
	}
	stale := func() *http.Request { return signedRequest(t, secret, "evt_1", now.Add(-6*time.Minute), sampleBody) }
	unsigned := func() *http.Request {
		return httptest.NewRequest(http.MethodPost, "/hooks", strings.NewReader(sampleBody))
	}
	big := func() *http.Request {
		return signedRequest(t, secret, "evt_1", now, `{"id":"evt_1","event":"x","data":{"pad":"`+strings.Repeat("x", 2<<20)+`"}}`)
	}
	tests := []struct {
		desc       string
		req        func() *http.Request
		wantStatus int
		wantBody   string
	}{
		{"tampered body", tampered, http.StatusUnauthorized, "webhook signature does not match\n"},
		{"stale timestamp", stale, http.StatusUnauthorized, "webhook timestamp too old\n"},
		{"no signature", unsigned, http.StatusUnauthorized, "webhook signature missing\n"},
		{"body over 1 MiB", big, http.StatusRequestEntityTooLarge, "webhook body too large\n"},
		{"Ferry's URL check", urlCheck, http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			called := false
			next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })
			w := httptest.NewRecorder()
			newVerifier(t, now, secret).Middleware(next).ServeHTTP(w, tc.req())
			if called {
				t.Error("next was called for a request that failed verification")
			}
			if w.Code != tc.wantStatus || w.Body.String() != tc.wantBody {
				t.Errorf("answer = %d %q, want %d %q", w.Code, w.Body, tc.wantStatus, tc.wantBody)
			}
			if bytes.Contains(w.Body.Bytes(), []byte(strings.TrimPrefix(secret, "whsec_"))) {
				t.Error("the answer contains the secret")
			}
		})
	}
}

func TestEventFromAContextWithoutOne(t *testing.T) {
	t.Parallel()
	if e, ok := webhook.EventFrom(t.Context()); ok {
		t.Errorf("EventFrom(empty context) = %+v, true; want false", e)
	}
}
