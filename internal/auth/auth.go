// Package auth turns bearer tokens into viewers: the admin token from
// FERRY_ADMIN_TOKEN, and account tokens, stored only as SHA-256 hashes.
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
	"slices"
	"strings"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/accounttoken"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/apperr"
	"github.com/ferryhq/ferry/internal/batch"
	"github.com/ferryhq/ferry/internal/viewer"
)

// TokenPrefix starts every account token, so secret scanners recognise them.
const TokenPrefix = "fry_"

// lastUsedResolution bounds how often a token's lastUsedAt is written.
const lastUsedResolution = time.Minute

// ErrInvalidToken means a token was sent but is unknown or revoked.
var ErrInvalidToken = fmt.Errorf("%w: invalid or revoked token", viewer.ErrUnauthenticated)

// NewToken returns a fresh account token, its hash and its hint (last 4 chars).
func NewToken() (token, hash, hint string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", fmt.Errorf("new token: %w", err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
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
	now       func() time.Time
	// Concurrent requests look their tokens up in one query. Each request
	// still reads the database, so a revoked token fails on the next one.
	lookups *batch.Batcher[string, *ent.AccountToken]
}

// NewAuthenticator returns an Authenticator for the admin token and the
// account tokens in client's database.
func NewAuthenticator(client *ent.Client, adminToken string) *Authenticator {
	a := &Authenticator{client: client, adminHash: sha256.Sum256([]byte(adminToken)), now: time.Now}
	a.lookups = batch.New(a.lookUp, batch.Options{})
	return a
}

// lookUp finds the unrevoked tokens with the given hashes; an unknown or
// revoked one is nil.
func (a *Authenticator) lookUp(ctx context.Context, hashes []string) ([]*ent.AccountToken, error) {
	// Concurrent requests mostly carry the same few tokens: each is asked
	// for once, so the statement has a parameter per token, not one per
	// request (a hundred took PostgreSQL ~1 ms to parse and plan).
	distinct := slices.Compact(slices.Sorted(slices.Values(hashes)))
	found, err := a.client.AccountToken.Query().
		Where(accounttoken.TokenHashIn(distinct...), accounttoken.RevokedAtIsNil()).
		All(viewer.System(ctx))
	if err != nil {
		return nil, fmt.Errorf("look up %d tokens: %w", len(hashes), err)
	}
	return batch.InOrder(hashes, found, func(t *ent.AccountToken) string { return t.TokenHash }), nil
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
	if !strings.HasPrefix(token, TokenPrefix) {
		return viewer.Viewer{}, ErrInvalidToken
	}
	t, err := a.lookups.Do(ctx, HashToken(token))
	if err != nil {
		return viewer.Viewer{}, fmt.Errorf("look up token: %w", err)
	}
	if t == nil {
		return viewer.Viewer{}, ErrInvalidToken
	}
	a.touch(viewer.System(ctx), t)
	return viewer.Viewer{Role: viewer.RoleAccount, AccountID: t.AccountID, TokenID: t.ID}, nil
}

// touch records when a token was last used, at most once a minute per token.
func (a *Authenticator) touch(ctx context.Context, t *ent.AccountToken) {
	now := a.now()
	if t.LastUsedAt != nil && now.Sub(*t.LastUsedAt) < lastUsedResolution {
		return
	}
	// Best effort: failing to record usage must not fail the request.
	_ = a.client.AccountToken.UpdateOneID(t.ID).SetLastUsedAt(now).Exec(ctx)
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
