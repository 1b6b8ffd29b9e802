package sqlstore

// An attempt row records what one HTTP request to a receiver sent and got:
// the history every screen and resend relies on.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

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
