// Package sender builds, signs and sends one webhook request, and reports
// exactly what was sent and received. verifyURL, activation pings and every
// delivery go through it.
package sender

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/adapter/sender/signing"
)

// sentDateLayout is RFC 3339 in UTC with milliseconds, e.g. 2023-08-31T18:34:23.023Z.
const sentDateLayout = "2006-01-02T15:04:05.000Z"

// Message is one request to a receiver.
type Message struct {
	URL     string
	Timeout time.Duration
	// Headers are the configuration's static headers, as sent; Ferry's own
	// win. The Result records them redacted.
	Headers         map[string]string
	EventID         string
	EventType       string
	Data            json.RawMessage
	OccurredAt      time.Time
	ConfigurationID string
	DeliveryID      string
	Attempt         int
	// Keys are decoded signing secrets, each signing webhook-signature; the
	// first also signs X-Signature (signingkeys.Secrets puts the previous secret
	// first during a rotation's overlap). None means the request is not signed.
	Keys [][]byte
	// Now stamps webhook-timestamp; time.Now when nil.
	Now func() time.Time
}

// Body is the JSON a receiver gets. The same inputs always give the same
// bytes, so every retry and resend carries a byte-identical body. Written
// by hand: encoding/json's reflection cost 5 % of a busy worker's CPU
// (BENCHMARKS.md, "Libraries instead of home-made code").
func Body(eventID, eventType string, data json.RawMessage, occurredAt time.Time) []byte {
	if len(bytes.TrimSpace(data)) == 0 {
		data = json.RawMessage("{}")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		compact.Reset()
		compact.WriteString("{}")
	}
	id, typ := jsonString(eventID), jsonString(eventType)
	var b bytes.Buffer
	b.Grow(64 + len(id) + len(typ) + compact.Len())
	b.WriteString(`{"id":`)
	b.Write(id)
	b.WriteString(`,"event":`)
	b.Write(typ)
	b.WriteString(`,"data":`)
	b.Write(compact.Bytes())
	b.WriteString(`,"sentDate":"`)
	out := occurredAt.UTC().AppendFormat(b.Bytes(), sentDateLayout)
	return append(out, `"}`...)
}

// jsonString is s as encoding/json writes it. Event ids and types are
// plain ASCII, written between quotes as they are; anything else goes
// through encoding/json, so the bytes never change.
func jsonString(s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s)
			return b
		}
	}
	b := make([]byte, 0, len(s)+2)
	return append(append(append(b, '"'), s...), '"')
}

// headers builds the request headers: static ones first, then Ferry's.
// Ferry's are set under their canonical names, their values sharing one
// array: a request's headers are a dozen allocations fewer that way.
func (s *Sender) headers(m Message, body []byte) http.Header {
	h := make(http.Header, len(m.Headers)+12)
	for k, v := range m.Headers {
		if !ReservedHeader(k) {
			h.Set(k, v)
		}
	}
	values := make([]string, 0, 10)
	set := func(name, value string) {
		values = append(values, value)
		h[name] = values[len(values)-1 : len(values) : len(values)]
	}
	set("Content-Type", "application/json")
	set("User-Agent", s.userAgent)
	if m.EventID != "" {
		set("X-Ferry-Event-Id", m.EventID)
		set("Webhook-Id", m.EventID)
	}
	if m.ConfigurationID != "" {
		set("X-Ferry-Configuration-Id", m.ConfigurationID)
	}
	if m.DeliveryID != "" {
		set("X-Ferry-Delivery-Id", m.DeliveryID)
	}
	if m.Attempt > 0 {
		set("X-Ferry-Attempt", strconv.Itoa(m.Attempt))
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	ts := now().Unix()
	set("Webhook-Timestamp", strconv.FormatInt(ts, 10))
	if len(m.Keys) > 0 {
		set("X-Signature", signing.XSignature(m.Keys[0], body))
		set("Webhook-Signature", signing.StandardSignatures(m.Keys, m.EventID, ts, body))
	}
	return h
}

// reserved are the headers Ferry sets itself, or that would change how the
// request is framed, encoded or routed; configurations cannot set them.
var reserved = map[string]bool{
	"content-type": true, "content-length": true, "content-encoding": true, "host": true, "user-agent": true,
	"x-signature": true, "expect": true,
	"transfer-encoding": true, "connection": true, "te": true, "upgrade": true, "trailer": true,
	"keep-alive": true, "proxy-authorization": true, "proxy-connection": true,
	"traceparent": true, "tracestate": true,
}

// ReservedHeader reports whether name is a header Ferry sets itself; the
// webhook-* (Standard Webhooks) and X-Ferry-* names are all Ferry's.
func ReservedHeader(name string) bool {
	n := strings.ToLower(name)
	return reserved[n] || strings.HasPrefix(n, "x-ferry-") || strings.HasPrefix(n, "webhook-")
}

// recorded is h as an attempt records it: the configuration's static
// headers, which are credentials, redacted; Ferry's own as they were sent.
func recorded(h http.Header, static map[string]string) http.Header {
	var out http.Header
	for name, value := range static {
		if ReservedHeader(name) {
			continue // never sent
		}
		if out == nil {
			out = maps.Clone(h) // h itself went out with the request
		}
		out[http.CanonicalHeaderKey(name)] = []string{secrets.Redact(value)}
	}
	if out == nil {
		return h
	}
	return out
}

// ValidHeaderName reports whether name is an RFC 9110 token of at most
// 256 bytes, the longest name a configuration may give.
func ValidHeaderName(name string) bool {
	return len(name) <= 256 && httpguts.ValidHeaderFieldName(name)
}
