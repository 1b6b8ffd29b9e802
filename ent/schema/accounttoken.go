package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/tenancy"
)

// AccountToken is an API token that acts for one account. Only its SHA-256
// hash is stored.
type AccountToken struct{ ent.Schema }

// Mixin of AccountToken.
func (AccountToken) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("tok"), TimeMixin{}, TenantMixin{}}
}

// Fields of AccountToken.
func (AccountToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(200).
			Comment("What the token is for, 1-200 characters."),
		field.String("token_hash").Sensitive().Unique().Immutable().
			Comment("SHA-256 of the token; the token itself is never stored.").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("hint").Immutable().Comment("last 4 characters of the token"),
		field.Time("last_used_at").Optional().Nillable().
			Comment("When the token last authenticated a request (to the minute); null if never."),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When the token was revoked; a revoked token is rejected as UNAUTHENTICATED."),
	}
}

// Policy of AccountToken: besides the tenant's (from TenantMixin), console
// sessions see no tokens at all.
func (AccountToken) Policy() ent.Policy {
	return privacyPolicy(tenancy.NoSessions{})
}

// Indexes of AccountToken.
func (AccountToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account_id", "created_at")}
}

// Annotations of AccountToken.
func (AccountToken) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An API token (Authorization: Bearer …) that acts for one account. Created by an admin; only its hash is stored."),
	}
}
