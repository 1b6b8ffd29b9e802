package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/webhook"
)

// The vector's signature is the HMAC of "{id}.{timestamp}.{body}" at
// timestamp 1614265330, computed here with crypto/hmac alone: this pins the
// timestamp the published vector was made at.
func TestStandardWebhooksVectorIsSignedAtItsTimestamp(t *testing.T) {
	t.Parallel()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(vecSecret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(vecID + "." + vecTimestamp + "." + vecBody))
	if got := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)); got != vecSignature {
		t.Fatalf("HMAC at timestamp %s = %s, want the published %s", vecTimestamp, got, vecSignature)
	}
}

func TestSignReproducesStandardWebhooksVector(t *testing.T) {
	t.Parallel()
	got, err := webhook.Sign(vecSecret, vecID, vecTime, []byte(vecBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != vecSignature {
		t.Errorf("Sign = %q, want the published %q", got, vecSignature)
	}
}

// verifyCase changes the published vector in one way and says what Verify
// must answer. Zero fields keep the vector's values.
type verifyCase struct {
	desc    string
	header  func(h http.Header)
	body    string
	secrets []string
	now     time.Time
	tol     time.Duration
	wantErr error
}

func TestVerify(t *testing.T) {
	t.Parallel()
	wrong := "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
	tests := []verifyCase{
		{desc: "the published vector verifies at its timestamp"},
		{desc: "only the second of several signatures matches", header: func(h http.Header) {
			h.Set("webhook-signature", wrong+" "+vecSignature)
		}},
		{desc: "an unknown version is ignored before a matching v1", header: func(h http.Header) {
			h.Set("webhook-signature", "v2,bm90LWEtcmVhbC1zaWduYXR1cmU= "+vecSignature)
		}},
		{desc: "a v2 entry carrying the right MAC is still not a v1 signature", header: func(h http.Header) {
			h.Set("webhook-signature", strings.Replace(vecSignature, "v1,", "v2,", 1))
		}, wantErr: webhook.ErrNoMatch},
		{desc: "entries that are not version,signature are skipped", header: func(h http.Header) {
			h.Set("webhook-signature", "v1 v1,!!! garbage "+vecSignature)
		}},
		{desc: "signatures across two header lines", header: func(h http.Header) {
			h.Set("webhook-signature", wrong)
			h.Add("webhook-signature", vecSignature)
		}},
		{desc: "the matching secret is the second one known", secrets: []string{randomSecretFixed, vecSecret}},
		{desc: "no headers at all", header: func(h http.Header) { h.Del("webhook-id"); h.Del("webhook-timestamp"); h.Del("webhook-signature") },
			wantErr: webhook.ErrMissingHeaders},
		{desc: "webhook-id missing", header: func(h http.Header) { h.Del("webhook-id") }, wantErr: webhook.ErrMissingHeaders},
		{desc: "webhook-timestamp missing", header: func(h http.Header) { h.Del("webhook-timestamp") }, wantErr: webhook.ErrMissingHeaders},
		{desc: "webhook-signature missing and no X-Signature", header: func(h http.Header) { h.Del("webhook-signature") },
			wantErr: webhook.ErrMissingHeaders},
		{desc: "webhook-signature empty and no X-Signature", header: func(h http.Header) { h.Set("webhook-signature", " ") },
			wantErr: webhook.ErrMissingHeaders},
		{desc: "tampered body", body: `{"test": 2432232315}`, wantErr: webhook.ErrNoMatch},
		{desc: "another webhook-id", header: func(h http.Header) { h.Set("webhook-id", "msg_other") }, wantErr: webhook.ErrNoMatch},
		{desc: "webhook-timestamp moved by a second", header: func(h http.Header) { h.Set("webhook-timestamp", "1614265331") },
			wantErr: webhook.ErrNoMatch},
		{desc: "wrong secret", secrets: []string{randomSecretFixed}, wantErr: webhook.ErrNoMatch},
		{desc: "only wrong signatures", header: func(h http.Header) { h.Set("webhook-signature", wrong) }, wantErr: webhook.ErrNoMatch},
		{desc: "exactly 5 minutes old is accepted", now: vecTime.Add(5 * time.Minute)},
		{desc: "5 minutes and a second old is stale", now: vecTime.Add(5*time.Minute + time.Second), wantErr: webhook.ErrTooOld},
		{desc: "an hour old is stale", now: vecTime.Add(time.Hour), wantErr: webhook.ErrTooOld},
		{desc: "exactly 5 minutes ahead is accepted", now: vecTime.Add(-5 * time.Minute)},
		{desc: "5 minutes and a second ahead is from the future", now: vecTime.Add(-5*time.Minute - time.Second), wantErr: webhook.ErrTooNew},
		{desc: "a stale forgery is reported as a forgery", now: vecTime.Add(time.Hour), header: func(h http.Header) {
			h.Set("webhook-signature", wrong)
		}, wantErr: webhook.ErrNoMatch},
		{desc: "a wider tolerance accepts 6 minutes", now: vecTime.Add(6 * time.Minute), tol: 10 * time.Minute},
		{desc: "a narrower tolerance rejects 2 minutes", now: vecTime.Add(2 * time.Minute), tol: time.Minute, wantErr: webhook.ErrTooOld},
	}
	for _, ts := range []string{"abc", "1614265330.0", "+1614265330", "-1614265330", " 1614265330", "1614265330ms", "1e9", "99999999999999999999"} {
		tests = append(tests, verifyCase{desc: "malformed timestamp " + strconv.Quote(ts),
			header: func(h http.Header) { h.Set("webhook-timestamp", ts) }, wantErr: webhook.ErrBadTimestamp})
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			h := vectorHeader()
			if tc.header != nil {
				tc.header(h)
			}
			body := vecBody
			if tc.body != "" {
				body = tc.body
			}
			secrets := tc.secrets
			if secrets == nil {
				secrets = []string{vecSecret}
			}
			now := vecTime
			if !tc.now.IsZero() {
				now = tc.now
			}
			v := newVerifier(t, now, secrets...)
			v.Tolerance = tc.tol
			err := v.Verify(h, []byte(body))
			if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Errorf("Verify = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

// randomSecretFixed is a well-formed secret that signed nothing here.
const randomSecretFixed = "whsec_3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

func TestVerifyFallsBackToXSignatureOnlyWithoutStandardHeaders(t *testing.T) {
	t.Parallel()
	onlyX := http.Header{"X-Signature": {vecXSignature}}

	if err := newVerifier(t, vecTime, vecSecret).Verify(onlyX, []byte(vecBody)); err != nil {
		t.Errorf("X-Signature alone: %v, want it accepted as DESIGN.md defines it", err)
	}
	// X-Signature carries no timestamp: the clock does not matter.
	if err := newVerifier(t, vecTime.Add(24*time.Hour), vecSecret).Verify(onlyX, []byte(vecBody)); err != nil {
		t.Errorf("X-Signature alone a day later: %v, want it accepted (no timestamp to check)", err)
	}
	if err := newVerifier(t, vecTime, vecSecret).Verify(onlyX, []byte(vecBody+" ")); !errors.Is(err, webhook.ErrNoMatch) {
		t.Errorf("X-Signature over a tampered body: %v, want ErrNoMatch", err)
	}
	if err := newVerifier(t, vecTime, randomSecretFixed).Verify(onlyX, []byte(vecBody)); !errors.Is(err, webhook.ErrNoMatch) {
		t.Errorf("X-Signature with the wrong secret: %v, want ErrNoMatch", err)
	}
	if err := newVerifier(t, vecTime, vecSecret).Verify(http.Header{"X-Signature": {"not hex"}}, []byte(vecBody)); !errors.Is(err, webhook.ErrNoMatch) {
		t.Errorf("X-Signature not hex: %v, want ErrNoMatch", err)
	}

	strict := newVerifier(t, vecTime, vecSecret)
	strict.StandardOnly = true
	if err := strict.Verify(onlyX, []byte(vecBody)); !errors.Is(err, webhook.ErrMissingHeaders) {
		t.Errorf("StandardOnly with X-Signature alone: %v, want ErrMissingHeaders", err)
	}

	// A present but wrong webhook-signature is not rescued by X-Signature.
	h := vectorHeader()
	h.Set("webhook-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=")
	h.Set("X-Signature", vecXSignature)
	if err := newVerifier(t, vecTime, vecSecret).Verify(h, []byte(vecBody)); !errors.Is(err, webhook.ErrNoMatch) {
		t.Errorf("wrong webhook-signature with a right X-Signature: %v, want ErrNoMatch", err)
	}
}

// Ferry's own golden vectors (internal/adapter/sender/signing/testdata) verify, through both
// headers, and Sign reproduces them.
func TestVerifyAcceptsFerrysGoldenVectors(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../internal/adapter/sender/signing/testdata/golden.json")
	if err != nil {
		t.Fatalf("read Ferry's signing golden file: %v", err)
	}
	var vectors []struct {
		Secret, ID, Body, XSignature, WebhookSignature string
		Timestamp                                      int64
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) == 0 {
		t.Fatal("golden file has no vectors")
	}
	for _, g := range vectors {
		at := time.Unix(g.Timestamp, 0)
		v := newVerifier(t, at, g.Secret)
		h := http.Header{}
		h.Set("webhook-id", g.ID)
		h.Set("webhook-timestamp", strconv.FormatInt(g.Timestamp, 10))
		h.Set("webhook-signature", g.WebhookSignature)
		if err := v.Verify(h, []byte(g.Body)); err != nil {
			t.Errorf("%s: webhook-signature: %v", g.ID, err)
		}
		if err := v.Verify(http.Header{"X-Signature": {g.XSignature}}, []byte(g.Body)); err != nil {
			t.Errorf("%s: X-Signature: %v", g.ID, err)
		}
		if sig, err := webhook.Sign(g.Secret, g.ID, at, []byte(g.Body)); err != nil || sig != g.WebhookSignature {
			t.Errorf("%s: Sign = %q, %v; want %q", g.ID, sig, err, g.WebhookSignature)
		}
	}
}

func TestNewVerifierAcceptsSecretsAsFerryShowsThem(t *testing.T) {
	t.Parallel()
	bare := strings.TrimPrefix(vecSecret, "whsec_")
	for _, s := range []string{vecSecret, bare, " " + vecSecret + "\n", randomSecret(t)} {
		if _, err := webhook.NewVerifier(s); err != nil {
			t.Errorf("NewVerifier(%q): %v", s, err)
		}
	}
	v := newVerifier(t, vecTime, bare)
	if err := v.Verify(vectorHeader(), []byte(vecBody)); err != nil {
		t.Errorf("secret without whsec_: %v, want the same key as with it", err)
	}
}

func TestNewVerifierRejectsBadSecretsClearly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		desc    string
		secrets []string
		want    string // in the message
	}{
		{desc: "none", want: "at least one secret"},
		{desc: "empty", secrets: []string{""}, want: "empty"},
		{desc: "prefix only", secrets: []string{"whsec_"}, want: "empty"},
		{desc: "not base64", secrets: []string{"whsec_this-is*not~base64!"}, want: "standard base64"},
		{desc: "URL-safe base64", secrets: []string{"whsec_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}, want: "standard base64"},
		{desc: "the 4-character hint", secrets: []string{"AAA="}, want: "decodes to 2 bytes"},
		{desc: "a signing key id", secrets: []string{"key_01HF8Y8W0ZJ4V0R5Q2KX3M9T7A"}, want: "standard base64"},
		{desc: "the second of two", secrets: []string{vecSecret, "whsec_oops"}, want: "secret 2 of 2"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			v, err := webhook.NewVerifier(tc.secrets...)
			if !errors.Is(err, webhook.ErrBadSecret) {
				t.Fatalf("NewVerifier = %v, %v; want ErrBadSecret", v, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
			for _, s := range tc.secrets {
				if len(s) > 8 && strings.Contains(err.Error(), strings.TrimPrefix(s, "whsec_")) {
					t.Errorf("error %q quotes the secret", err)
				}
			}
		})
	}
}

func TestSignRejectsABadSecret(t *testing.T) {
	t.Parallel()
	if _, err := webhook.Sign("whsec_???", "evt_1", time.Now(), nil); !errors.Is(err, webhook.ErrBadSecret) {
		t.Errorf("Sign with a bad secret: %v, want ErrBadSecret", err)
	}
}

// The default tolerance applies when the field is left zero, and the real
// clock when Now is nil.
func TestVerifyDefaultsToFiveMinutesOnTheRealClock(t *testing.T) {
	t.Parallel()
	secret := randomSecret(t)
	v, err := webhook.NewVerifier(secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		age  time.Duration
		want error
	}{{0, nil}, {4 * time.Minute, nil}, {-4 * time.Minute, nil}, {6 * time.Minute, webhook.ErrTooOld}, {-6 * time.Minute, webhook.ErrTooNew}} {
		r := signedRequest(t, secret, "evt_1", time.Now().Add(-tc.age), `{}`)
		if err := v.Verify(r.Header, []byte(`{}`)); !errors.Is(err, tc.want) || (err != nil) != (tc.want != nil) {
			t.Errorf("signed %s ago: Verify = %v, want %v", tc.age, err, tc.want)
		}
	}
}
