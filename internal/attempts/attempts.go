// Package attempts records what one HTTP request to a receiver sent and got,
// as a DeliveryAttempt row: the history every screen and resend relies on.
package attempts

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/internal/sender"
)

// Record stores res as attempt number of delivery d.
func Record(ctx context.Context, client *ent.Client, d *ent.Delivery, number int, trigger deliveryattempt.Trigger, res sender.Result) (*ent.DeliveryAttempt, error) {
	a, err := create(client, d, number, trigger, res).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("record attempt %d of %s: %w", number, d.ID, err)
	}
	return a, nil
}

// create is the insert of one attempt row, for Record and SaveMany.
func create(client *ent.Client, d *ent.Delivery, number int, trigger deliveryattempt.Trigger, res sender.Result) *ent.DeliveryAttemptCreate {
	c := client.DeliveryAttempt.Create().
		SetAccountID(d.AccountID).
		SetDeliveryID(d.ID).
		SetNillableConfigurationID(d.ConfigurationID).
		SetNumber(number).
		SetTrigger(trigger).
		SetRequestURL(res.RequestURL).
		SetRequestHeaders(flatten(res.RequestHeaders)).
		SetRequestBody(text(res.RequestBody)).
		SetResponseBody(text(res.ResponseBody)).
		SetResponseBodyTruncated(res.BodyTruncated).
		SetDurationMs(int(res.Duration.Milliseconds())).
		SetStartedAt(res.StartedAt)
	if res.StatusCode != 0 {
		c.SetResponseStatus(res.StatusCode).SetResponseHeaders(flatten(res.ResponseHeaders))
	}
	if res.ErrorKind != "" {
		c.SetErrorKind(string(res.ErrorKind)).SetError(text([]byte(res.Error)))
	}
	return c
}

// flatten joins repeated headers with ", " as HTTP allows.
func flatten(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		out[k] = text([]byte(strings.Join(vs, ", ")))
	}
	return out
}

// text makes bytes storable in a PostgreSQL text column, which refuses NUL
// and invalid UTF-8; receivers may answer with either.
func text(b []byte) string {
	return strings.ReplaceAll(strings.ToValidUTF8(string(b), "\uFFFD"), "\x00", "\uFFFD")
}
