package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// SigningKey ("chave de acesso") signs deliveries. Its secret is stored
// encrypted and shown once, when created or rotated.
type SigningKey struct{ ent.Schema }

// Mixin of SigningKey.
func (SigningKey) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("key"), TimeMixin{}, TenantMixin{CreateByAccount: true}}
}

// Fields of SigningKey.
func (SigningKey) Fields() []ent.Field {
	skip := entgql.Skip(entgql.SkipAll)
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.Bytes("secret_encrypted").Sensitive().NotEmpty().Annotations(skip),
		field.String("hint").Comment("last 4 characters of the current secret"),
		field.Bytes("previous_secret_encrypted").Sensitive().Optional().Nillable().Annotations(skip),
		field.Time("previous_expires_at").Optional().Nillable().
			Comment("until then the secret before the last rotation still signs"),
		field.Time("rotated_at").Optional().Nillable(),
		field.Time("revoked_at").Optional().Nillable(),
	}
}

// Indexes of SigningKey.
func (SigningKey) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account_id", "created_at")}
}

// Annotations of SigningKey.
func (SigningKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
