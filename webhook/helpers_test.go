package webhook_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ferryhq/ferry/webhook"
)

// The published Standard Webhooks test vector (standard-webhooks/standard-webhooks,
// libraries/go/webhook_test.go, TestWebhookSign), not computed by us.
const (
	vecSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTimestamp = "1614265330"
	vecBody      = `{"test": 2432232314}`
	vecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	// vecXSignature is the vector body's X-Signature, from Ferry's signing
	// golden file (internal/adapter/sender/signing/testdata/golden.json).
	vecXSignature = "e2cb4f5251572539d458bfb8a7adb533b08801e6a794467e06f771debbb0818b"
)

// vecTime is the vector's timestamp as a time.
var vecTime = time.Unix(1614265330, 0)

// vectorHeader returns the vector's Standard Webhooks headers.
func vectorHeader() http.Header {
	h := http.Header{}
	h.Set("webhook-id", vecID)
	h.Set("webhook-timestamp", vecTimestamp)
	h.Set("webhook-signature", vecSignature)
	return h
}

// clock returns a Now function stopped at t.
func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

// newVerifier builds a verifier for secrets whose clock is stopped at now.
func newVerifier(t *testing.T, now time.Time, secrets ...string) *webhook.Verifier {
	t.Helper()
	v, err := webhook.NewVerifier(secrets...)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	v.Now = clock(now)
	return v
}

// randomSecret returns a secret in Ferry's form: whsec_ + base64 of 32 bytes.
func randomSecret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// signedRequest is a POST of body signed with secret as Ferry signs: the
// Standard Webhooks headers for id and ts.
func signedRequest(t *testing.T, secret, id string, ts time.Time, body string) *http.Request {
	t.Helper()
	sig, err := webhook.Sign(secret, id, ts, []byte(body))
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	r, err := http.NewRequest(http.MethodPost, "http://receiver.test/hooks", bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("webhook-id", id)
	r.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set("webhook-signature", sig)
	return r
}
