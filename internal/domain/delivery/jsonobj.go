package delivery

import (
	"encoding/json"
	"net/http"
	"strings"
)

// headersJSON is flatten(h) as a JSON object, as ent stores it, for
// SaveMany's jsonb columns. A NUL in a name becomes U+FFFD as in a value:
// jsonb refuses \u0000.
func headersJSON(h http.Header) string {
	m := make(map[string]string, len(h))
	for k, vs := range h {
		m[strings.ReplaceAll(k, "\x00", "\uFFFD")] = flatValue(vs)
	}
	b, _ := json.Marshal(m) // a map[string]string always encodes
	return string(b)
}
