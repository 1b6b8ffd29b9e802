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
		field.String("event_id").GoType(pulid.ID("")).Immutable().
			Comment("Id of the event being delivered."),
		field.String("configuration_id").GoType(pulid.ID("")).Optional().Nillable().
			Comment("Id of the configuration it goes to, kept when that configuration is deleted (null only for deliveries unlinked by earlier versions)."),
		field.String("configuration_name").Optional().Nillable().
			Comment("Name of the configuration, copied at creation, for history; null for deliveries made before Ferry kept it.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		field.Enum("status").
			Values("PENDING", "RETRYING", "SUCCEEDED", "FAILED", "CANCELLED").
			Default("PENDING").
			Comment("PENDING (first attempt not made), RETRYING (waiting for the next attempt), SUCCEEDED (2xx), FAILED (retries used up) or CANCELLED.").
			Annotations(entgql.OrderField("STATUS")),
		field.String("event_type").Immutable().
			Comment("copied from the event, for filters"),
		field.String("url").
			Comment("copied from the configuration at creation, for history"),
		field.Int("attempt_count").Default(0).
			Comment("How many attempts were made, resends and retries included."),
		field.Int("last_response_status").Optional().Nillable().
			Comment("HTTP status of the last attempt; null before any attempt or when there was no response."),
		field.Int("last_duration_ms").Optional().Nillable().
			Comment("Duration of the last attempt in milliseconds."),
		field.Time("last_attempt_at").Optional().Nillable().
			Comment("When the last attempt started."),
		field.Time("next_attempt_at").Optional().Nillable().
			Comment("When the next automatic attempt is due; null once the delivery has ended."),
		field.Time("claimed_until").Optional().Nillable().
			Comment("While an automatic attempt is out: until when the worker making it holds it. Recovery leaves the delivery alone until then, and records the attempt as interrupted after.").
			Annotations(entgql.Skip()),
	}
}

// Edges of Delivery.
func (Delivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("event", Event.Type).Ref("deliveries").Field("event_id").
			Unique().Required().Immutable().
			Comment("The event being delivered."),
		edge.From("configuration", Configuration.Type).Ref("deliveries").
			Field("configuration_id").Unique().
			Comment("The configuration it goes to; null once that configuration is deleted (configurationID and configurationName stay)."),
		edge.To("attempts", DeliveryAttempt.Type).
			Comment("Every HTTP attempt made, in order of their number.").
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
		// Auto-disable: a configuration's latest success.
		index.Fields("configuration_id", "status", "last_attempt_at"),
		index.Fields("event_id"),
		// The recovery loop looks for work that is due.
		index.Fields("status", "next_attempt_at"),
	}
}

// Annotations of Delivery.
func (Delivery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One event on its way to one configuration, with its status and the summary of its attempts."),
		entgql.QueryField().Description("The delivery history of the token's account (every account for the admin token), newest first unless orderBy says otherwise."),
		entgql.RelayConnection(),
	}
}
