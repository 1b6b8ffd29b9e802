package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// DeliveryAttempt is one HTTP request Ferry made, with what it sent and got.
type DeliveryAttempt struct{ ent.Schema }

// Mixin of DeliveryAttempt.
func (DeliveryAttempt) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("att"), TenantMixin{CreateByAccount: true}}
}

// Fields of DeliveryAttempt.
func (DeliveryAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.String("delivery_id").GoType(pulid.ID("")).Immutable(),
		field.String("configuration_id").GoType(pulid.ID("")).Optional().Nillable(),
		field.Int("number").Immutable(),
		field.Enum("trigger").Values("AUTOMATIC", "MANUAL", "PING", "TEST").Immutable(),
		field.String("request_url").Immutable(),
		field.JSON("request_headers", map[string]string{}).Immutable().
			Annotations(entgql.Type("Map")),
		field.Text("request_body").Immutable(),
		field.Int("response_status").Optional().Nillable().Immutable(),
		field.JSON("response_headers", map[string]string{}).Optional().Immutable().
			Annotations(entgql.Type("Map")),
		field.Text("response_body").Default("").Immutable(),
		field.Bool("response_body_truncated").Default(false).Immutable(),
		field.Int("duration_ms").Immutable(),
		field.String("error_kind").Optional().Nillable().Immutable(),
		field.String("error").Optional().Nillable().Immutable(),
		field.Time("started_at").Immutable().
			Annotations(entgql.OrderField("STARTED_AT")),
	}
}

// Edges of DeliveryAttempt.
func (DeliveryAttempt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("delivery", Delivery.Type).Ref("attempts").Field("delivery_id").
			Unique().Required().Immutable(),
		edge.From("configuration", Configuration.Type).Ref("attempts").
			Field("configuration_id").Unique(),
	}
}

// Indexes of DeliveryAttempt.
func (DeliveryAttempt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("delivery_id", "number")}
}
