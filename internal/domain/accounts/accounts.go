// Package accounts creates tenants, their API tokens and console sessions
// (admin operations; the privacy policy refuses them to account tokens).
package accounts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/accounttoken"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/auth"
)

// maxNameLength bounds the name of an account or a token, in characters.
const maxNameLength = 200

// Create makes an account and its first token, which is returned once.
func Create(ctx context.Context, client *ent.Client, name string) (*ent.Account, string, error) {
	if err := apperr.CheckName("name", name, maxNameLength); err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	var (
		acc   *ent.Account
		token string
	)
	err := sqlstore.WithTx(ctx, client, func(tx *ent.Tx) error {
		var err error
		if acc, err = tx.Account.Create().SetName(name).Save(ctx); err != nil {
			return fmt.Errorf("create account: %w", err)
		}
		_, token, err = createToken(ctx, tx.Client(), acc.ID, "default")
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return acc.Unwrap(), token, nil
}

// CreateToken makes another token for an account; the token is returned once.
func CreateToken(ctx context.Context, client *ent.Client, accountID pulid.ID, name string) (*ent.AccountToken, string, error) {
	if err := apperr.CheckName("name", name, maxNameLength); err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	if _, err := client.Account.Get(ctx, accountID); err != nil {
		if ent.IsNotFound(err) {
			return nil, "", apperr.Missing("account " + string(accountID))
		}
		return nil, "", fmt.Errorf("create token: %w", err)
	}
	return createToken(ctx, client, accountID, name)
}

func createToken(ctx context.Context, client *ent.Client, accountID pulid.ID, name string) (*ent.AccountToken, string, error) {
	token, hash, hint, err := auth.NewToken()
	if err != nil {
		return nil, "", err
	}
	t, err := client.AccountToken.Create().
		SetAccountID(accountID).SetName(name).SetTokenHash(hash).SetHint(hint).
		Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("create token for %s: %w", accountID, err)
	}
	return t, token, nil
}

// maxTokens bounds the token list of one account.
const maxTokens = 1000

// Tokens lists an account's tokens, newest first: names, hints and dates,
// never the tokens. An account token lists its own account's; the admin
// token names the account.
func Tokens(ctx context.Context, client *ent.Client, requested *pulid.ID) ([]*ent.AccountToken, error) {
	accountID, err := auth.OwnerAccount(ctx, requested, "accountID")
	if err != nil {
		return nil, err
	}
	tokens, err := client.AccountToken.Query().
		Where(accounttoken.AccountID(accountID)).
		Order(ent.Desc(accounttoken.FieldCreatedAt), ent.Desc(accounttoken.FieldID)).
		Limit(maxTokens).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list tokens of %s: %w", accountID, err)
	}
	return tokens, nil
}

// Revocations hears of revoked tokens: the processes' token caches.
type Revocations interface {
	Revoked(ctx context.Context, id pulid.ID)
}

// RevokeToken revokes a token at once: the next request carrying it is
// UNAUTHENTICATED (once stored, the revocation goes to every process's
// token cache through tokens). Revoking twice is harmless and keeps the
// first revocation time. Account tokens may revoke their own account's
// tokens, themselves included.
func RevokeToken(ctx context.Context, client *ent.Client, tokens Revocations, id pulid.ID, now time.Time) (*ent.AccountToken, error) {
	t, err := client.AccountToken.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("account token " + string(id))
	}
	if err != nil {
		return nil, fmt.Errorf("revoke token %s: %w", id, err)
	}
	if t.RevokedAt != nil {
		return t, nil
	}
	// Conditional, so a concurrent revocation keeps its time; either way
	// the stored row is the answer.
	err = client.AccountToken.Update().
		Where(accounttoken.ID(id), accounttoken.RevokedAtIsNil()).
		SetRevokedAt(now).
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("revoke token %s: %w", id, err)
	}
	tokens.Revoked(ctx, id)
	return client.AccountToken.Get(ctx, id)
}
