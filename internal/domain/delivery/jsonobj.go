package delivery

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// headersJSON is flatten(h) as a JSON object with its keys sorted, the way
// encoding/json writes it (and so ent stores it), written straight from h
// without reflection or the map: SaveMany writes two of these for every
// attempt. Like encoding/json, it writes invalid UTF-8 as U+FFFD; it
// writes NUL as U+FFFD too, because PostgreSQL's jsonb refuses \u0000
// (flatten already did that to header values).
func headersJSON(h http.Header) string {
	keys := make([]string, 0, len(h))
	n := 2
	for k, vs := range h {
		keys = append(keys, k)
		n += len(k) + 6
		for _, v := range vs {
			n += len(v) + 2
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		jsonString(&b, k)
		b.WriteByte(':')
		jsonString(&b, flatValue(h[k]))
	}
	b.WriteByte('}')
	return b.String()
}

// jsonString writes s as a JSON string: quotes, backslashes and control
// characters escaped; other characters as they are.
func jsonString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteString(s[start:i])
				b.WriteString(`\ufffd`)
				start = i + 1
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b.WriteString(s[start:i])
		switch c {
		case 0:
			b.WriteString(`\ufffd`)
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
		i++
		start = i
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
