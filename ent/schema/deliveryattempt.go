package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
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
		field.String("delivery_id").GoType(pulid.ID("")).Immutable().
			Comment("Id of the delivery this attempt belongs to."),
		field.String("configuration_id").GoType(pulid.ID("")).Optional().Nillable().
			Comment("Id of the configuration called, kept when that configuration is deleted (null only for attempts unlinked by earlier versions)."),
		field.Int("number").Immutable().
			Comment("1 for the first attempt of the delivery, then 2, 3, …"),
		field.Enum("trigger").Values("AUTOMATIC", "MANUAL", "PING", "TEST").Immutable().
			Comment("What caused it: AUTOMATIC (first try or retry), MANUAL (resend), PING (activation) or TEST (sendTestEvent)."),
		field.String("request_url").Immutable().
			Comment("The URL that was called."),
		field.JSON("request_headers", map[string]string{}).Immutable().
			Comment("Request headers as sent, signatures included.").
			Annotations(entgql.Type("Map")),
		field.Text("request_body").Immutable().
			Comment("Request body as sent: {id, event, data, sentDate}, identical on every attempt."),
		field.Int("response_status").Optional().Nillable().Immutable().
			Comment("HTTP status of the response; null when none came (timeout, DNS, connect, TLS, blocked…)."),
		field.JSON("response_headers", map[string]string{}).Optional().Immutable().
			Comment("Response headers; null when no response came.").
			Annotations(entgql.Type("Map")),
		field.Text("response_body").Default("").Immutable().
			Comment("Response body, at most its first 64 KiB."),
		field.Bool("response_body_truncated").Default(false).Immutable().
			Comment("True when the response body was longer than 64 KiB and was cut."),
		field.Int("duration_ms").Immutable().
			Comment("From sending the request to the end of the response, in milliseconds."),
		field.String("error_kind").Optional().Nillable().Immutable().
			Comment("Why it failed: timeout, dns, connect, tls, blocked, redirect, http_status, invalid_url, response_read, interrupted (Ferry cut it off) or other; null on success."),
		field.String("error").Optional().Nillable().Immutable().
			Comment("Human-readable failure message; null on success."),
		field.Time("started_at").Immutable().
			Comment("When the request was sent.").
			Annotations(entgql.OrderField("STARTED_AT")),
	}
}

// Edges of DeliveryAttempt.
func (DeliveryAttempt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("delivery", Delivery.Type).Ref("attempts").Field("delivery_id").
			Unique().Required().Immutable().
			Comment("The delivery this attempt belongs to."),
		edge.From("configuration", Configuration.Type).Ref("attempts").
			Field("configuration_id").Unique().
			Comment("The configuration called; null once it is deleted (configurationID stays)."),
	}
}

// Indexes of DeliveryAttempt.
func (DeliveryAttempt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("delivery_id", "number")}
}

// Annotations of DeliveryAttempt.
func (DeliveryAttempt) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("One HTTP request Ferry made for a delivery: the request exactly as sent and the response (or error) it got."),
	}
}
