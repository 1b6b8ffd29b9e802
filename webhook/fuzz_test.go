package webhook_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/sender/signing"
	"github.com/ferryhq/ferry/webhook"
)

// FuzzSignVerify signs arbitrary messages the way Ferry's sender does
// (internal/adapter/sender/signing) and verifies them with the receiver kit: every signed
// message verifies, under both headers, and any change to the body, the id
// or the key is refused, without a panic.
func FuzzSignVerify(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef"), "msg_1", int64(1614265330), []byte(`{"test": 2432232314}`))
	f.Add([]byte("sixteen bytes!!!"), "", int64(0), []byte{})
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 255}, "evt.with.dots", int64(1<<40), []byte("\xff\x00 not json"))
	f.Fuzz(func(t *testing.T, key []byte, id string, ts int64, body []byte) {
		if len(key) < 16 || len(key) > 64 || ts < 0 || ts > 1<<42 {
			return // outside what Ferry issues (32-byte keys, Unix seconds)
		}
		secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
		v, err := webhook.NewVerifier(secret)
		if err != nil {
			t.Fatalf("a %d-byte key was refused: %v", len(key), err)
		}
		at := time.Unix(ts, 0)
		v.Now = func() time.Time { return at }
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
		h.Set("webhook-signature", signing.StandardSignature(key, id, ts, body))
		if id != "" {
			if err := v.Verify(h, body); err != nil {
				t.Fatalf("a Ferry signature did not verify: %v", err)
			}
		}

		// X-Signature alone.
		x := http.Header{}
		x.Set("X-Signature", signing.XSignature(key, body))
		if err := v.Verify(x, body); err != nil {
			t.Fatalf("X-Signature did not verify: %v", err)
		}

		// Any change is refused.
		if len(body) > 0 {
			tampered := append([]byte(nil), body...)
			tampered[len(tampered)/2] ^= 0x01
			if err := v.Verify(h, tampered); id != "" && !errors.Is(err, webhook.ErrNoMatch) {
				t.Fatalf("a tampered body: %v, want ErrNoMatch", err)
			}
			if err := v.Verify(x, tampered); !errors.Is(err, webhook.ErrNoMatch) {
				t.Fatalf("a tampered body under X-Signature: %v, want ErrNoMatch", err)
			}
		}
		other := append([]byte(nil), key...)
		other[0] ^= 0x80
		w, _ := webhook.NewVerifier("whsec_" + base64.StdEncoding.EncodeToString(other))
		w.Now = v.Now
		if err := w.Verify(h, body); id != "" && !errors.Is(err, webhook.ErrNoMatch) {
			t.Fatalf("another key: %v, want ErrNoMatch", err)
		}
		h.Set("webhook-id", id+"x")
		if err := v.Verify(h, body); !errors.Is(err, webhook.ErrNoMatch) {
			t.Fatalf("another id: %v, want ErrNoMatch", err)
		}
	})
}
