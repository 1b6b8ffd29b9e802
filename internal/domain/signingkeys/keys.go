// Package signingkeys manages signing keys: secrets are made here, shown once,
// stored encrypted, rotated with a 24 h overlap, and decrypted for signing.
//
// During the overlap webhook-signature carries a signature with each secret,
// and X-Signature, which holds one, keeps the previous secret: its receivers
// switch at the time the API announces (SigningKey.xSignatureSwitchesAt),
// when they are ready, rather than break at the rotation.
package signingkeys

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/ent/signingkey"
	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/adapter/sender/signing"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/auth"
)

// RotationOverlap is how long the previous secret keeps signing after a rotation.
const RotationOverlap = 24 * time.Hour

// maxNameLength bounds a key's name, in characters.
const maxNameLength = 200

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

// SetClock replaces the clock rotations and their overlaps are timed by.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// CreateInput names a new key; AccountID is for the admin token only.
type CreateInput struct {
	Name      string    `json:"name"`
	AccountID *pulid.ID `json:"accountID,omitempty"`
}

// Create makes a key and returns it with its secret, which is never shown again.
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.SigningKey, string, error) {
	if err := apperr.CheckName("name", in.Name, maxNameLength); err != nil {
		return nil, "", err
	}
	name := strings.TrimSpace(in.Name)
	accountID, err := auth.OwnerAccount(ctx, in.AccountID, "accountID")
	if err != nil {
		return nil, "", err
	}
	secret, sealed, err := s.newSecret()
	if err != nil {
		return nil, "", err
	}
	var k *ent.SigningKey
	err = sqlstore.WithAccountLocked(ctx, s.client, accountID, func(tx *ent.Tx) error {
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

// Rotate gives a key a new secret; the old one keeps signing, in
// X-Signature and as a second Standard Webhooks signature, for
// RotationOverlap, so receivers can switch without losing events. Rotating
// again during an overlap replaces only the newest secret, which X-Signature
// never used: the previous one stays, for RotationOverlap from now, so
// X-Signature changes only at the time announced last.
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
	u := s.client.SigningKey.UpdateOne(k).
		SetPreviousExpiresAt(now.Add(RotationOverlap)).
		SetSecretEncrypted(sealed).SetHint(hint(secret)).SetRotatedAt(now)
	if s.XSignatureSwitchesAt(k) == nil {
		u.SetPreviousSecretEncrypted(k.SecretEncrypted)
	}
	k, err = u.Save(ctx)
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

// Usable returns the key for account to sign with, unless it is missing,
// revoked or another account's. Ownership is checked here, not only by the
// privacy rule, because the admin token sees every account's keys: another
// account's key is reported exactly as a missing one, whoever asks. field
// names the input that referred to it.
func (s *Service) Usable(ctx context.Context, account, id pulid.ID, field string) (*ent.SigningKey, error) {
	k, err := s.client.SigningKey.Get(ctx, id)
	if ent.IsNotFound(err) || err == nil && k.AccountID != account {
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

// Secrets returns the decoded secrets a key signs with for account. The
// first signs X-Signature: the previous secret while a rotation's overlap
// lasts, followed by the current one; the current one alone otherwise. All
// sign webhook-signature. A key of another account (linked to a
// configuration before links were checked) signs nothing, as Usable says.
func (s *Service) Secrets(account pulid.ID, k *ent.SigningKey) ([][]byte, error) {
	if k.AccountID != account {
		return nil, apperr.Invalid("signingKeyID", "signing key %s not found", k.ID)
	}
	if k.RevokedAt != nil {
		return nil, apperr.Invalid("signingKeyID", "signing key %s is revoked", k.ID)
	}
	cur, err := s.open(k.SecretEncrypted)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	if s.XSignatureSwitchesAt(k) == nil {
		return [][]byte{cur}, nil
	}
	prev, err := s.open(*k.PreviousSecretEncrypted)
	if err != nil {
		return nil, fmt.Errorf("signing key %s (previous): %w", k.ID, err)
	}
	return [][]byte{prev, cur}, nil
}

// XSignatureSwitchesAt returns when the overlap of k's last rotation ends:
// until then X-Signature is made with the previous secret, from then on with
// the current one. It is nil when no rotation is in progress (or k is
// revoked).
func (s *Service) XSignatureSwitchesAt(k *ent.SigningKey) *time.Time {
	if k.RevokedAt != nil || k.PreviousSecretEncrypted == nil || k.PreviousExpiresAt == nil || !s.now().Before(*k.PreviousExpiresAt) {
		return nil
	}
	return k.PreviousExpiresAt
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
