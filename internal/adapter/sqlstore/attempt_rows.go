package sqlstore

// An attempt row records what one HTTP request to a receiver sent and got:
// the history every screen and resend relies on.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sender"
)

// recordAttempt stores res as attempt number of delivery d.
func recordAttempt(ctx context.Context, client *ent.Client, d *ent.Delivery, number int, trigger deliveryattempt.Trigger, res sender.Result) (*ent.DeliveryAttempt, error) {
	a, err := create(client, d, number, trigger, res).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record attempt %d of %s: %w", number, d.ID, err)
	}
	return a, nil
}

// row is what an attempt row holds.
type row struct {
	deliveryID, accountID pulid.ID
	configurationID       *pulid.ID
	number                int
	trigger               deliveryattempt.Trigger
	res                   sender.Result // its headers go as flatten stores them
	requestBody           string
	responseBody          string
	errorText             string
}

// rowOf is the row recording res as attempt number of d.
func rowOf(d *ent.Delivery, number int, trigger deliveryattempt.Trigger, res sender.Result) row {
	r := row{deliveryID: d.ID, accountID: d.AccountID, configurationID: d.ConfigurationID,
		number: number, trigger: trigger, res: res,
		requestBody: text(res.RequestBody), responseBody: text(res.ResponseBody)}
	if res.ErrorKind != "" {
		r.errorText = storable(res.Error)
	}
	return r
}

// create is the insert of one attempt row, for recordAttempt.
func create(client *ent.Client, d *ent.Delivery, number int, trigger deliveryattempt.Trigger, res sender.Result) *ent.DeliveryAttemptCreate {
	return rowOf(d, number, trigger, res).create(client)
}

// create is the ent insert of r.
func (r row) create(client *ent.Client) *ent.DeliveryAttemptCreate {
	res := r.res
	c := client.DeliveryAttempt.Create().
		SetAccountID(r.accountID).
		SetDeliveryID(r.deliveryID).
		SetNillableConfigurationID(r.configurationID).
		SetNumber(r.number).
		SetTrigger(r.trigger).
		SetRequestURL(res.RequestURL).
		SetRequestHeaders(flatten(res.RequestHeaders)).
		SetRequestBody(r.requestBody).
		SetResponseBody(r.responseBody).
		SetResponseBodyTruncated(res.BodyTruncated).
		SetDurationMs(int(res.Duration.Milliseconds())).
		SetStartedAt(res.StartedAt)
	if res.StatusCode != 0 {
		c.SetResponseStatus(res.StatusCode).SetResponseHeaders(flatten(res.ResponseHeaders))
	}
	if res.ErrorKind != "" {
		c.SetErrorKind(string(res.ErrorKind)).SetError(r.errorText)
	}
	return c
}

// flatten joins repeated headers with ", " as HTTP allows.
func flatten(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		out[k] = flatValue(vs)
	}
	return out
}

// flatValue is one header's values as flatten stores them.
func flatValue(vs []string) string { return storable(strings.Join(vs, ", ")) }

// text is b as storable text.
func text(b []byte) string { return storable(string(b)) }

// storable makes s storable in a PostgreSQL text column, which refuses NUL
// and invalid UTF-8; receivers may answer with either. Most text is
// neither, and is returned as it is.
func storable(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// headersJSON is flatten(h) as a JSON object with its keys sorted, the way
// encoding/json writes it (and so ent stores it), written straight from h
// without reflection or the map: SaveAttempts writes two of these for every
// attempt, and encoding/json cost 5 % of a busy worker's CPU (BENCHMARKS.md,
// "Libraries instead of home-made code"). Like encoding/json, it writes invalid UTF-8 as U+FFFD; it
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
