// Package webhook is Ferry's receiver kit: it verifies that a request really
// comes from Ferry, unchanged and recent, and decodes the event it carries.
//
// Ferry signs every delivery twice. The Standard Webhooks headers
// (webhook-id, webhook-timestamp, webhook-signature) sign the event id, the
// attempt's timestamp and the body, so a captured request cannot be replayed
// later; they are what Verifier checks. X-Signature signs the body alone and
// is checked only when the Standard Webhooks signature is absent.
//
// The package uses the standard library only, and shares no code with the
// Ferry code that signs, so a bug in one is not hidden by the same bug in the
// other.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Header names Ferry sets on every request. Go's http.Header is
// case-insensitive, so the lower-case spelling of Standard Webhooks works too.
const (
	HeaderID         = "Webhook-Id"
	HeaderTimestamp  = "Webhook-Timestamp"
	HeaderSignature  = "Webhook-Signature"
	HeaderXSignature = "X-Signature"
)

// DefaultTolerance is how far webhook-timestamp may be from the receiver's
// clock, in either direction, when Verifier.Tolerance is zero.
const DefaultTolerance = 5 * time.Minute

// DefaultMaxBodyBytes caps the body VerifyRequest reads when
// Verifier.MaxBodyBytes is zero. Ferry limits event data to 256 KiB, so a
// genuine body is always well below it.
const DefaultMaxBodyBytes = 1 << 20

// Errors returned by NewVerifier, Sign, Verify and VerifyRequest; test for
// them with errors.Is. Their messages never contain a secret.
var (
	// ErrBadSecret: a secret is not "whsec_" followed by standard base64.
	ErrBadSecret = errors.New("webhook: bad secret")
	// ErrMissingHeaders: the request carries no complete signature.
	ErrMissingHeaders = errors.New("webhook: missing signature headers")
	// ErrBadTimestamp: webhook-timestamp is not unix seconds.
	ErrBadTimestamp = errors.New("webhook: malformed webhook-timestamp")
	// ErrTooOld: the signature is valid but its timestamp is older than the
	// tolerance: a replay, or a receiver clock running fast.
	ErrTooOld = errors.New("webhook: timestamp too old")
	// ErrTooNew: the signature is valid but its timestamp is further in the
	// future than the tolerance: a receiver clock running slow.
	ErrTooNew = errors.New("webhook: timestamp too far in the future")
	// ErrNoMatch: no signature matches any secret: the body or headers were
	// changed, or the secret is not this endpoint's.
	ErrNoMatch = errors.New("webhook: no signature matches")
	// ErrBodyTooLarge: the body is over the verifier's MaxBodyBytes.
	ErrBodyTooLarge = errors.New("webhook: body too large")
	// ErrBadEvent: the body is correctly signed but is not Ferry's JSON
	// envelope.
	ErrBadEvent = errors.New("webhook: body is not a Ferry event")
	// ErrURLCheck: the request is Ferry's unsigned URL check, sent when a
	// configuration is created or its URL verified, before any secret is in
	// play. Answer it with a 2xx and do nothing else; Middleware does so.
	ErrURLCheck = errors.New("webhook: unsigned URL check from Ferry")
)

// Event is the JSON envelope Ferry posts to a receiver.
type Event struct {
	// ID is the event id (evt_…), the same on every retry and resend:
	// deduplicate on it.
	ID string `json:"id"`
	// Type is the event type, e.g. "billing.invoice_paid"; "ping" on
	// activation.
	Type string `json:"event"`
	// Data is the event's data exactly as sent.
	Data json.RawMessage `json:"data"`
	// OccurredAt is when the event happened (the body's sentDate), not when
	// this attempt was sent.
	OccurredAt time.Time `json:"sentDate"`
}

type eventKey struct{}

// EventFrom returns the verified event Middleware put in ctx.
func EventFrom(ctx context.Context) (Event, bool) {
	e, ok := ctx.Value(eventKey{}).(Event)
	return e, ok
}

// withEvent returns ctx carrying e, for EventFrom.
func withEvent(ctx context.Context, e Event) context.Context {
	return context.WithValue(ctx, eventKey{}, e)
}
