// Package secrets encrypts values stored at rest, such as signing-key secrets,
// with AES-256-GCM under the key from FERRY_ENCRYPTION_KEY.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length in bytes of an encryption key (AES-256).
const KeySize = 32

// version leads every sealed value so the format (algorithm, nonce size) can
// change later while values sealed today still open.
const version byte = 1

// nonceSize is the GCM standard nonce; random 96-bit nonces are safe for far
// more seals than one key will ever see here.
const nonceSize = 12

// ErrOpen reports a sealed value that cannot be opened. GCM cannot tell a
// wrong key from tampered data, so neither does this error.
var ErrOpen = errors.New("secrets: cannot open sealed value: wrong key, or data corrupted or tampered with")

// Box seals and opens values with one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// NewBox returns a Box for key, which must be exactly KeySize bytes.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("secrets: key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return &Box{aead: aead}, nil
}

// ParseKey decodes a key given as standard base64 of KeySize bytes, the form
// of FERRY_ENCRYPTION_KEY. Errors never contain the input: it is a secret.
func ParseKey(b64 string) ([]byte, error) {
	// Surrounding whitespace is trimmed because keys pasted from files or
	// `openssl rand -base64 32` often carry a trailing newline.
	b64 = strings.TrimSpace(b64)
	if b64 == "" {
		return nil, errors.New("secrets: key is empty; generate one with `openssl rand -base64 32`")
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		// The decoder's error names only an offset, never the data, but a
		// plain message is clearer and certainly leaks nothing.
		return nil, errors.New("secrets: key is not valid standard base64; generate one with `openssl rand -base64 32`")
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("secrets: key decodes to %d bytes, want %d; generate one with `openssl rand -base64 32`", len(key), KeySize)
	}
	return key, nil
}

// Seal encrypts plaintext and returns version || nonce || ciphertext+tag.
// Every call uses a fresh random nonce, so equal plaintexts seal differently.
func (b *Box) Seal(plaintext []byte) ([]byte, error) {
	out := make([]byte, 1+nonceSize, 1+nonceSize+len(plaintext)+b.aead.Overhead())
	out[0] = version
	nonce := out[1 : 1+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secrets: read nonce: %w", err)
	}
	// The version byte is authenticated as additional data, so a changed
	// header fails like any other tampering.
	return b.aead.Seal(out, nonce, plaintext, out[:1]), nil
}

// Open decrypts a value produced by Seal with the same key. Any failure wraps
// ErrOpen.
func (b *Box) Open(sealed []byte) ([]byte, error) {
	if len(sealed) < 1+nonceSize+b.aead.Overhead() {
		return nil, fmt.Errorf("%w (too short: %d bytes)", ErrOpen, len(sealed))
	}
	if sealed[0] != version {
		return nil, fmt.Errorf("%w (unknown format version %d)", ErrOpen, sealed[0])
	}
	nonce, ciphertext := sealed[1:1+nonceSize], sealed[1+nonceSize:]
	plaintext, err := b.aead.Open(nil, nonce, ciphertext, sealed[:1])
	if err != nil {
		return nil, ErrOpen
	}
	return plaintext, nil
}
