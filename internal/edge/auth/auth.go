// Package auth turns bearer tokens into viewers: the admin token from
// FERRY_ADMIN_TOKEN, and account tokens and console session tokens, stored
// only as SHA-256 hashes.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/accounttoken"
	"github.com/ferryhq/ferry/ent/consolesession"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/coalesce"
)

// TokenPrefix starts every account token, so secret scanners recognise them.
const TokenPrefix = "fry_"

// SessionTokenPrefix starts every console session token.
const SessionTokenPrefix = "fcs_"

// lastUsedResolution bounds how often a token's lastUsedAt is written.
const lastUsedResolution = time.Minute

// ErrInvalidToken means a token was sent but is unknown or revoked.
var ErrInvalidToken = fmt.Errorf("%w: invalid or revoked token", viewer.ErrUnauthenticated)

// ErrSessionEnded means a console session token was sent after its session
// expired or was revoked.
var ErrSessionEnded = fmt.Errorf("%w: the console session has ended (expired or revoked); open the console again from your application", viewer.ErrUnauthenticated)

// NewToken returns a fresh account token, its hash and its hint (last 4 chars).
func NewToken() (token, hash, hint string, err error) { return newToken(TokenPrefix) }

// NewSessionToken returns a fresh console session token, its hash and its hint.
func NewSessionToken() (token, hash, hint string, err error) { return newToken(SessionTokenPrefix) }

func newToken(prefix string) (token, hash, hint string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", fmt.Errorf("new token: %w", err)
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), token[len(token)-4:], nil
}

// HashToken is how tokens are stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Authenticator resolves bearer tokens.
type Authenticator struct {
	client    *ent.Client
	adminHash [sha256.Size]byte
	now       atomic.Pointer[func() time.Time]
	// Concurrent requests that miss the cache look their tokens up in one
	// query.
	lookups  *coalesce.Batcher[string, *ent.AccountToken]
	sessions *coalesce.Batcher[string, *ent.ConsoleSession]
	// cache keeps account tokens while revocations reach it through
	// Redis; nil reads the database on every request.
	cache *tokenCache
}

// NewAuthenticator returns an Authenticator for the admin token and the
// account tokens in client's database. With rdb, it keeps the tokens it
// has seen, and hears of revocations through rdb (Close stops that).
func NewAuthenticator(client *ent.Client, adminToken string, rdb *redis.Client, logger *slog.Logger) *Authenticator {
	a := &Authenticator{client: client, adminHash: sha256.Sum256([]byte(adminToken))}
	if rdb != nil {
		a.cache = newTokenCache(rdb, logger)
	}
	a.SetClock(time.Now)
	a.lookups = coalesce.New(a.lookUp, coalesce.Options{})
	a.sessions = coalesce.New(a.lookUpSessions, coalesce.Options{})
	return a
}

// SetClock replaces the clock that decides whether a console session has
// expired, so tests can move past an expiry without waiting for it.
func (a *Authenticator) SetClock(now func() time.Time) { a.now.Store(&now) }

// Now is the authenticator's clock.
func (a *Authenticator) Now() time.Time { return (*a.now.Load())() }

// lookUpSessions finds the console sessions with the given hashes, ended
// ones included so that their holders learn the session ended; an unknown
// one is nil.
func (a *Authenticator) lookUpSessions(ctx context.Context, hashes []string) ([]*ent.ConsoleSession, error) {
	distinct := slices.Compact(slices.Sorted(slices.Values(hashes)))
	found, err := a.client.ConsoleSession.Query().
		Where(consolesession.TokenHashIn(distinct...)).
		All(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("look up %d console sessions: %w", len(hashes), err)
	}
	return coalesce.InOrder(hashes, found, func(s *ent.ConsoleSession) string { return s.TokenHash }), nil
}

// authenticateSession returns the viewer of a console session token.
func (a *Authenticator) authenticateSession(ctx context.Context, token string) (viewer.Viewer, error) {
	s, err := a.sessions.Do(ctx, HashToken(token))
	switch {
	case err != nil:
		return viewer.Viewer{}, fmt.Errorf("look up console session: %w", err)
	case s == nil:
		return viewer.Viewer{}, ErrInvalidToken
	case s.RevokedAt != nil || !a.Now().Before(s.ExpiresAt):
		return viewer.Viewer{}, ErrSessionEnded
	}
	return viewer.Viewer{Role: viewer.RoleAccount, AccountID: s.AccountID, SessionID: s.ID, Capabilities: s.Capabilities, SessionExpiresAt: s.ExpiresAt}, nil
}

// lookUp finds the unrevoked tokens with the given hashes; an unknown or
// revoked one is nil.
func (a *Authenticator) lookUp(ctx context.Context, hashes []string) ([]*ent.AccountToken, error) {
	// Concurrent requests mostly carry the same few tokens: each is asked
	// for once, so the statement has a parameter per token, not one per
	// request, and stays cheap to plan.
	distinct := slices.Compact(slices.Sorted(slices.Values(hashes)))
	found, err := a.client.AccountToken.Query().
		Where(accounttoken.TokenHashIn(distinct...), accounttoken.RevokedAtIsNil()).
		All(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("look up %d tokens: %w", len(hashes), err)
	}
	return coalesce.InOrder(hashes, found, func(t *ent.AccountToken) string { return t.TokenHash }), nil
}

// Authenticate returns the viewer for an Authorization header value
// ("Bearer <token>", or the bare token as websocket clients send it).
func (a *Authenticator) Authenticate(ctx context.Context, header string) (viewer.Viewer, error) {
	token := strings.TrimSpace(header)
	if scheme, rest, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "bearer") {
		token = strings.TrimSpace(rest)
	}
	if token == "" {
		return viewer.Viewer{}, fmt.Errorf("%w: no token", viewer.ErrUnauthenticated)
	}
	// Compare hashes so the comparison takes the same time whatever the length.
	given := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(given[:], a.adminHash[:]) == 1 {
		return viewer.Viewer{Role: viewer.RoleAdmin}, nil
	}
	if strings.HasPrefix(token, SessionTokenPrefix) {
		return a.authenticateSession(ctx, token)
	}
	if !strings.HasPrefix(token, TokenPrefix) {
		return viewer.Viewer{}, ErrInvalidToken
	}
	hash := HashToken(token)
	t, gen := a.cache.get(hash)
	if t == nil {
		var err error
		if t, err = a.lookups.Do(ctx, hash); err != nil {
			return viewer.Viewer{}, fmt.Errorf("look up token: %w", err)
		}
		if t == nil {
			return viewer.Viewer{}, ErrInvalidToken
		}
		a.cache.put(hash, t, gen)
	}
	a.touch(viewer.System(ctx), hash, t)
	return viewer.Viewer{Role: viewer.RoleAccount, AccountID: t.AccountID, TokenID: t.ID}, nil
}

// touch records when a token was last used, at most once a minute per token.
func (a *Authenticator) touch(ctx context.Context, hash string, t *ent.AccountToken) {
	now := a.Now()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < lastUsedResolution {
		return
	}
	a.cache.touched(hash, t, now)
	// Best effort: failing to record usage must not fail the request.
	_ = a.client.AccountToken.UpdateOneID(t.ID).SetLastUsedAt(now).Exec(ctx)
}

// Revoked forgets the account token id, here and, through Redis, in every
// process: the next request carrying it reads the database, which says it
// is revoked. RevokeToken calls it once the revocation is stored.
func (a *Authenticator) Revoked(ctx context.Context, id pulid.ID) { a.cache.revoked(ctx, id) }

// Close stops hearing of revocations.
func (a *Authenticator) Close() {
	if a != nil {
		a.cache.close()
	}
}

// OwnerAccount resolves which account an operation acts for. An account token
// always acts for its own account (naming another one behaves as not found);
// the admin token must name the account in field.
func OwnerAccount(ctx context.Context, requested *pulid.ID, field string) (pulid.ID, error) {
	v, ok := viewer.FromContext(ctx)
	if !ok {
		return "", viewer.ErrUnauthenticated
	}
	if v.Role == viewer.RoleAccount {
		if requested != nil && *requested != "" && *requested != v.AccountID {
			return "", apperr.Missing("account " + string(*requested))
		}
		return v.AccountID, nil
	}
	if requested == nil || *requested == "" {
		return "", apperr.Invalid(field, "is required with the admin token")
	}
	return *requested, nil
}

// IsUnauthenticated reports whether err means the caller has no valid token.
func IsUnauthenticated(err error) bool { return errors.Is(err, viewer.ErrUnauthenticated) }
