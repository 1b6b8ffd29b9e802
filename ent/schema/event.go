package schema

import (
	"encoding/json"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// Event is something that happened in a publisher's product.
type Event struct{ ent.Schema }

// Mixin of Event.
func (Event) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("evt"), TimeMixin{}, TenantMixin{CreateByAccount: true}}
}

// Fields of Event.
func (Event) Fields() []ent.Field {
	return []ent.Field{
		field.String("type").NotEmpty().MaxLen(128).Immutable(),
		// jsonb: PostgreSQL returns the same text on every read, so every
		// attempt sends the same body; and unlike json it has an equality
		// operator, which ent's edge queries (SELECT DISTINCT) need.
		field.JSON("data", json.RawMessage{}).Immutable().
			Annotations(entgql.Type("JSON")),
		field.JSON("metadata", map[string]string{}).Immutable().
			Default(map[string]string{}).
			Annotations(entgql.Type("Map")),
		field.String("idempotency_key").Optional().Nillable().Immutable().MaxLen(255),
		field.Time("occurred_at").Immutable().
			Annotations(entgql.OrderField("OCCURRED_AT")),
	}
}

// Edges of Event.
func (Event) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", Delivery.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of Event.
func (Event) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("account_id", "created_at"),
		index.Fields("account_id", "idempotency_key").Unique(),
	}
}

// Annotations of Event.
func (Event) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
