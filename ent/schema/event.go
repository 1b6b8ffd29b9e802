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
		field.String("type").NotEmpty().MaxLen(128).Immutable().
			Comment("Name of its event type, e.g. QUESTION_ANSWERED; ping for activation pings."),
		// jsonb: PostgreSQL returns the same text on every read, so every
		// attempt sends the same body; and unlike json it has an equality
		// operator, which ent's edge queries (SELECT DISTINCT) need.
		field.JSON("data", json.RawMessage{}).Immutable().
			Comment("The JSON object published (at most 256 KiB), sent as the body's data.").
			Annotations(entgql.Type("JSON")),
		field.JSON("metadata", map[string]string{}).Immutable().
			Default(map[string]string{}).
			Comment("String pairs for filtering the history (at most 50); not sent to receivers.").
			Annotations(entgql.Type("Map")),
		field.String("idempotency_key").Optional().Nillable().Immutable().MaxLen(255).
			Comment("The publisher's key, unique per account: publishing it again returns this event and delivers nothing new."),
		field.Time("occurred_at").Immutable().
			Comment("When it was published; sent as sentDate in every delivery body.").
			Annotations(entgql.OrderField("OCCURRED_AT")),
	}
}

// Edges of Event.
func (Event) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", Delivery.Type).
			Comment("Its deliveries: one per configuration it was sent to.").
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
	return []schema.Annotation{
		schema.Comment("Something that happened in a publisher's product, published with publishEvent and fanned out to the subscribed configurations."),
		entgql.QueryField().Description("The events of the token's account (every account for the admin token), newest first unless orderBy says otherwise."),
		entgql.RelayConnection(),
	}
}
