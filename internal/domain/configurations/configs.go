// Package configurations manages webhook configurations: validation, URL
// verification, activation by ping, deactivation and deletion.
package configurations

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/configuration"
	"github.com/ferryhq/ferry/ent/schema"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/live"
	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/domain/catalog"
	"github.com/ferryhq/ferry/internal/domain/delivery"
	"github.com/ferryhq/ferry/internal/domain/signingkeys"
	"github.com/ferryhq/ferry/internal/edge/auth"
)

// verifyTimeout bounds URL verification, as the Verificar URL button does.
const verifyTimeout = 10 * time.Second

// Service manages configurations.
type Service struct {
	client *ent.Client
	keys   *signingkeys.Service
	box    *secrets.Box // seals the static headers
	sender *sender.Sender
	policy netguard.Policy
	live   *live.Notifier
	// attempts sends activation pings and test events.
	attempts *delivery.Service
	now      func() time.Time
	// MaxPerAccount is the most configurations an account may have
	// (FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT); 0 is unlimited.
	MaxPerAccount int
}

// New returns a Service storing static headers sealed by box, sending pings
// and test events through attempts; changes to deliveries are announced on n.
func New(client *ent.Client, k *signingkeys.Service, box *secrets.Box, s *sender.Sender, policy netguard.Policy,
	n *live.Notifier, attempts *delivery.Service) *Service {
	return &Service{client: client, keys: k, box: box, sender: s, policy: policy, live: n, attempts: attempts, now: time.Now}
}

// CreateInput is a new configuration; nil fields take their defaults.
type CreateInput struct {
	AccountID      *pulid.ID         `json:"accountID,omitempty"`
	Name           string            `json:"name"`
	URL            string            `json:"url"`
	SigningKeyID   pulid.ID          `json:"signingKeyID"`
	EventTypes     []string          `json:"eventTypes"`
	MaxParallel    *int              `json:"maxParallel,omitempty"`
	TimeoutSeconds *int              `json:"timeoutSeconds,omitempty"`
	RetrySchedule  []int             `json:"retrySchedule,omitempty"`
	Headers        map[string]string `json:"headers,omitempty"`
}

// UpdateInput changes a configuration; nil fields stay as they are.
type UpdateInput struct {
	Name           *string           `json:"name,omitempty"`
	URL            *string           `json:"url,omitempty"`
	SigningKeyID   *pulid.ID         `json:"signingKeyID,omitempty"`
	EventTypes     []string          `json:"eventTypes,omitempty"`
	MaxParallel    *int              `json:"maxParallel,omitempty"`
	TimeoutSeconds *int              `json:"timeoutSeconds,omitempty"`
	RetrySchedule  []int             `json:"retrySchedule,omitempty"`
	Headers        map[string]string `json:"headers,omitempty"`
}

// VerifyURL calls url as a delivery would and reports how it answered. A URL
// the policy refuses is reported as a failed verification, not an error.
func (s *Service) VerifyURL(ctx context.Context, url string) sender.Result {
	return s.sender.Verify(ctx, url, verifyTimeout)
}

// Create validates in, verifies the URL answers 2xx, and stores the
// configuration INACTIVE.
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.Configuration, error) {
	accountID, err := auth.OwnerAccount(ctx, in.AccountID, "accountID")
	if err != nil {
		return nil, err
	}
	maxParallel := valueOr(in.MaxParallel, defaultParallel)
	timeout := valueOr(in.TimeoutSeconds, defaultTimeoutS)
	schedule := in.RetrySchedule
	if schedule == nil {
		schedule = schema.DefaultRetrySchedule
	}
	headers := in.Headers
	if headers == nil {
		headers = map[string]string{}
	}
	for _, check := range []func() error{
		func() error { return checkName(in.Name) },
		func() error { return s.checkURL(in.URL) },
		func() error { return checkRange("maxParallel", maxParallel, MinParallel, MaxParallel) },
		func() error { return checkRange("timeoutSeconds", timeout, MinTimeout, MaxTimeout) },
		func() error { return checkRetrySchedule(schedule) },
		func() error { return checkHeaders(headers) },
		func() error { return catalog.CheckUsable(ctx, s.client, "eventTypes", in.EventTypes) },
		func() error { _, err := s.keys.Usable(ctx, accountID, in.SigningKeyID, "signingKeyID"); return err },
		// Before the URL is called; checked again, under lock, when saving.
		func() error { return s.checkQuota(ctx, s.client, accountID) },
		func() error { return s.verify(ctx, in.URL) },
	} {
		if err := check(); err != nil {
			return nil, err
		}
	}
	sealed, err := s.box.SealMap(headers)
	if err != nil {
		return nil, fmt.Errorf("create configuration: %w", err)
	}
	var cfg *ent.Configuration
	err = sqlstore.WithAccountLocked(ctx, s.client, accountID, func(tx *ent.Tx) error {
		if err := s.checkQuota(ctx, tx.Client(), accountID); err != nil {
			return err
		}
		c := tx.Configuration.Create().
			SetAccountID(accountID).
			SetName(strings.TrimSpace(in.Name)).
			SetURL(in.URL).
			SetSigningKeyID(in.SigningKeyID).
			SetEventTypes(in.EventTypes).
			SetMaxParallel(maxParallel).
			SetTimeoutSeconds(timeout).
			SetRetrySchedule(schedule).
			SetHeaderHints(secrets.RedactMap(headers))
		if sealed != nil {
			c.SetHeadersEncrypted(sealed)
		}
		cfg, err = c.Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create configuration: %w", err)
	}
	return cfg.Unwrap(), nil
}

// checkQuota refuses one configuration more than the account may have.
func (s *Service) checkQuota(ctx context.Context, client *ent.Client, accountID pulid.ID) error {
	if s.MaxPerAccount <= 0 {
		return nil
	}
	n, err := client.Configuration.Query().Where(configuration.AccountID(accountID)).Count(ctx)
	if err != nil {
		return fmt.Errorf("count configurations of %s: %w", accountID, err)
	}
	if n >= s.MaxPerAccount {
		return apperr.OverQuota("configurations", s.MaxPerAccount, "FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT")
	}
	return nil
}

// Update validates and applies in. A new URL is verified first.
func (s *Service) Update(ctx context.Context, id pulid.ID, in UpdateInput) (*ent.Configuration, error) {
	cfg, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	u := s.client.Configuration.UpdateOne(cfg)
	var checks []func() error
	if in.Name != nil {
		checks = append(checks, func() error { return checkName(*in.Name) })
		u.SetName(strings.TrimSpace(*in.Name))
	}
	if in.MaxParallel != nil {
		checks = append(checks, func() error { return checkRange("maxParallel", *in.MaxParallel, MinParallel, MaxParallel) })
		u.SetMaxParallel(*in.MaxParallel)
	}
	if in.TimeoutSeconds != nil {
		checks = append(checks, func() error { return checkRange("timeoutSeconds", *in.TimeoutSeconds, MinTimeout, MaxTimeout) })
		u.SetTimeoutSeconds(*in.TimeoutSeconds)
	}
	if in.RetrySchedule != nil {
		checks = append(checks, func() error { return checkRetrySchedule(in.RetrySchedule) })
		u.SetRetrySchedule(in.RetrySchedule)
	}
	if in.Headers != nil {
		opened, err := s.box.OpenColumn(cfg.HeadersEncrypted)
		if err != nil {
			return nil, fmt.Errorf("headers of configuration %s: %w", id, err)
		}
		headers := keepStored(in.Headers, opened)
		sealed, err := s.box.SealMap(headers)
		if err != nil {
			return nil, fmt.Errorf("update configuration %s: %w", id, err)
		}
		checks = append(checks, func() error { return checkHeaders(headers) })
		u.SetHeaderHints(secrets.RedactMap(headers))
		if sealed == nil {
			u.ClearHeadersEncrypted()
		} else {
			u.SetHeadersEncrypted(sealed)
		}
	}
	if in.EventTypes != nil {
		checks = append(checks, func() error { return catalog.CheckUsable(ctx, s.client, "eventTypes", in.EventTypes) })
		u.SetEventTypes(in.EventTypes)
	}
	if in.SigningKeyID != nil {
		checks = append(checks, func() error {
			_, err := s.keys.Usable(ctx, cfg.AccountID, *in.SigningKeyID, "signingKeyID")
			return err
		})
		u.SetSigningKeyID(*in.SigningKeyID)
	}
	if in.URL != nil && *in.URL != cfg.URL {
		checks = append(checks, func() error { return s.checkURL(*in.URL) }, func() error { return s.verify(ctx, *in.URL) })
		u.SetURL(*in.URL)
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return nil, err
		}
	}
	cfg, err = u.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("update configuration %s: %w", id, err)
	}
	return cfg, nil
}

// Delete makes a configuration gone for every client and stops its
// deliveries: waiting ones are cancelled. Its row stays, marked deleted
// (softdelete) and stripped of its headers, so its history keeps the
// configuration's id and name, and can still be filtered by it.
func (s *Service) Delete(ctx context.Context, id pulid.ID) error {
	if _, err := s.get(ctx, id); err != nil {
		return err
	}
	var cancelled []*ent.Delivery
	err := sqlstore.WithTx(ctx, s.client, func(tx *ent.Tx) error {
		// Inactive first: a worker that read it active sends nothing more
		// once its cache (a second) has it anew.
		n, err := tx.Configuration.Update().Where(configuration.ID(id), configuration.DeletedAtIsNil()).
			SetDeletedAt(s.now()).SetStatus(configuration.StatusINACTIVE).
			SetHeaderHints(map[string]string{}).ClearHeadersEncrypted().
			Save(ctx)
		if err != nil {
			return fmt.Errorf("delete configuration %s: %w", id, err)
		}
		if n == 0 {
			return apperr.Missing("configuration " + string(id))
		}
		cancelled, err = delivery.CancelWaiting(ctx, tx.Client(), id, s.now())
		return err
	})
	if err != nil {
		return err
	}
	s.live.Deliveries(ctx, cancelled...)
	return nil
}

// Deactivate stops deliveries to a configuration; waiting ones are cancelled
// (they can be resent by hand). Events published while it is inactive never
// reach it.
func (s *Service) Deactivate(ctx context.Context, id pulid.ID, reason *string) (*ent.Configuration, error) {
	if _, err := s.get(ctx, id); err != nil {
		return nil, err
	}
	cfg, err := s.deactivate(ctx, id, reason, false)
	if err == nil && cfg == nil {
		// Deleted since it was read.
		return nil, apperr.Missing("configuration " + string(id))
	}
	return cfg, err
}

// DeactivateIfActive is Deactivate for Ferry itself: it changes only a
// configuration that is still ACTIVE, so of callers racing to switch one
// off exactly one does. It returns nil and no error when the configuration
// is not ACTIVE (or no longer exists).
func (s *Service) DeactivateIfActive(ctx context.Context, id pulid.ID, reason *string) (*ent.Configuration, error) {
	return s.deactivate(ctx, id, reason, true)
}

// deactivate turns the configuration INACTIVE with reason and cancels its
// waiting deliveries, in one transaction; with onlyActive, only while it is
// ACTIVE. It returns nil when nothing was changed.
func (s *Service) deactivate(ctx context.Context, id pulid.ID, reason *string, onlyActive bool) (*ent.Configuration, error) {
	var (
		cfg       *ent.Configuration
		cancelled []*ent.Delivery
	)
	err := sqlstore.WithTx(ctx, s.client, func(tx *ent.Tx) error {
		u := tx.Configuration.Update().Where(configuration.ID(id))
		if onlyActive {
			u.Where(configuration.StatusEQ(configuration.StatusACTIVE))
		}
		n, err := u.SetStatus(configuration.StatusINACTIVE).SetNillableDisabledReason(reason).Save(ctx)
		if err != nil || n == 0 {
			return err
		}
		if cfg, err = tx.Configuration.Get(ctx, id); err != nil {
			return err
		}
		cancelled, err = delivery.CancelWaiting(ctx, tx.Client(), id, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("deactivate configuration %s: %w", id, err)
	}
	if cfg == nil {
		return nil, nil
	}
	s.live.Deliveries(ctx, cancelled...)
	return cfg.Unwrap(), nil
}

func (s *Service) get(ctx context.Context, id pulid.ID) (*ent.Configuration, error) {
	cfg, err := s.client.Configuration.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("configuration " + string(id))
	}
	if err != nil {
		return nil, fmt.Errorf("load configuration %s: %w", id, err)
	}
	return cfg, nil
}

func (s *Service) checkURL(raw string) error {
	if _, err := s.policy.CheckURL(raw); err != nil {
		return apperr.Invalid("url", "%s", strings.TrimPrefix(err.Error(), "url: "))
	}
	return nil
}

func (s *Service) verify(ctx context.Context, url string) error {
	res := s.VerifyURL(ctx, url)
	if !res.OK() {
		return apperr.Invalid("url", "verification failed: %s (the URL must answer 2xx)", describe(res))
	}
	return nil
}

func valueOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// pingData is the body of an activation ping's data.
func pingData(cfg *ent.Configuration) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"configurationId": cfg.ID,
		"message":         "Ferry activation ping",
		"eventTypes":      slices.Clone(cfg.EventTypes),
	})
	return b
}
