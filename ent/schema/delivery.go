package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// Delivery is one event on its way to one configuration.
type Delivery struct{ ent.Schema }

// Mixin of Delivery.
func (Delivery) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("dlv"), TimeMixin{}, TenantMixin{CreateByAccount: true}}
}

// Fields of Delivery.
func (Delivery) Fields() []ent.Field {
	return []ent.Field{
		field.String("event_id").GoType(pulid.ID("")).Immutable(),
		field.String("configuration_id").GoType(pulid.ID("")).Optional().Nillable().
			Comment("null once the configuration is deleted; history stays"),
		field.Enum("status").
			Values("PENDING", "RETRYING", "SUCCEEDED", "FAILED", "CANCELLED").
			Default("PENDING").
			Annotations(entgql.OrderField("STATUS")),
		field.String("event_type").Immutable().
			Comment("copied from the event, for filters"),
		field.String("url").
			Comment("copied from the configuration at creation, for history"),
		field.Int("attempt_count").Default(0),
		field.Int("last_response_status").Optional().Nillable(),
		field.Int("last_duration_ms").Optional().Nillable(),
		field.Time("last_attempt_at").Optional().Nillable(),
		field.Time("next_attempt_at").Optional().Nillable(),
	}
}

// Edges of Delivery.
func (Delivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("event", Event.Type).Ref("deliveries").Field("event_id").
			Unique().Required().Immutable(),
		edge.From("configuration", Configuration.Type).Ref("deliveries").
			Field("configuration_id").Unique(),
		edge.To("attempts", DeliveryAttempt.Type).
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// Indexes of Delivery: the history screen filters by these.
func (Delivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("account_id", "created_at"),
		index.Fields("account_id", "status", "created_at"),
		index.Fields("account_id", "event_type", "created_at"),
		index.Fields("configuration_id", "created_at"),
		index.Fields("event_id"),
		// The recovery loop looks for work that is due.
		index.Fields("status", "next_attempt_at"),
	}
}

// Annotations of Delivery.
func (Delivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
