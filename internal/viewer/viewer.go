// Package viewer carries who is making a request through a context. It knows
// nothing of storage so that ent privacy rules can depend on it.
package viewer

import (
	"context"
	"errors"

	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// Role is what a viewer may do.
type Role int

const (
	// RoleAccount is a tenant's token: its own account's data only.
	RoleAccount Role = iota + 1
	// RoleAdmin is FERRY_ADMIN_TOKEN: accounts, the event-type catalog, any account.
	RoleAdmin
	// RoleSystem is Ferry itself (workers, maintenance loops, the auth lookup).
	RoleSystem
)

// String names the role as the GraphQL API does.
func (r Role) String() string {
	switch r {
	case RoleAccount:
		return "ACCOUNT"
	case RoleAdmin:
		return "ADMIN"
	case RoleSystem:
		return "SYSTEM"
	}
	return "UNKNOWN"
}

// Viewer is the authenticated caller.
type Viewer struct {
	Role      Role
	AccountID pulid.ID // set for RoleAccount
	TokenID   pulid.ID // the account token used, for RoleAccount
}

// ErrUnauthenticated is returned by privacy rules when no viewer is present.
var ErrUnauthenticated = errors.New("authentication required")

// ErrForbidden is returned when the viewer may not perform an operation.
var ErrForbidden = errors.New("not allowed for this token")

type ctxKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer in ctx, if any.
func FromContext(ctx context.Context) (Viewer, bool) {
	v, ok := ctx.Value(ctxKey{}).(Viewer)
	return v, ok
}

// System returns ctx acting as Ferry itself, for workers and internal lookups.
func System(ctx context.Context) context.Context {
	return NewContext(ctx, Viewer{Role: RoleSystem})
}

// IsPrivileged reports whether v sees every account (admin or system).
func (v Viewer) IsPrivileged() bool { return v.Role == RoleAdmin || v.Role == RoleSystem }
