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

// DefaultRetrySchedule is the delay in seconds before each retry: about 48 h in all.
var DefaultRetrySchedule = []int{5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200, 86400}

// Configuration is a webhook endpoint of an account: where, which events, how.
type Configuration struct{ ent.Schema }

// Mixin of Configuration.
func (Configuration) Mixin() []ent.Mixin {
	return []ent.Mixin{pulid.MixinWithPrefix("cfg"), TimeMixin{}, TenantMixin{CreateByAccount: true}}
}

// Fields of Configuration.
func (Configuration) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.String("url").NotEmpty().MaxLen(2048),
		field.String("signing_key_id").GoType(pulid.ID("")),
		field.JSON("event_types", []string{}).
			Annotations(entgql.Type("[String!]")),
		field.Int("max_parallel").Default(10).Range(1, 100),
		field.Int("timeout_seconds").Default(30).Range(1, 60),
		field.JSON("retry_schedule", []int{}).
			Default(DefaultRetrySchedule).
			Annotations(entgql.Type("[Int!]")),
		field.JSON("headers", map[string]string{}).
			Default(map[string]string{}).
			Annotations(entgql.Type("Map")),
		field.Enum("status").Values("INACTIVE", "ACTIVE").Default("INACTIVE").
			Annotations(entgql.OrderField("STATUS")),
		field.String("disabled_reason").Optional().Nillable().MaxLen(1000),
		field.Time("activated_at").Optional().Nillable(),
	}
}

// Edges of Configuration.
func (Configuration) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("signing_key", SigningKey.Type).Field("signing_key_id").Unique().Required(),
		edge.To("deliveries", Delivery.Type).
			Annotations(entsql.OnDelete(entsql.SetNull), entgql.Skip(entgql.SkipAll)),
		edge.To("attempts", DeliveryAttempt.Type).
			Annotations(entsql.OnDelete(entsql.SetNull), entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of Configuration.
func (Configuration) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("account_id", "created_at"),
		// Fan-out looks up the active configurations of an account.
		index.Fields("account_id", "status"),
	}
}

// Annotations of Configuration.
func (Configuration) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
