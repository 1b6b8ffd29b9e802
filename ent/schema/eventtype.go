package schema

import (
	"encoding/json"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/edge/tenancy"
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
			Comment("Unique name, e.g. QUESTION_ANSWERED or nutror.lesson_started; what configurations subscribe to and events carry.").
			Annotations(entgql.OrderField("NAME")),
		field.String("description").Default("").MaxRuneLen(2000).
			Comment("What the event means and when it is sent, at most 2000 characters."),
		field.String("application").Optional().Nillable().MaxRuneLen(128).
			Comment("Optional grouping, e.g. nutror."),
		field.JSON("sample", json.RawMessage{}).Optional().
			Comment("An example of this type's data (a JSON object, at most 64 KiB), shown in the catalog and sent by sendTestEvent without data; null if none.").
			Annotations(entgql.Type("JSON")),
		field.Bool("archived").Default(false).
			Comment("Archived types can no longer be subscribed to or published."),
	}
}

// Annotations of EventType.
func (EventType) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("An entry of the global catalog of event types, readable by every token and managed by the admin."),
		entgql.QueryField().Description("The global catalog of event types, readable by every token."),
		entgql.RelayConnection(),
	}
}

// Policy of EventType: readable by every token, written by admins only.
func (EventType) Policy() ent.Policy {
	return privacyPolicy(tenancy.Catalog{})
}
