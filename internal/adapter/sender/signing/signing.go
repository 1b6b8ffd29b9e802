// Package signing computes the signatures receivers check: X-Signature (hex
// HMAC-SHA256 of the body) and Standard Webhooks' webhook-signature.
package signing

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SecretPrefix starts every signing secret, as in Standard Webhooks.
const SecretPrefix = "whsec_"

// NewSecret returns "whsec_" + base64 of 32 random bytes.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// DecodeSecret returns the key bytes of a secret (with or without its prefix).
func DecodeSecret(secret string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return nil, errors.New("secret is not whsec_ followed by base64")
	}
	if len(b) == 0 {
		return nil, errors.New("secret is empty")
	}
	return b, nil
}

// XSignature is the lowercase hex HMAC-SHA256 of body.
func XSignature(key, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// StandardSignature is "v1," + base64 HMAC-SHA256 of "{msgID}.{timestamp}.{body}".
func StandardSignature(key []byte, msgID string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// StandardSignatures signs with every key, space-separated, as during rotation.
func StandardSignatures(keys [][]byte, msgID string, timestamp int64, body []byte) string {
	sigs := make([]string, len(keys))
	for i, k := range keys {
		sigs[i] = StandardSignature(k, msgID, timestamp, body)
	}
	return strings.Join(sigs, " ")
}
