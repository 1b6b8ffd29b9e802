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
		field.String("name").NotEmpty().MaxRuneLen(200).
			Comment("Display name, 1-200 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.Bytes("secret_encrypted").Sensitive().NotEmpty().Annotations(skip).
			Comment("The current secret, AES-GCM encrypted with FERRY_ENCRYPTION_KEY."),
		field.String("hint").Comment("last 4 characters of the current secret"),
		field.Bytes("previous_secret_encrypted").Sensitive().Optional().Nillable().Annotations(skip).
			Comment("The secret before the last rotation, encrypted; it still signs until previous_expires_at."),
		field.Time("previous_expires_at").Optional().Nillable().
			Comment("until then the secret before the last rotation still signs"),
		field.Time("rotated_at").Optional().Nillable().
			Comment("When the secret was last rotated; null if never."),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When the key was revoked; a revoked key signs nothing and cannot be chosen for a configuration."),
	}
}

// Indexes of SigningKey.
func (SigningKey) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account_id", "created_at")}
}

// Annotations of SigningKey.
func (SigningKey) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A signing key (\"chave de acesso\") whose secret signs deliveries. The secret is shown only once, when the key is created or rotated."),
		entgql.QueryField().Description("The signing keys of the token's account (every account for the admin token). Secrets are never listed."),
		entgql.RelayConnection(),
	}
}
