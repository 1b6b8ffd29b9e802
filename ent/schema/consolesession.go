package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/tenancy"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// ConsoleSession is a short-lived sign-in to the console for one account's
// customer, minted by the operator's backend with the admin token. Only the
// SHA-256 hash of its token is stored.
type ConsoleSession struct{ ent.Schema }

// Mixin of ConsoleSession.
func (ConsoleSession) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("cs"), TimeMixin{}, TenantMixin{}}
}

// Fields of ConsoleSession.
func (ConsoleSession) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").Sensitive().Unique().Immutable().
			Comment("SHA-256 of the session token; the token itself is never stored.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("hint").Immutable().Comment("Last 4 characters of the session token."),
		field.JSON("capabilities", []viewer.Capability{}).Immutable().
			Comment("What the session may do; always includes READ.").
			Annotations(entgql.Type("[ConsoleCapability!]"), entgql.Skip(entgql.SkipWhereInput)),
		field.String("return_url").Optional().Nillable().Immutable().
			Comment("Where the console sends the customer back when the session ends; null if none.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		// The operator's branding of this session's console; each null
		// falls back to FERRY_CONSOLE_* (Viewer.branding).
		field.String("branding_name").Optional().Nillable().Immutable().
			Comment("The console's displayed name for this session; null uses FERRY_CONSOLE_NAME.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("branding_logo_url").Optional().Nillable().Immutable().
			Comment("The console's logo (https:// or data:image/… URL) for this session; null uses FERRY_CONSOLE_LOGO_URL.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("branding_primary_color").Optional().Nillable().Immutable().
			Comment("The console's primary colour (#rrggbb) for this session; null uses FERRY_CONSOLE_PRIMARY_COLOR.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("expires_at").Immutable().
			Comment("When the session ends; its token is UNAUTHENTICATED from then on."),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When the session was revoked; null if it was not."),
	}
}

// Indexes of ConsoleSession.
func (ConsoleSession) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account_id", "created_at")}
}

// Annotations of ConsoleSession.
func (ConsoleSession) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A short-lived console sign-in for one account's customer, created by the operator's backend with createConsoleSession. Only its token's hash is stored."),
	}
}

// Policy of ConsoleSession: besides its account's rule, a console session
// sees only itself.
func (ConsoleSession) Policy() ent.Policy {
	return privacyPolicy(tenancy.OwnSessionOnly{})
}
