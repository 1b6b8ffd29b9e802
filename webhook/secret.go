package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// secretPrefix starts every secret Ferry shows, as in Standard Webhooks.
const secretPrefix = "whsec_"

// minKeyBytes rejects secrets too short to be a real one (Ferry's are 32
// bytes, Standard Webhooks' 24 to 64): most likely a truncated copy, or the
// key's 4-character hint pasted instead of its secret.
const minKeyBytes = 16

// decodeSecret returns the HMAC key of a secret as Ferry shows it: "whsec_"
// and standard base64. The prefix may be left out, as Standard Webhooks
// libraries allow. Errors never quote the secret.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.TrimPrefix(strings.TrimSpace(secret), secretPrefix)
	if s == "" {
		return nil, fmt.Errorf("%w: it is empty", ErrBadSecret)
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: want whsec_ followed by standard base64, as Ferry shows it", ErrBadSecret)
	}
	if len(key) < minKeyBytes {
		return nil, fmt.Errorf("%w: it decodes to %d bytes, want at least %d (Ferry's are 32)", ErrBadSecret, len(key), minKeyBytes)
	}
	return key, nil
}

// Sign returns the webhook-signature value ("v1,<base64>") that Ferry would
// send for a message with this id, timestamp and body, signed with secret.
// Receivers use it to build signed requests in their own tests.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(standardMAC(key, id, strconv.FormatInt(ts.Unix(), 10), body)), nil
}

// standardMAC is HMAC-SHA256 of "{id}.{timestamp}.{body}", with timestamp
// exactly as it appears in the header.
func standardMAC(key []byte, id, timestamp string, body []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac.Sum(nil)
}

// bodyMAC is HMAC-SHA256 of the body alone, X-Signature's content.
func bodyMAC(key, body []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	return mac.Sum(nil)
}
