package history

import (
	"context"
	"fmt"
	"math"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/predicate"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// Interval is the width of a stats bucket.
type Interval string

// The intervals stats are cut into.
const (
	Hour Interval = "HOUR"
	Day  Interval = "DAY"
)

// Bounds of a stats window: an hourly chart covers at most a week, a daily
// one at most 90 days, so a chart is at most 168 buckets.
const (
	maxHourlyWindow = 7 * 24 * time.Hour
	maxDailyWindow  = 90 * 24 * time.Hour
	// DefaultWindow is the window when none is given: the last 24 hours.
	DefaultWindow = 24 * time.Hour
)

func (i Interval) width() time.Duration {
	if i == Day {
		return 24 * time.Hour
	}
	return time.Hour
}

// StatsInput chooses a window; nil fields take their defaults (the 24
// hours before now, by the hour).
type StatsInput struct {
	Since    *time.Time
	Until    *time.Time
	Interval *Interval
}

// Stats are deliveries by status over a window, of one configuration or
// of every configuration the viewer sees. Buckets and latencies are read
// only when asked for.
type Stats struct {
	ConfigurationID *pulid.ID
	Since, Until    time.Time
	Interval        Interval
	Counts
}

// Counts are deliveries created in a window, by status.
type Counts struct {
	Total, Succeeded, Failed, Pending, Retrying, Cancelled int
}

// SuccessRate is the share of deliveries that ended which succeeded; nil
// when none ended.
func (c Counts) SuccessRate() *float64 {
	ended := c.Succeeded + c.Failed
	if ended == 0 {
		return nil
	}
	r := float64(c.Succeeded) / float64(ended)
	return &r
}

// Bucket is one interval of a window, by status.
type Bucket struct {
	Start time.Time
	Counts
}

// Latency is the last attempt's duration of deliveries attempted in a window,
// at three percentiles, in milliseconds; nil when none was attempted.
type Latency struct {
	P50Ms, P95Ms, P99Ms *int
}

// StatsFor counts configurationID's deliveries (every visible one's when
// nil) over in's window, refusing windows it cannot chart.
func StatsFor(ctx context.Context, client *ent.Client, configurationID *pulid.ID, in StatsInput, now time.Time) (*Stats, error) {
	s := &Stats{ConfigurationID: configurationID, Until: now, Interval: Hour}
	if in.Interval != nil {
		s.Interval = *in.Interval
	}
	if in.Until != nil {
		s.Until = *in.Until
	}
	s.Since = s.Until.Add(-DefaultWindow)
	if in.Since != nil {
		s.Since = *in.Since
	}
	longest := maxHourlyWindow
	if s.Interval == Day {
		longest = maxDailyWindow
	}
	switch {
	case s.Interval != Hour && s.Interval != Day:
		return nil, apperr.Invalid("interval", "must be HOUR or DAY")
	case !s.Since.Before(s.Until):
		return nil, apperr.Invalid("since", "must be before until")
	case s.Until.Sub(s.Since) > longest:
		return nil, apperr.Invalid("since", "a window by the %s spans at most %s", s.Interval, longest)
	}
	c, err := count(ctx, client, s.where(s.Since, s.Until))
	if err != nil {
		return nil, err
	}
	s.Counts = c
	return s, nil
}

// where selects the deliveries of s created in [from, to).
func (s *Stats) where(from, to time.Time) []predicate.Delivery {
	ps := []predicate.Delivery{delivery.CreatedAtGTE(from), delivery.CreatedAtLT(to)}
	if s.ConfigurationID != nil {
		ps = append(ps, delivery.ConfigurationID(*s.ConfigurationID))
	}
	return ps
}

// Buckets cuts the window into intervals, oldest first, empty ones
// included, so a chart has a point for each.
func (s *Stats) Buckets(ctx context.Context, client *ent.Client) ([]*Bucket, error) {
	width := s.Interval.width()
	secs := int64(width.Seconds())
	var rows []struct {
		Bucket  int64           `json:"bucket"`
		Created *time.Time      `json:"created"`
		Status  delivery.Status `json:"status"`
		Count   int             `json:"count"`
	}
	err := client.Delivery.Query().Where(s.where(s.Since, s.Until)...).Modify(func(sel *entsql.Selector) {
		sqlstore.CountByInterval(sel, delivery.FieldCreatedAt, delivery.FieldStatus, secs)
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count deliveries by %s: %w", s.Interval, err)
	}
	byStart := map[int64]*Bucket{}
	var out []*Bucket
	for from := s.Since.UTC().Truncate(width); from.Before(s.Until); from = from.Add(width) {
		b := &Bucket{Start: from}
		byStart[from.Unix()/secs] = b
		out = append(out, b)
	}
	for _, r := range rows {
		if r.Created != nil {
			r.Bucket = r.Created.Unix() / secs
		}
		if b := byStart[r.Bucket]; b != nil {
			b.add(r.Status, r.Count)
		}
	}
	return out, nil
}

// Latency reads the percentiles of the last attempt's duration.
func (s *Stats) Latency(ctx context.Context, client *ent.Client) (*Latency, error) {
	attempted := append(s.where(s.Since, s.Until), delivery.LastDurationMsNotNil())
	n, err := client.Delivery.Query().Where(attempted...).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("count attempted deliveries: %w", err)
	}
	l := &Latency{}
	if n == 0 {
		return l, nil
	}
	for _, p := range []struct {
		q   float64
		out **int
	}{{0.50, &l.P50Ms}, {0.95, &l.P95Ms}, {0.99, &l.P99Ms}} {
		// The nearest-rank percentile: the value with that share of the
		// durations at or below it.
		rank := max(int(math.Ceil(p.q*float64(n)))-1, 0)
		ms, err := client.Delivery.Query().Where(attempted...).
			Order(ent.Asc(delivery.FieldLastDurationMs)).Offset(rank).Limit(1).
			Select(delivery.FieldLastDurationMs).Int(ctx)
		if err != nil {
			return nil, fmt.Errorf("latency p%g: %w", p.q*100, err)
		}
		*p.out = &ms
	}
	return l, nil
}

// count counts the deliveries ps selects, by status, in one query.
func count(ctx context.Context, client *ent.Client, ps []predicate.Delivery) (Counts, error) {
	var rows []struct {
		Status delivery.Status `json:"status"`
		Count  int             `json:"count"`
	}
	err := client.Delivery.Query().Where(ps...).GroupBy(delivery.FieldStatus).Aggregate(ent.Count()).Scan(ctx, &rows)
	if err != nil {
		return Counts{}, fmt.Errorf("count deliveries by status: %w", err)
	}
	var c Counts
	for _, r := range rows {
		c.add(r.Status, r.Count)
	}
	return c, nil
}

// add counts n deliveries of status.
func (c *Counts) add(status delivery.Status, n int) {
	c.Total += n
	switch status {
	case delivery.StatusSUCCEEDED:
		c.Succeeded += n
	case delivery.StatusFAILED:
		c.Failed += n
	case delivery.StatusPENDING:
		c.Pending += n
	case delivery.StatusRETRYING:
		c.Retrying += n
	case delivery.StatusCANCELLED:
		c.Cancelled += n
	}
}
