// Package viewer carries who is making a request through a context. It knows
// nothing of storage so that ent privacy rules can depend on it.
package viewer

import (
	"context"
	"errors"
	"slices"
	"time"

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
	// SessionID is set when a console session signed in (RoleAccount, no
	// TokenID); Capabilities are what that session may change, and
	// SessionExpiresAt when it ends.
	SessionID        pulid.ID
	Capabilities     []Capability
	SessionExpiresAt time.Time
}

// Capability is what a console session may do besides reading, named as
// the GraphQL enum ConsoleCapability names it.
type Capability string

// The capabilities a console session can be given.
const (
	CapRead                 Capability = "READ"
	CapManageConfigurations Capability = "MANAGE_CONFIGURATIONS"
	CapManageKeys           Capability = "MANAGE_KEYS"
	CapResend               Capability = "RESEND"
)

// AllCapabilities lists every capability, in the order the API shows them.
var AllCapabilities = []Capability{CapRead, CapManageConfigurations, CapManageKeys, CapResend}

// IsSession reports whether v signed in with a console session.
func (v Viewer) IsSession() bool { return v.SessionID != "" }

// Can reports whether v holds c: tokens hold every capability, a console
// session only those it was given.
func (v Viewer) Can(c Capability) bool {
	if !v.IsSession() {
		return true
	}
	return slices.Contains(v.Capabilities, c)
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
