// Package tenancy holds the privacy rules that keep each account inside its own
// data. Every ent schema attaches one of these policies, so isolation is
// enforced for every query, mutation and node lookup in exactly one place.
package tenancy

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/privacy"

	"github.com/ferryhq/ferry/ent/intercept"

	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// wherer is implemented by every generated mutation and intercept query.
type wherer interface {
	WhereP(...func(*sql.Selector))
}

func unauthenticated() error {
	return fmt.Errorf("%w: %w", privacy.Deny, viewer.ErrUnauthenticated)
}

func forbidden() error {
	return fmt.Errorf("%w: %w", privacy.Deny, viewer.ErrForbidden)
}

// restrict narrows w (a query or an update/delete mutation) to rows whose
// column equals the viewer's account. Rows of other accounts then behave
// exactly as if they did not exist.
func restrict(w wherer, column string, v viewer.Viewer) error {
	w.WhereP(sql.FieldEQ(column, string(v.AccountID)))
	return privacy.Skip
}

// OwnedBy is the policy of an entity that belongs to one account through
// column (account_id, or id for the account itself). Admin and system see all;
// an account token sees and changes only its own rows, and may create rows
// only for its own account when createAllowed is true.
type OwnedBy struct {
	Column        string
	CreateAllowed bool
}

// EvalQuery implements privacy.QueryRule.
func (o OwnedBy) EvalQuery(ctx context.Context, q ent.Query) error {
	v, done := tenant(ctx)
	if done != nil {
		return done
	}
	// Generated queries get WhereP through ent's generic intercept wrapper.
	w, err := intercept.NewQuery(q)
	if err != nil {
		return fmt.Errorf("%w: %w", privacy.Deny, err)
	}
	return restrict(w, o.Column, v)
}

// EvalMutation implements privacy.MutationRule.
func (o OwnedBy) EvalMutation(ctx context.Context, m ent.Mutation) error {
	v, done := tenant(ctx)
	if done != nil {
		return done
	}
	if m.Op().Is(ent.OpCreate) {
		if !o.CreateAllowed {
			return forbidden()
		}
		owner, _ := m.Field(o.Column)
		if fmt.Sprint(owner) != string(v.AccountID) {
			return forbidden()
		}
		return privacy.Allow
	}
	w, ok := m.(wherer)
	if !ok {
		return fmt.Errorf("%w: %T cannot be filtered by tenant", privacy.Deny, m)
	}
	return restrict(w, o.Column, v)
}

// Catalog is the policy of global, admin-managed data (the event-type
// catalog): every authenticated viewer reads it, only admin and system write.
type Catalog struct{}

// EvalQuery implements privacy.QueryRule.
func (Catalog) EvalQuery(ctx context.Context, _ ent.Query) error {
	if _, ok := viewer.FromContext(ctx); !ok {
		return unauthenticated()
	}
	return privacy.Allow
}

// EvalMutation implements privacy.MutationRule.
func (Catalog) EvalMutation(ctx context.Context, _ ent.Mutation) error {
	if _, done := tenant(ctx); done != nil {
		return done
	}
	return forbidden()
}

// tenant returns the viewer of ctx when a tenant's rule decides, and
// otherwise the decision: unauthenticated without a viewer, allowed for
// admin and system.
func tenant(ctx context.Context) (viewer.Viewer, error) {
	v, ok := viewer.FromContext(ctx)
	switch {
	case !ok:
		return v, unauthenticated()
	case v.IsPrivileged():
		return v, privacy.Allow
	}
	return v, nil
}

// NoSessions hides an entity from console sessions altogether (API tokens:
// a customer's console must not list or revoke its operator's tokens), as
// if it did not exist, even through node(id).
type NoSessions struct{}

// EvalQuery implements privacy.QueryRule.
func (NoSessions) EvalQuery(ctx context.Context, q ent.Query) error {
	if v, ok := viewer.FromContext(ctx); !ok || !v.IsSession() {
		return privacy.Skip
	}
	w, err := intercept.NewQuery(q)
	if err != nil {
		return fmt.Errorf("%w: %w", privacy.Deny, err)
	}
	w.WhereP(func(s *sql.Selector) { s.Where(sql.False()) })
	return privacy.Skip
}

// EvalMutation implements privacy.MutationRule.
func (NoSessions) EvalMutation(ctx context.Context, _ ent.Mutation) error {
	if v, ok := viewer.FromContext(ctx); ok && v.IsSession() {
		return forbidden()
	}
	return privacy.Skip
}

// OwnSessionOnly lets a console session see only its own session record:
// the others of its account are other people's sign-ins.
type OwnSessionOnly struct{}

// EvalQuery implements privacy.QueryRule.
func (OwnSessionOnly) EvalQuery(ctx context.Context, q ent.Query) error {
	v, ok := viewer.FromContext(ctx)
	if !ok || !v.IsSession() {
		return privacy.Skip
	}
	w, err := intercept.NewQuery(q)
	if err != nil {
		return fmt.Errorf("%w: %w", privacy.Deny, err)
	}
	w.WhereP(sql.FieldEQ("id", string(v.SessionID)))
	return privacy.Skip
}

// EvalMutation implements privacy.MutationRule.
func (OwnSessionOnly) EvalMutation(context.Context, ent.Mutation) error { return privacy.Skip }
