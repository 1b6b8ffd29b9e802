package publish

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel/attribute"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// MaxEventsPerCall bounds one PublishMany.
const MaxEventsPerCall = 100

// PublishMany publishes several events in one call, as many publishes at
// once would: it returns their events in order. Every input is checked
// first, so bad input stores nothing and names the input at fault
// ("input[3].data"). The events without an idempotency key join the group
// commit of concurrent publishes; each keyed one is stored as Publish
// stores it (without checking it twice), so a key seen before returns its
// first event. A database failure midway may leave some stored: keys make
// a retry safe.
func (p *Publisher) PublishMany(ctx context.Context, ins []Input) ([]*ent.Event, error) {
	ctx, span := telemetry.StartSpan(ctx, "ferry.publish_many", attribute.Int("ferry.events", len(ins)))
	defer span.End()
	if len(ins) == 0 || len(ins) > MaxEventsPerCall {
		return nil, apperr.Invalid("input", "must hold 1 to %d events, got %d", MaxEventsPerCall, len(ins))
	}
	reqs := make([]request, len(ins))
	trace := telemetry.Traceparent(ctx)
	for i, in := range ins {
		accountID, err := p.checked(ctx, in)
		if err == nil {
			err = p.checkType(ctx, in.Type)
		}
		if err != nil {
			p.Metrics.PublishFailed()
			return nil, at(i, err)
		}
		reqs[i] = request{accountID: accountID, in: in, trace: trace}
	}
	out := make([]*ent.Event, len(ins))
	var grouped []request
	var where []int // index in ins of each of grouped
	for i, r := range reqs {
		if r.in.IdempotencyKey == nil {
			grouped = append(grouped, r)
			where = append(where, i)
		}
	}
	saved, errs := p.group.DoAll(ctx, grouped)
	for j, s := range saved {
		if errs[j] != nil {
			p.Metrics.PublishFailed()
			return nil, at(where[j], errs[j])
		}
		p.published(ctx, s.event, s.deliveries)
		out[where[j]] = s.event
	}
	for i, r := range reqs {
		if r.in.IdempotencyKey == nil {
			continue
		}
		s, _, err := p.publishChecked(ctx, r.accountID, r.in)
		if err != nil {
			p.Metrics.PublishFailed()
			return nil, at(i, err)
		}
		out[i] = s.event
	}
	return out, nil
}

// at names input i in err, when err is about bad input.
func at(i int, err error) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.BadInput {
		return fmt.Errorf("input[%d]: %w", i, err)
	}
	c := *ae
	if ae.Field == "" {
		c.Field, c.Message = fmt.Sprintf("input[%d]", i), fmt.Sprintf("input[%d]: %s", i, ae.Message)
	} else {
		c.Field, c.Message = fmt.Sprintf("input[%d].%s", i, ae.Field), fmt.Sprintf("input[%d].%s", i, ae.Message)
	}
	return &c
}
