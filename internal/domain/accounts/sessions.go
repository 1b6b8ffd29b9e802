package accounts

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/consolesession"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/domain/branding"
	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// Bounds of a console session's lifetime, in seconds, and its default.
const (
	minSessionTTL     = 60
	maxSessionTTL     = 86400
	defaultSessionTTL = 3600
	maxReturnURLBytes = 2048
)

// SessionInput is createConsoleSession's input.
type SessionInput struct {
	AccountID    pulid.ID
	Capabilities []viewer.Capability
	TTLSeconds   *int
	ReturnURL    *string
	Branding     *branding.Branding
}

// CreateSession mints a console session for an account; its token is
// returned once. now is the clock the session expires by (the
// authenticator's, so both agree).
func CreateSession(ctx context.Context, client *ent.Client, in SessionInput, now time.Time) (*ent.ConsoleSession, string, error) {
	ttl := defaultSessionTTL
	if in.TTLSeconds != nil {
		ttl = *in.TTLSeconds
	}
	if ttl < minSessionTTL || ttl > maxSessionTTL {
		return nil, "", apperr.Invalid("ttlSeconds", "must be from %d to %d seconds, got %d", minSessionTTL, maxSessionTTL, ttl)
	}
	if in.ReturnURL != nil && *in.ReturnURL != "" {
		if err := checkReturnURL(*in.ReturnURL); err != nil {
			return nil, "", err
		}
	}
	if in.Branding != nil {
		if err := in.Branding.Check("branding."); err != nil {
			return nil, "", err
		}
	}
	if _, err := client.Account.Get(ctx, in.AccountID); err != nil {
		if ent.IsNotFound(err) {
			return nil, "", apperr.Invalid("accountID", "no account %s", in.AccountID)
		}
		return nil, "", fmt.Errorf("create console session: %w", err)
	}
	token, hash, hint, err := auth.NewSessionToken()
	if err != nil {
		return nil, "", err
	}
	create := client.ConsoleSession.Create().
		SetAccountID(in.AccountID).SetTokenHash(hash).SetHint(hint).
		SetCapabilities(capabilities(in.Capabilities)).
		// To the millisecond, so the payload shows what the database keeps.
		SetExpiresAt(now.Add(time.Duration(ttl) * time.Second).Truncate(time.Millisecond))
	if in.ReturnURL != nil && *in.ReturnURL != "" {
		create.SetReturnURL(*in.ReturnURL)
	}
	if b := in.Branding; b != nil {
		create.SetNillableBrandingName(b.Name).SetNillableBrandingLogoURL(b.LogoURL).SetNillableBrandingPrimaryColor(b.PrimaryColor)
	}
	s, err := create.Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("create console session for %s: %w", in.AccountID, err)
	}
	return s, token, nil
}

// capabilities puts READ, which every session holds, in what was asked
// for, once each, in the API's order.
func capabilities(asked []viewer.Capability) []viewer.Capability {
	out := []viewer.Capability{}
	for _, c := range viewer.AllCapabilities {
		if c == viewer.CapRead || slices.Contains(asked, c) {
			out = append(out, c)
		}
	}
	return out
}

// checkReturnURL accepts only absolute http(s) URLs: the console navigates
// to it, so javascript: or data: would run script in its origin.
func checkReturnURL(raw string) error {
	if len(raw) > maxReturnURLBytes {
		return apperr.Invalid("returnURL", "must be at most %d bytes", maxReturnURLBytes)
	}
	if err := apperr.CheckText("returnURL", raw, maxReturnURLBytes); err != nil {
		return err
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apperr.Invalid("returnURL", "must be an absolute http:// or https:// URL")
	}
	return nil
}

// SessionBranding is s's own branding; unset values are nil.
func SessionBranding(s *ent.ConsoleSession) branding.Branding {
	return branding.Branding{Name: s.BrandingName, LogoURL: s.BrandingLogoURL, PrimaryColor: s.BrandingPrimaryColor}
}

// RevokeSession ends a console session at once; revoking twice is harmless
// and keeps the first time. Account tokens may revoke their own account's
// sessions; any other behaves as not found.
func RevokeSession(ctx context.Context, client *ent.Client, id pulid.ID, now time.Time) (*ent.ConsoleSession, error) {
	s, err := client.ConsoleSession.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("console session " + string(id))
	}
	if err != nil {
		return nil, fmt.Errorf("revoke console session %s: %w", id, err)
	}
	if s.RevokedAt != nil {
		return s, nil
	}
	err = client.ConsoleSession.Update().
		Where(consolesession.ID(id), consolesession.RevokedAtIsNil()).
		SetRevokedAt(now).
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("revoke console session %s: %w", id, err)
	}
	return client.ConsoleSession.Get(ctx, id)
}
