package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// urlCheckType is the event type of Ferry's unsigned URL check.
const urlCheckType = "ferry.url_verification"

// VerifyRequest reads r's body (at most MaxBodyBytes), verifies it with
// r.Header, and decodes the event. r.Body is put back, so handlers can read
// the same bytes again. Ferry's unsigned URL check yields ErrURLCheck: answer
// it with a 2xx and do nothing else.
//
// Only the body and the signed headers are verified; X-Ferry-Delivery-Id,
// X-Ferry-Attempt and the other X-Ferry-* headers are not signed.
func (v *Verifier) VerifyRequest(r *http.Request) (Event, error) {
	body, err := v.readBody(r)
	if err != nil {
		return Event{}, err
	}
	if err := v.Verify(r.Header, body); err != nil {
		if errors.Is(err, ErrMissingHeaders) && isURLCheck(r.Header, body) {
			return Event{}, ErrURLCheck
		}
		return Event{}, err
	}
	var e Event
	if err := json.Unmarshal(body, &e); err != nil || e.ID == "" || e.Type == "" {
		return Event{}, ErrBadEvent
	}
	return e, nil
}

// readBody reads r.Body up to the cap and replaces it with a fresh reader
// over the same bytes.
func (v *Verifier) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		r.Body = http.NoBody
		return nil, nil
	}
	limit := v.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	r.Body = io.NopCloser(bytes.NewReader(body))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge) || int64(len(body)) > limit:
		return nil, fmt.Errorf("%w: over %d bytes", ErrBodyTooLarge, limit)
	case err != nil:
		return nil, fmt.Errorf("webhook: read body: %w", err)
	}
	return body, nil
}

// isURLCheck reports whether an unsigned request is Ferry's URL check. It
// decides only that Middleware may answer 2xx without calling next.
func isURLCheck(h http.Header, body []byte) bool {
	if h.Get(HeaderSignature) != "" || h.Get(HeaderXSignature) != "" {
		return false
	}
	var e Event
	return json.Unmarshal(body, &e) == nil && e.Type == urlCheckType
}

// Middleware verifies each request before next sees it. A verified event is
// in the request's context (EventFrom) and its body is readable again.
// Failures are answered here: 401 for a missing, wrong or stale signature,
// 413 for a body over MaxBodyBytes, 400 for a signed body that is not a Ferry
// event. Ferry's unsigned URL check gets a 200 and never reaches next; the
// activation ping (type "ping") is a signed event and does.
func (v *Verifier) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, err := v.VerifyRequest(r)
		if errors.Is(err, ErrURLCheck) {
			w.WriteHeader(http.StatusOK)
			return
		}
		if err != nil {
			status, msg := failure(err)
			http.Error(w, msg, status)
			return
		}
		next.ServeHTTP(w, r.WithContext(withEvent(r.Context(), e)))
	})
}

// failure maps a VerifyRequest error to the answer Ferry records. The
// message names the reason, which helps whoever reads the delivery's
// history, and never the secrets or the expected signature.
func failure(err error) (status int, msg string) {
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge, "webhook body too large"
	case errors.Is(err, ErrBadEvent):
		return http.StatusBadRequest, "webhook body is not a Ferry event"
	case errors.Is(err, ErrMissingHeaders):
		return http.StatusUnauthorized, "webhook signature missing"
	case errors.Is(err, ErrBadTimestamp):
		return http.StatusUnauthorized, "webhook timestamp malformed"
	case errors.Is(err, ErrTooOld):
		return http.StatusUnauthorized, "webhook timestamp too old"
	case errors.Is(err, ErrTooNew):
		return http.StatusUnauthorized, "webhook timestamp too far in the future"
	case errors.Is(err, ErrNoMatch):
		return http.StatusUnauthorized, "webhook signature does not match"
	}
	return http.StatusBadRequest, "webhook request unreadable"
}
