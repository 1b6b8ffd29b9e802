// AutoDisable switches off webhook configurations whose deliveries
// keep failing, and tells the account so through an event.
//
// The rule, checked whenever an automatic attempt leaves a delivery FAILED:
// let lastSuccess be the latest lastAttemptAt of the configuration's
// SUCCEEDED deliveries (none if it never succeeded), and the failures its
// FAILED deliveries created after lastSuccess. The configuration is switched
// off when all of these hold, for now and After:
//
//   - it is ACTIVE;
//   - it has at least MinFailures failures;
//   - the oldest failure was created at or before now - After: that is when
//     it started failing (failingSince);
//   - no delivery has succeeded since failingSince, which holds by
//     construction: every failure was created after lastSuccess.
//
// Activation pings and test events are deliveries too: one that succeeded
// shows the endpoint works, so activating a configuration again starts
// afresh; one that failed is a failure. Switching off is Configs.DeactivateIfActive: the
// configuration turns INACTIVE with a disabledReason and its waiting
// deliveries are CANCELLED in one transaction, only while it is still ACTIVE,
// so of several workers racing exactly one switches it off and only that one
// publishes notices.ConfigurationDisabled to the account's configurations
// that subscribe to it.
//
// Cost: the failures are read through the (configuration_id, created_at)
// index from lastSuccess on, stopping after MinFailures of them; lastSuccess
// through the (configuration_id, status, last_attempt_at) index (migration
// 0003). MinInterval bounds how often one process checks one configuration.
// Counting all failures and finding the last one happen only when switching
// off.
package maintenance

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/deliveryattempt"
	"github.com/ferryhq/ferry/ent/predicate"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/configurations"
	"github.com/ferryhq/ferry/internal/domain/notices"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

const (
	// DefaultMinInterval is how often NewAutoDisable's checks looks at one
	// configuration at most: against a 72 h rule a minute's delay is
	// nothing, and a failing endpoint with heavy traffic ends a delivery
	// many times a second.
	DefaultMinInterval = time.Minute
	// maxReason is the length limit of configuration.disabled_reason.
	maxReason = 1000
	// maxErrorText bounds the last error quoted in the reason.
	maxErrorText = 300
	// timeFormat is how times appear in events' data, as sentDate does.
	timeFormat = "2006-01-02T15:04:05.000Z"
	// maxRemembered bounds the throttle's memory of checked configurations.
	maxRemembered = 10_000
)

// AutoDisable decides, after a delivery failed, whether its configuration has
// failed long enough to be switched off, and switches it off.
type AutoDisable struct {
	Client  *ent.Client
	Configs *configurations.Service
	Notices *notices.Notifier
	Logger  *slog.Logger // slog.Default when nil
	// After is how long a configuration must have been failing; 0 or less
	// switches nothing off.
	After time.Duration
	// MinFailures is how many failed deliveries it takes at least (1 when
	// less).
	MinFailures int
	// MinInterval is the least time between two checks of one configuration
	// by AfterFailure; 0 checks after every failure. Check is never
	// throttled.
	MinInterval time.Duration
	// Redis, when set, elects one process per pass of Run; Interval is
	// the time between passes (DefaultAutoDisableInterval when 0).
	Redis    redis.UniversalClient
	Interval time.Duration

	now     func() time.Time
	mu      sync.Mutex
	checked map[pulid.ID]time.Time
}

// SetClock replaces the clock that decides how long a configuration has
// been failing.
func (c *AutoDisable) SetClock(now func() time.Time) { c.now = now }

// NewAutoDisable returns an AutoDisable with DefaultMinInterval, or nil (which switches
// nothing off) when after is 0 or less.
func NewAutoDisable(client *ent.Client, c *configurations.Service, n *notices.Notifier, logger *slog.Logger, after time.Duration, minFailures int) *AutoDisable {
	if after <= 0 {
		return nil
	}
	return &AutoDisable{Client: client, Configs: c, Notices: n, Logger: logger,
		After: after, MinFailures: minFailures, MinInterval: DefaultMinInterval, now: time.Now}
}

// AfterFailure is the worker's hook, called when an automatic attempt left a
// delivery of configurationID FAILED. It is best effort: errors are logged,
// and the next failure checks again. A nil AutoDisable does nothing.
func (c *AutoDisable) AfterFailure(ctx context.Context, configurationID pulid.ID) {
	if c == nil || c.After <= 0 || !c.due(configurationID) {
		return
	}
	switch disabled, err := c.Check(ctx, configurationID); {
	case err != nil && disabled:
		c.logger().ErrorContext(ctx, "configuration switched off, but its account was not told", "configuration_id", configurationID, "err", err)
	case err != nil:
		c.logger().ErrorContext(ctx, "auto-disable check failed", "configuration_id", configurationID, "err", err)
	}
}

// DefaultAutoDisableInterval is how often Run looks for configurations to
// switch off. AfterFailure checks at each failure; the pass catches those
// whose check was missed (a worker died, the database was down).
const DefaultAutoDisableInterval = 10 * time.Minute

// autoDisableLock elects one process per pass.
const autoDisableLock = "ferry:autodisable:lock"

// autoDisablePage is how many configurations RunOnce reads at a time.
const autoDisablePage = 500

// Run runs RunOnce every Interval until ctx is done. A nil AutoDisable
// returns at once.
func (c *AutoDisable) Run(ctx context.Context) {
	if c == nil || c.After <= 0 {
		return
	}
	interval := cmp.Or(c.Interval, DefaultAutoDisableInterval)
	every(ctx, interval, false, func(ctx context.Context) {
		if !elected(ctx, c.Redis, autoDisableLock, interval, c.logger()) {
			return
		}
		if n, err := c.RunOnce(ctx); err != nil && ctx.Err() == nil {
			c.logger().ErrorContext(ctx, "auto-disable pass failed", "err", err, "switched_off", n)
		}
	})
}

// RunOnce checks every ACTIVE configuration that has a delivery which
// failed before now - After, and returns how many it switched off.
func (c *AutoDisable) RunOnce(ctx context.Context) (int, error) {
	if c == nil || c.After <= 0 {
		return 0, nil
	}
	ctx = viewer.System(ctx)
	cutoff := c.now().Add(-c.After)
	off := 0
	var after pulid.ID
	for ctx.Err() == nil {
		q := c.Client.Configuration.Query().
			Where(configuration.StatusEQ(configuration.StatusACTIVE),
				configuration.HasDeliveriesWith(delivery.StatusEQ(delivery.StatusFAILED), delivery.CreatedAtLTE(cutoff))).
			Order(ent.Asc(configuration.FieldID)).Limit(autoDisablePage)
		if after != "" {
			q.Where(configuration.IDGT(after))
		}
		ids, err := q.IDs(ctx)
		if err != nil {
			return off, fmt.Errorf("auto-disable: configurations failing since %s: %w", cutoff, err)
		}
		for _, id := range ids {
			disabled, err := c.Check(ctx, id)
			if disabled {
				off++
			}
			if err != nil {
				return off, err
			}
		}
		if len(ids) < autoDisablePage {
			return off, nil
		}
		after = ids[len(ids)-1]
	}
	return off, ctx.Err()
}

// Check applies the rule to configurationID and switches it off when it
// holds. disabled reports whether this call switched it off; it is false
// when another caller did so first. An error after switching off means the
// account was not told.
func (c *AutoDisable) Check(ctx context.Context, configurationID pulid.ID) (disabled bool, err error) {
	if c == nil || c.After <= 0 {
		return false, nil
	}
	ctx = viewer.System(ctx)
	log := c.logger().With("configuration_id", configurationID)
	cfg, err := c.Client.Configuration.Get(ctx, configurationID)
	if ent.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("auto-disable: load configuration %s: %w", configurationID, err)
	}
	if cfg.Status != configuration.StatusACTIVE {
		return false, nil
	}
	f, err := c.failing(ctx, configurationID)
	if f == nil || err != nil {
		return false, err
	}
	if err := c.describe(ctx, configurationID, f); err != nil {
		return false, err
	}
	reason := f.reason()
	off, err := c.Configs.DeactivateIfActive(ctx, configurationID, &reason)
	if err != nil {
		return false, fmt.Errorf("auto-disable: %w", err)
	}
	if off == nil {
		log.DebugContext(ctx, "auto-disable: already switched off by someone else")
		return false, nil
	}
	log.WarnContext(ctx, "configuration switched off: its deliveries keep failing",
		"account_id", off.AccountID, "failing_since", f.since, "failed_deliveries", f.count, "last_response_status", f.status)
	err = c.Notices.ConfigurationSwitchedOff(ctx, off, notices.Disabled{
		Cause: notices.CauseAutoDisable, DisabledReason: reason,
		FailingSince: f.since.UTC().Format(timeFormat), FailedDeliveries: f.count,
		LastResponseStatus: f.status, LastError: f.errMsg,
	})
	if err != nil {
		return true, fmt.Errorf("auto-disable: %w", err)
	}
	return true, nil
}

// failure is what the rule found about a configuration that must be
// switched off.
type failure struct {
	since  time.Time // when it started failing: the oldest failure's creation
	count  int       // failed deliveries since then
	status *int      // the last failure's response status, if it got one
	errMsg string    // the last failure's error, if it had one
}

// failing applies the rule and returns nil when the configuration stays on.
func (c *AutoDisable) failing(ctx context.Context, id pulid.ID) (*failure, error) {
	cutoff := c.now().Add(-c.After)
	lastSuccess, err := c.lastSuccess(ctx, id)
	if err != nil {
		return nil, err
	}
	if lastSuccess.After(cutoff) {
		return nil, nil // it worked within After: nothing can be old enough
	}
	failed := []predicate.Delivery{delivery.ConfigurationID(id), delivery.StatusEQ(delivery.StatusFAILED)}
	if !lastSuccess.IsZero() {
		failed = append(failed, delivery.CreatedAtGT(lastSuccess))
	}
	// The first MinFailures failures, in the order of the index: the oldest
	// says since when it fails, and there must be MinFailures of them.
	first, err := c.Client.Delivery.Query().Where(failed...).
		Order(ent.Asc(delivery.FieldCreatedAt)).Limit(c.minFailures()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("auto-disable: failures of %s: %w", id, err)
	}
	if len(first) < c.minFailures() || first[0].CreatedAt.After(cutoff) {
		return nil, nil // too few failures, or failing for less than After
	}
	f := &failure{since: first[0].CreatedAt}
	// Counting them all reads every failure: done once, for the reason.
	if f.count, err = c.Client.Delivery.Query().Where(failed...).Count(ctx); err != nil {
		return nil, fmt.Errorf("auto-disable: count failures of %s: %w", id, err)
	}
	return f, nil
}

// lastSuccess is the latest lastAttemptAt of the configuration's SUCCEEDED
// deliveries, zero if none. A delivery resent by hand long after it was
// created counts when it was attempted, not when it was created.
func (c *AutoDisable) lastSuccess(ctx context.Context, id pulid.ID) (time.Time, error) {
	d, err := c.Client.Delivery.Query().
		Where(delivery.ConfigurationID(id), delivery.StatusEQ(delivery.StatusSUCCEEDED), delivery.LastAttemptAtNotNil()).
		Order(ent.Desc(delivery.FieldLastAttemptAt)).
		First(ctx)
	if ent.IsNotFound(err) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("auto-disable: last success of %s: %w", id, err)
	}
	return *d.LastAttemptAt, nil
}

// describe adds what the last failure got: its response status or error.
func (c *AutoDisable) describe(ctx context.Context, id pulid.ID, f *failure) error {
	// Failures created since the oldest one are all the failures: the
	// range of the index that failing read.
	last, err := c.Client.Delivery.Query().
		Where(delivery.ConfigurationID(id), delivery.StatusEQ(delivery.StatusFAILED),
			delivery.CreatedAtGTE(f.since), delivery.LastAttemptAtNotNil()).
		Order(ent.Desc(delivery.FieldLastAttemptAt)).
		First(ctx)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auto-disable: last failure: %w", err)
	}
	f.status = last.LastResponseStatus
	att, err := c.Client.DeliveryAttempt.Query().
		Where(deliveryattempt.DeliveryID(last.ID)).
		Order(ent.Desc(deliveryattempt.FieldNumber)).
		First(ctx)
	if ent.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auto-disable: last attempt of %s: %w", last.ID, err)
	}
	if att.Error != nil {
		f.errMsg = cut(*att.Error, maxErrorText)
	}
	return nil
}

// reason is the human-readable disabledReason.
func (f *failure) reason() string {
	last := "no response"
	switch {
	case f.status != nil:
		last = fmt.Sprintf("HTTP %d %s", *f.status, http.StatusText(*f.status))
	case f.errMsg != "":
		last = f.errMsg
	}
	return cut(fmt.Sprintf("Switched off by Ferry: every delivery has failed since %s (%d failed deliveries, none succeeded since); the last one got %s.",
		f.since.UTC().Format(time.RFC3339), f.count, last), maxReason)
}

// due reports whether configurationID may be checked now, and if so
// remembers that it was.
func (c *AutoDisable) due(id pulid.ID) bool {
	if c.MinInterval <= 0 {
		return true
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if at, ok := c.checked[id]; ok && now.Sub(at) < c.MinInterval {
		return false
	}
	if c.checked == nil {
		c.checked = map[pulid.ID]time.Time{}
	}
	if len(c.checked) >= maxRemembered {
		for k, at := range c.checked {
			if now.Sub(at) >= c.MinInterval {
				delete(c.checked, k)
			}
		}
	}
	c.checked[id] = now
	return true
}

func (c *AutoDisable) minFailures() int { return max(c.MinFailures, 1) }

func (c *AutoDisable) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

// cut shortens s to at most n bytes (the unit of ent's MaxLen) on a rune
// boundary, marking the cut with "…".
func cut(s string, n int) string {
	const ellipsis = "…"
	if len(s) <= n {
		return s
	}
	end := 0
	for i := range s {
		if i > n-len(ellipsis) {
			break
		}
		end = i
	}
	return s[:end] + ellipsis
}
