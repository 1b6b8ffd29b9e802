package webhook

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Verifier checks requests against an endpoint's secrets. Set its fields
// before first use; after that it is safe for concurrent use.
type Verifier struct {
	// Tolerance is how far webhook-timestamp may be from Now, either way;
	// zero means DefaultTolerance.
	Tolerance time.Duration
	// MaxBodyBytes caps the body VerifyRequest reads; zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Now is the receiver's clock; nil means time.Now. Tests set it.
	Now func() time.Time
	// StandardOnly turns off the fallback to X-Signature. X-Signature signs
	// the body but no timestamp, so whoever captures one request can replay
	// it forever by stripping the Standard Webhooks headers; Ferry always
	// sends those, so receivers lose nothing by setting this.
	StandardOnly bool

	keys [][]byte
}

// NewVerifier returns a Verifier that accepts a request signed with any of
// secrets: give it both the old and the new secret during a key rotation.
// Secrets are in the form Ferry shows them ("whsec_" and base64).
func NewVerifier(secrets ...string) (*Verifier, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("%w: NewVerifier needs at least one secret", ErrBadSecret)
	}
	v := &Verifier{keys: make([][]byte, len(secrets))}
	for i, s := range secrets {
		key, err := decodeSecret(s)
		if err != nil {
			return nil, fmt.Errorf("secret %d of %d: %w", i+1, len(secrets), err)
		}
		v.keys[i] = key
	}
	return v, nil
}

// Verify checks that body and h were signed by Ferry with one of the
// verifier's secrets, and recently. It checks webhook-signature when present:
// any "v1," entry matching any secret passes, other versions are ignored, and
// the timestamp must then be within Tolerance (checked after the signature,
// so ErrTooOld and ErrTooNew always describe a genuine message). Without
// webhook-signature it falls back to X-Signature unless StandardOnly is set.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	if sigs := strings.TrimSpace(strings.Join(h.Values(HeaderSignature), " ")); sigs != "" {
		return v.verifyStandard(h.Get(HeaderID), h.Get(HeaderTimestamp), sigs, body)
	}
	if xsig := h.Get(HeaderXSignature); xsig != "" && !v.StandardOnly {
		return v.verifyXSignature(xsig, body)
	}
	return ErrMissingHeaders
}

// verifyStandard checks a Standard Webhooks signature list.
func (v *Verifier) verifyStandard(id, timestamp, signatures string, body []byte) error {
	if id == "" || timestamp == "" {
		return fmt.Errorf("%w: webhook-signature without webhook-id or webhook-timestamp", ErrMissingHeaders)
	}
	ts, err := parseTimestamp(timestamp)
	if err != nil {
		return err
	}
	want := make([][]byte, len(v.keys))
	for i, key := range v.keys {
		want[i] = standardMAC(key, id, timestamp, body)
	}
	if !anyMatch(signatures, want) {
		return ErrNoMatch
	}
	return v.checkTime(ts)
}

// anyMatch reports whether one "v1,<base64>" entry of the space-separated
// list equals one of want, comparing in constant time.
func anyMatch(signatures string, want [][]byte) bool {
	for _, entry := range strings.Fields(signatures) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			continue
		}
		for _, w := range want {
			if hmac.Equal(got, w) {
				return true
			}
		}
	}
	return false
}

// parseTimestamp reads unix seconds written as plain digits, as Ferry
// writes them; signs, spaces and fractions are malformed.
func parseTimestamp(s string) (time.Time, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, ErrBadTimestamp
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, ErrBadTimestamp
	}
	return time.Unix(n, 0), nil
}

// checkTime enforces the tolerance around the receiver's clock, in whole
// seconds as the timestamp is.
func (v *Verifier) checkTime(ts time.Time) error {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	tol := v.Tolerance
	if tol <= 0 {
		tol = DefaultTolerance
	}
	t := time.Unix(now().Unix(), 0)
	switch {
	case t.Sub(ts) > tol:
		return fmt.Errorf("%w: %s behind this clock, tolerance %s", ErrTooOld, t.Sub(ts), tol)
	case ts.Sub(t) > tol:
		return fmt.Errorf("%w: %s ahead of this clock, tolerance %s", ErrTooNew, ts.Sub(t), tol)
	}
	return nil
}

// verifyXSignature checks DESIGN's X-Signature: lowercase hex HMAC-SHA256 of
// the body. It carries no timestamp, so there is no tolerance to apply.
func (v *Verifier) verifyXSignature(xsig string, body []byte) error {
	got, err := hex.DecodeString(strings.TrimSpace(xsig))
	if err != nil {
		return ErrNoMatch
	}
	for _, key := range v.keys {
		if hmac.Equal(got, bodyMAC(key, body)) {
			return nil
		}
	}
	return ErrNoMatch
}
