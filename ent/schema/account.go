package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/tenancy"
)

// Account is a tenant: the customer whose webhooks these are.
type Account struct{ ent.Schema }

// Mixin of Account.
func (Account) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("acc"), TimeMixin{}}
}

// Fields of Account.
func (Account) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(200).
			Comment("Display name of the customer, 1-200 characters.").
			Annotations(entgql.OrderField("NAME")),
	}
}

// Annotations of Account.
func (Account) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A tenant: the customer whose webhooks these are. Account tokens see only their own account."),
		entgql.QueryField().
			Description("All accounts (tenants). Admin token only.").
			Directives(entgql.NewDirective("admin")),
		entgql.RelayConnection(),
	}
}

// Policy of Account: an account token sees only its own account; only admins
// create or change accounts.
func (Account) Policy() ent.Policy {
	return privacyPolicy(tenancy.OwnedBy{Column: "id"})
}
