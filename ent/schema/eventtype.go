package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/tenancy"
)

// EventType is an entry of the global, admin-managed catalog of event types.
type EventType struct{ ent.Schema }

// Mixin of EventType.
func (EventType) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("etp"), TimeMixin{}}
}

// Fields of EventType.
func (EventType) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(128).Unique().Immutable().
			Annotations(entgql.OrderField("NAME")),
		field.String("description").Default("").MaxLen(2000),
		field.String("application").Optional().Nillable().MaxLen(128),
		field.Bool("archived").Default(false),
	}
}

// Annotations of EventType.
func (EventType) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// Policy of EventType: readable by every token, written by admins only.
func (EventType) Policy() ent.Policy {
	return privacyPolicy(tenancy.Catalog{})
}
