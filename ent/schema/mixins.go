// Package schema holds Ferry's ent schemas: the domain of DESIGN.md.
package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/tenancy"
)

// TimeMixin adds createdAt and updatedAt.
type TimeMixin struct{ mixin.Schema }

// Fields of TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(time.Now).Immutable().
			Comment("When it was created (RFC 3339).").
			Annotations(entgql.OrderField("CREATED_AT")),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Comment("When it last changed (RFC 3339)."),
	}
}

// TenantMixin makes an entity belong to one account and applies the tenant
// privacy policy to it.
type TenantMixin struct {
	mixin.Schema
	// CreateByAccount lets account tokens create rows (for their own account).
	CreateByAccount bool
}

// Fields of TenantMixin.
func (TenantMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("account_id").GoType(pulid.ID("")).Immutable().
			Comment("The account (tenant) it belongs to.").
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of TenantMixin.
func (TenantMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("account", Account.Type).Field("account_id").Unique().Required().Immutable().
			Comment("The account (tenant) it belongs to.").
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Policy of TenantMixin: see package tenancy.
func (m TenantMixin) Policy() ent.Policy {
	rule := tenancy.OwnedBy{Column: "account_id", CreateAllowed: m.CreateByAccount}
	return privacyPolicy(rule)
}
