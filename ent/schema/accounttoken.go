package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ferryhq/ferry/ent/schema/pulid"
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
		field.String("name").NotEmpty().MaxLen(200),
		field.String("token_hash").Sensitive().Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("hint").Immutable().Comment("last 4 characters of the token"),
		field.Time("last_used_at").Optional().Nillable(),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Indexes of AccountToken.
func (AccountToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account_id", "created_at")}
}
