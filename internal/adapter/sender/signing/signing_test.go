package signing_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/adapter/sender/signing"
)

// verifyStandard is an independent verifier written from the Standard
// Webhooks spec: it does not call the code under test.
func verifyStandard(secret, msgID, timestamp string, body []byte, header string) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID + "." + timestamp + "." + string(body)))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Split(header, " ") {
		version, value, ok := strings.Cut(sig, ",")
		if ok && version == "v1" && hmac.Equal([]byte(value), []byte(want)) {
			return true
		}
	}
	return false
}

func TestStandardWebhooksPublishedVector(t *testing.T) {
	const (
		secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		msgID  = "msg_p5jXN8AQM9LWM0D4loKWxJek"
		ts     = int64(1614265330)
		body   = `{"test": 2432232314}`
		want   = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	)
	key, err := signing.DecodeSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	got := signing.StandardSignature(key, msgID, ts, []byte(body))
	if got != want {
		t.Errorf("StandardSignature = %q, want the spec's %q", got, want)
	}
	if !verifyStandard(secret, msgID, "1614265330", []byte(body), got) {
		t.Error("the independent verifier rejects our signature")
	}
	if verifyStandard(secret, msgID, "1614265331", []byte(body), got) {
		t.Error("the verifier accepts a signature for another timestamp")
	}
}

func TestXSignatureIsHexHMACOfTheBody(t *testing.T) {
	secret, err := signing.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	key, err := signing.DecodeSecret(secret)
	if err != nil || len(key) != 32 {
		t.Fatalf("secret %q decodes to %d bytes (%v), want 32", secret, len(key), err)
	}
	body := []byte(`{"id":"evt_1","event":"QUESTION_ANSWERED","data":{},"sentDate":"2023-08-31T18:34:23.023Z"}`)
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	if got, want := signing.XSignature(key, body), hex.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("XSignature = %q, want %q", got, want)
	}
}

func TestRotationSignsWithEveryKey(t *testing.T) {
	s1, _ := signing.NewSecret()
	s2, _ := signing.NewSecret()
	k1, _ := signing.DecodeSecret(s1)
	k2, _ := signing.DecodeSecret(s2)
	body := []byte(`{"a":1}`)
	header := signing.StandardSignatures([][]byte{k1, k2}, "evt_1", 1700000000, body)
	if n := len(strings.Split(header, " ")); n != 2 {
		t.Fatalf("header %q has %d signatures, want 2", header, n)
	}
	for _, s := range []string{s1, s2} {
		if !verifyStandard(s, "evt_1", "1700000000", body, header) {
			t.Errorf("a receiver holding %s… cannot verify %q", s[:10], header)
		}
	}
}

func TestDecodeSecretRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "whsec_", "whsec_!!!"} {
		if _, err := signing.DecodeSecret(s); err == nil {
			t.Errorf("DecodeSecret(%q) succeeded", s)
		}
	}
}

// golden vectors are checked in so a change of algorithm cannot pass unnoticed.
func TestGoldenVectors(t *testing.T) {
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Secret, ID, Body, XSignature, WebhookSignature string
		Timestamp                                      int64
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no golden vectors")
	}
	for i, c := range cases {
		key, err := signing.DecodeSecret(c.Secret)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if got := signing.XSignature(key, []byte(c.Body)); got != c.XSignature {
			t.Errorf("case %d: XSignature = %s, want %s", i, got, c.XSignature)
		}
		if got := signing.StandardSignature(key, c.ID, c.Timestamp, []byte(c.Body)); got != c.WebhookSignature {
			t.Errorf("case %d: webhook-signature = %s, want %s", i, got, c.WebhookSignature)
		}
		if !verifyStandard(c.Secret, c.ID, strconv.FormatInt(c.Timestamp, 10), []byte(c.Body), c.WebhookSignature) {
			t.Errorf("case %d: golden vector fails the independent verifier", i)
		}
	}
}
