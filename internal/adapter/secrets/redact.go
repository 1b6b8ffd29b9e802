package secrets

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Mask leads every redacted value. No header value Ferry accepts starts with
// it, so a value that does is one Ferry showed, sent back.
const Mask = "••••"

// Redact is how a secret value is shown: Mask and its last 4 characters, or
// Mask alone when it has 4 characters or fewer, which would show it whole.
func Redact(v string) string {
	n := utf8.RuneCountInString(v)
	if n <= 4 {
		return Mask
	}
	i := len(v)
	for range 4 {
		_, size := utf8.DecodeLastRuneInString(v[:i])
		i -= size
	}
	return Mask + v[i:]
}

// Redacted reports whether v looks like a value Redact made.
func Redacted(v string) bool { return strings.HasPrefix(v, Mask) }

// RedactMap is m with every value redacted; never nil.
func RedactMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = Redact(v)
	}
	return out
}

// SealMap seals m as a JSON object; an empty map seals to nil, stored as
// nothing.
func (b *Box) SealMap(m map[string]string) ([]byte, error) {
	if len(m) == 0 {
		return nil, nil
	}
	plain, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	return b.Seal(plain)
}

// OpenColumn opens a sealed map read from a nullable column: NULL opens to
// an empty map.
func (b *Box) OpenColumn(sealed *[]byte) (map[string]string, error) {
	if sealed == nil {
		return map[string]string{}, nil
	}
	return b.OpenMap(*sealed)
}

// OpenMap opens what SealMap sealed; nil opens to an empty map.
func (b *Box) OpenMap(sealed []byte) (map[string]string, error) {
	m := map[string]string{}
	if len(sealed) == 0 {
		return m, nil
	}
	plain, err := b.Open(sealed)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("%w (not a sealed map)", ErrOpen)
	}
	return m, nil
}
