// Package keys manages signing keys: secrets are made here, shown once,
// stored encrypted, rotated with a 24 h overlap, and decrypted for signing.
package keys

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/ent/signingkey"
	"github.com/ferryhq/ferry/internal/apperr"
	"github.com/ferryhq/ferry/internal/auth"
	"github.com/ferryhq/ferry/internal/secrets"
	"github.com/ferryhq/ferry/internal/signing"
	"github.com/ferryhq/ferry/internal/store"
)

// RotationOverlap is how long the previous secret keeps signing after a rotation.
const RotationOverlap = 24 * time.Hour

// Service manages signing keys.
type Service struct {
	client *ent.Client
	box    *secrets.Box
	now    func() time.Time
	// MaxPerAccount is the most unrevoked keys an account may have
	// (FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT); 0 is unlimited.
	MaxPerAccount int
}

// New returns a Service storing secrets sealed by box.
func New(client *ent.Client, box *secrets.Box) *Service {
	return &Service{client: client, box: box, now: time.Now}
}

// CreateInput names a new key; AccountID is for the admin token only.
type CreateInput struct {
	Name      string    `json:"name"`
	AccountID *pulid.ID `json:"accountID,omitempty"`
}

// Create makes a key and returns it with its secret, which is never shown again.
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.SigningKey, string, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		return nil, "", apperr.Invalid("name", "must be 1-200 characters")
	}
	accountID, err := auth.OwnerAccount(ctx, in.AccountID, "accountID")
	if err != nil {
		return nil, "", err
	}
	secret, sealed, err := s.newSecret()
	if err != nil {
		return nil, "", err
	}
	var k *ent.SigningKey
	err = store.WithAccountLocked(ctx, s.client, accountID, func(tx *ent.Tx) error {
		if err := s.checkQuota(ctx, tx.Client(), accountID); err != nil {
			return err
		}
		k, err = tx.SigningKey.Create().
			SetAccountID(accountID).SetName(name).
			SetSecretEncrypted(sealed).SetHint(hint(secret)).
			Save(ctx)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("create signing key: %w", err)
	}
	return k.Unwrap(), secret, nil
}

// checkQuota refuses one unrevoked key more than the account may have.
func (s *Service) checkQuota(ctx context.Context, client *ent.Client, accountID pulid.ID) error {
	if s.MaxPerAccount <= 0 {
		return nil
	}
	n, err := client.SigningKey.Query().Where(signingkey.AccountID(accountID), signingkey.RevokedAtIsNil()).Count(ctx)
	if err != nil {
		return fmt.Errorf("count signing keys of %s: %w", accountID, err)
	}
	if n >= s.MaxPerAccount {
		return apperr.OverQuota("signing keys", s.MaxPerAccount, "FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT")
	}
	return nil
}

// Rotate gives a key a new secret; the old one keeps signing, as a second
// signature, for RotationOverlap so receivers can switch without losing events.
func (s *Service) Rotate(ctx context.Context, id pulid.ID) (*ent.SigningKey, string, error) {
	k, err := s.get(ctx, id)
	if err != nil {
		return nil, "", err
	}
	if k.RevokedAt != nil {
		return nil, "", apperr.Invalid("id", "signing key %s is revoked", id)
	}
	secret, sealed, err := s.newSecret()
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	k, err = s.client.SigningKey.UpdateOne(k).
		SetPreviousSecretEncrypted(k.SecretEncrypted).
		SetPreviousExpiresAt(now.Add(RotationOverlap)).
		SetSecretEncrypted(sealed).SetHint(hint(secret)).SetRotatedAt(now).
		Save(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("rotate signing key %s: %w", id, err)
	}
	return k, secret, nil
}

// Revoke stops a key from signing. Revoking twice is harmless.
func (s *Service) Revoke(ctx context.Context, id pulid.ID) (*ent.SigningKey, error) {
	k, err := s.get(ctx, id)
	if err != nil || k.RevokedAt != nil {
		return k, err
	}
	k, err = s.client.SigningKey.UpdateOne(k).SetRevokedAt(s.now()).ClearPreviousSecretEncrypted().Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("revoke signing key %s: %w", id, err)
	}
	return k, nil
}

// Usable returns the key id unless it is missing, another account's or revoked;
// field names the input that referred to it.
func (s *Service) Usable(ctx context.Context, id pulid.ID, field string) (*ent.SigningKey, error) {
	k, err := s.client.SigningKey.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.Invalid(field, "signing key %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("load signing key %s: %w", id, err)
	}
	if k.RevokedAt != nil {
		return nil, apperr.Invalid(field, "signing key %s is revoked", id)
	}
	return k, nil
}

// Secrets returns the decoded secrets a key signs with: the current one first,
// then the previous one while its overlap lasts.
func (s *Service) Secrets(k *ent.SigningKey) ([][]byte, error) {
	if k.RevokedAt != nil {
		return nil, fmt.Errorf("signing key %s is revoked", k.ID)
	}
	cur, err := s.open(k.SecretEncrypted)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	out := [][]byte{cur}
	if k.PreviousSecretEncrypted != nil && k.PreviousExpiresAt != nil && s.now().Before(*k.PreviousExpiresAt) {
		prev, err := s.open(*k.PreviousSecretEncrypted)
		if err != nil {
			return nil, fmt.Errorf("signing key %s (previous): %w", k.ID, err)
		}
		out = append(out, prev)
	}
	return out, nil
}

func (s *Service) get(ctx context.Context, id pulid.ID) (*ent.SigningKey, error) {
	k, err := s.client.SigningKey.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("signing key " + string(id))
	}
	if err != nil {
		return nil, fmt.Errorf("load signing key %s: %w", id, err)
	}
	return k, nil
}

func (s *Service) newSecret() (secret string, sealed []byte, err error) {
	secret, err = signing.NewSecret()
	if err != nil {
		return "", nil, fmt.Errorf("new secret: %w", err)
	}
	sealed, err = s.box.Seal([]byte(secret))
	if err != nil {
		return "", nil, fmt.Errorf("seal secret: %w", err)
	}
	return secret, sealed, nil
}

func (s *Service) open(sealed []byte) ([]byte, error) {
	plain, err := s.box.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("decrypt secret: %w", err)
	}
	return signing.DecodeSecret(string(plain))
}

func hint(secret string) string { return secret[len(secret)-4:] }
