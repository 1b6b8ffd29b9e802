package apptest

import (
	"encoding/json"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// Seeded is one delivery stored straight in the database, to stand for days
// of history a test cannot wait for.
type Seeded struct {
	Status    delivery.Status
	Created   time.Time
	Attempted time.Time // zero: never attempted
	Code      int       // last response status; 0: none
	Error     string    // the last attempt's error; "": no attempt row
}

// SeedDeliveries stores ds as deliveries of cfg, each of an event of its
// own of eventType. Waiting ones (PENDING, RETRYING) are due at due.
func (e *Env) SeedDeliveries(cfg *ent.Configuration, eventType string, due time.Time, ds ...Seeded) []*ent.Delivery {
	e.T.Helper()
	ctx := viewer.System(e.T.Context())
	client := e.App.Client
	out := make([]*ent.Delivery, 0, len(ds))
	for _, s := range ds {
		evt := client.Event.Create().SetAccountID(cfg.AccountID).SetType(eventType).
			SetData(json.RawMessage(`{"seeded":true}`)).SetOccurredAt(s.Created).SetCreatedAt(s.Created).
			SaveX(ctx)
		c := client.Delivery.Create().SetAccountID(cfg.AccountID).SetEventID(evt.ID).SetConfigurationID(cfg.ID).
			SetConfigurationName(cfg.Name).SetEventType(eventType).SetURL(cfg.URL).SetStatus(s.Status).SetCreatedAt(s.Created).SetUpdatedAt(s.Created)
		if !s.Attempted.IsZero() {
			c.SetAttemptCount(1).SetLastAttemptAt(s.Attempted).SetLastDurationMs(5)
		}
		if s.Code != 0 {
			c.SetLastResponseStatus(s.Code)
		}
		if s.Status == delivery.StatusPENDING || s.Status == delivery.StatusRETRYING {
			c.SetNextAttemptAt(due)
		}
		d := c.SaveX(ctx)
		if s.Error != "" {
			client.DeliveryAttempt.Create().SetAccountID(cfg.AccountID).SetDeliveryID(d.ID).
				SetConfigurationID(cfg.ID).SetNumber(1).SetTrigger(deliveryattempt.TriggerAUTOMATIC).
				SetRequestURL(cfg.URL).SetRequestHeaders(map[string]string{}).SetRequestBody("{}").
				SetDurationMs(5).SetStartedAt(s.Attempted).SetErrorKind("connect").SetError(s.Error).
				SaveX(ctx)
		}
		out = append(out, d)
	}
	return out
}

// FailedBetween are n FAILED deliveries created evenly from first to last
// (both included), each failing with 500 a minute after it was created.
func FailedBetween(n int, first, last time.Time) []Seeded {
	ds := make([]Seeded, n)
	for i := range ds {
		created := first
		if n > 1 {
			created = first.Add(last.Sub(first) * time.Duration(i) / time.Duration(n-1))
		}
		ds[i] = Seeded{Status: delivery.StatusFAILED, Created: created, Attempted: created.Add(time.Minute), Code: 500}
	}
	return ds
}
