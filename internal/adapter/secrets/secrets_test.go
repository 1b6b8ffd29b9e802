package secrets

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"maps"
	"strings"
	"testing"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key
}

func newBox(t *testing.T) *Box {
	t.Helper()
	b, err := NewBox(newKey(t))
	if err != nil {
		t.Fatalf("NewBox: %v", err)
	}
	return b
}

func TestSealOpenRoundTrip(t *testing.T) {
	b := newBox(t)
	tests := []struct {
		desc      string
		plaintext []byte
	}{
		{desc: "empty", plaintext: []byte{}},
		{desc: "signing secret", plaintext: []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")},
		{desc: "binary", plaintext: bytes.Repeat([]byte{0, 0xff, 7}, 1000)},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			sealed, err := b.Seal(tc.plaintext)
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			if sealed[0] != 1 {
				t.Errorf("sealed[0] = %d, want format version 1", sealed[0])
			}
			if want := 1 + 12 + len(tc.plaintext) + 16; len(sealed) != want {
				t.Errorf("len(sealed) = %d, want %d (version + nonce + ciphertext + tag)", len(sealed), want)
			}
			got, err := b.Open(sealed)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Errorf("Open(Seal(p)) = %q, want %q", got, tc.plaintext)
			}
		})
	}
}

func TestOpenDetectsTampering(t *testing.T) {
	b := newBox(t)
	sealed, err := b.Seal([]byte("whsec_secret"))
	if err != nil {
		t.Fatal(err)
	}
	// Flipping any single byte (version, nonce, ciphertext or tag) must be caught.
	for i := range sealed {
		tampered := bytes.Clone(sealed)
		tampered[i] ^= 0x01
		if got, err := b.Open(tampered); !errors.Is(err, ErrOpen) {
			t.Errorf("byte %d flipped: Open = %q, %v; want ErrOpen", i, got, err)
		}
	}
	for _, n := range []int{0, 1, 13, len(sealed) - 1} {
		if _, err := b.Open(sealed[:n]); !errors.Is(err, ErrOpen) {
			t.Errorf("truncated to %d bytes: err = %v, want ErrOpen", n, err)
		}
	}
	if _, err := b.Open(append(bytes.Clone(sealed), 0)); !errors.Is(err, ErrOpen) {
		t.Errorf("extended by one byte: err = %v, want ErrOpen", err)
	}
}

func TestOpenWithWrongKeyFails(t *testing.T) {
	sealed, err := newBox(t).Seal([]byte("whsec_secret"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := newBox(t).Open(sealed); !errors.Is(err, ErrOpen) {
		t.Errorf("Open with another key = %q, %v; want ErrOpen", got, err)
	}
}

func TestSealIsRandomized(t *testing.T) {
	b := newBox(t)
	p := []byte("same plaintext")
	s1, err := b.Seal(p)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := b.Seal(p)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(s1, s2) {
		t.Error("two seals of the same plaintext are identical; the nonce must be random")
	}
}

func TestSealHidesPlaintext(t *testing.T) {
	b := newBox(t)
	p := []byte("whsec_this-must-not-appear-in-the-database")
	sealed, err := b.Seal(p)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, p) || bytes.Contains(sealed, p[6:20]) {
		t.Error("sealed value contains the plaintext")
	}
}

func TestNewBoxRejectsBadKeySizes(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := NewBox(make([]byte, n)); err == nil {
			t.Errorf("NewBox(%d-byte key) succeeded, want error", n)
		}
	}
}

func TestParseKey(t *testing.T) {
	key := newKey(t)
	good := base64.StdEncoding.EncodeToString(key)
	tests := []struct {
		desc    string
		in      string
		wantErr string // substring; "" means success
	}{
		{desc: "standard base64 of 32 bytes", in: good},
		{desc: "trailing newline from a file", in: good + "\n"},
		{desc: "empty", in: "", wantErr: "key is empty"},
		{desc: "not base64", in: "not*base64*at*all!!secretvalue", wantErr: "not valid standard base64"},
		{desc: "url-safe alphabet", in: base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb, 0xff}, 16)), wantErr: "not valid standard base64"},
		{desc: "16 bytes", in: base64.StdEncoding.EncodeToString(key[:16]), wantErr: "decodes to 16 bytes, want 32"},
		{desc: "33 bytes", in: base64.StdEncoding.EncodeToString(append(key, 1)), wantErr: "decodes to 33 bytes, want 32"},
		{desc: "hex instead of base64", in: strings.Repeat("ab", 32), wantErr: "decodes to 48 bytes, want 32"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			got, err := ParseKey(tc.in)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseKey: %v", err)
				}
				if !bytes.Equal(got, key) {
					t.Errorf("ParseKey returned a different key")
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseKey succeeded, want error containing %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
			if tc.in != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) {
				t.Errorf("error %q echoes the key", err)
			}
		})
	}
}

func TestRedactShowsOnlyTheLastFourCharacters(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Basic dXNlcjpwYXNz", "••••YXNz"},
		{"abcde", "••••bcde"},
		{"abcd", "••••"}, // shown whole otherwise
		{"a", "••••"},
		{"", "••••"},
		{"clé-çàêñ", "••••çàêñ"}, // characters, not bytes
	}
	for _, tc := range tests {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !Redacted(Redact(tc.in)) {
			t.Errorf("Redacted(Redact(%q)) = false", tc.in)
		}
	}
	if Redacted("Bearer abc") {
		t.Error(`Redacted("Bearer abc") = true, want false`)
	}
}

func TestSealMapRoundTrip(t *testing.T) {
	b := newBox(t)
	m := map[string]string{"Authorization": "Basic dXNlcjpwYXNz", "X-Team": "billing"}
	sealed, err := b.SealMap(m)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("dXNlcjpwYXNz")) || bytes.Contains(sealed, []byte("billing")) {
		t.Fatal("the sealed map holds a value in the clear")
	}
	got, err := b.OpenMap(sealed)
	if err != nil || len(got) != 2 || got["Authorization"] != m["Authorization"] || got["X-Team"] != "billing" {
		t.Fatalf("OpenMap = %v, %v; want %v", got, err, m)
	}
	if none, err := b.SealMap(map[string]string{}); none != nil || err != nil {
		t.Errorf("SealMap(empty) = %v, %v; want nil: nothing to store", none, err)
	}
	if empty, err := b.OpenMap(nil); err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("OpenMap(nil) = %v, %v; want an empty map", empty, err)
	}
	if empty, err := b.OpenColumn(nil); err != nil || empty == nil || len(empty) != 0 {
		t.Errorf("OpenColumn(nil) = %v, %v; want an empty map", empty, err)
	}
	if got, err := b.OpenColumn(&sealed); err != nil || !maps.Equal(got, m) {
		t.Errorf("OpenColumn(&sealed) = %v, %v; want %v", got, err, m)
	}
	if _, err := newBox(t).OpenMap(sealed); !errors.Is(err, ErrOpen) {
		t.Errorf("OpenMap with another key: %v, want ErrOpen", err)
	}
}
