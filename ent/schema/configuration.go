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
	"github.com/ferryhq/ferry/ent/schema/softdelete"
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
		field.String("name").NotEmpty().MaxRuneLen(200).
			Comment("Display name, 1-200 characters.").
			Annotations(entgql.OrderField("NAME")),
		field.String("url").NotEmpty().MaxLen(2048).
			Comment("Where deliveries are POSTed: https:// to a public address (unless FERRY_ALLOW_INSECURE_URLS), at most 2048 characters."),
		field.String("signing_key_id").GoType(pulid.ID("")).
			Comment("Id of the signing key whose secret signs the deliveries."),
		field.JSON("event_types", []string{}).
			Comment("Names of the subscribed event types; only events of these types are delivered.").
			Annotations(entgql.Type("[String!]")),
		field.Int("max_parallel").Default(10).Range(1, 100).
			Comment("Most deliveries to this URL in flight at once, across all workers: 1-100, default 10."),
		field.Int("timeout_seconds").Default(30).Range(1, 60).
			Comment("Seconds to wait for a response before the attempt fails: 1-60, default 30."),
		field.JSON("retry_schedule", []int{}).
			Default(DefaultRetrySchedule).
			Comment("Delays in seconds before each retry (±20 % jitter); after the last one the delivery is FAILED. Default about 48 h.").
			Annotations(entgql.Type("[Int!]")),
		// The values are credentials (Authorization: Basic …): they are
		// stored sealed, and only their redacted form is ever shown.
		field.JSON("header_hints", map[string]string{}).
			StorageKey("headers").
			Default(map[string]string{}).
			Comment("Static extra headers sent with every delivery (at most 50), each value shown redacted: \"••••\" and its last 4 characters (\"••••\" alone for 4 characters or fewer). "+
				"updateConfiguration replaces the whole map; a value sent back in this redacted form keeps the value stored under that name, so a client may send back what it read.").
			Annotations(entgql.Type("Map"), entgql.MapsTo("headers")),
		field.Bytes("headers_encrypted").Sensitive().Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("The static headers as sent: a JSON object, AES-GCM encrypted with FERRY_ENCRYPTION_KEY; null when there are none."),
		field.Enum("status").Values("INACTIVE", "ACTIVE").Default("INACTIVE").
			Comment("Only ACTIVE configurations receive events; new ones are INACTIVE until activated.").
			Annotations(entgql.OrderField("STATUS")),
		field.String("disabled_reason").Optional().Nillable().MaxLen(1000).
			Comment("Why Ferry deactivated it (e.g. the URL answered 410 Gone); cleared on activation."),
		field.Time("activated_at").Optional().Nillable().
			Comment("When it last became ACTIVE; null if never."),
		field.Time("deleted_at").Optional().Nillable().
			Comment("When it was deleted: the row stays for the history that names it, hidden from every query (softdelete).").
			Annotations(entgql.Skip()),
	}
}

// Interceptors of Configuration: a deleted one is gone for every query.
func (Configuration) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{softdelete.Hide()}
}

// Edges of Configuration.
func (Configuration) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("signing_key", SigningKey.Type).Field("signing_key_id").Unique().Required().
			Comment("The key whose secret signs the deliveries (X-Signature, webhook-signature)."),
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
	return []schema.Annotation{
		schema.Comment("A webhook endpoint of an account: the URL, which event types it receives, and how they are signed, retried and throttled."),
		entgql.QueryField().Description("The webhook configurations of the token's account (every account for the admin token)."),
		entgql.RelayConnection(),
	}
}
