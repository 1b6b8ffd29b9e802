package schema

import (
	"encoding/json"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
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
		// Stored as json, not jsonb, so the publisher's bytes (key order
		// included) are kept and every attempt sends the same body.
		field.JSON("data", json.RawMessage{}).Immutable().
			SchemaType(map[string]string{dialect.Postgres: "json"}).
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
