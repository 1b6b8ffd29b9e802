package pulid

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// Mixin gives a schema a prefixed, time-ordered string id.
type Mixin struct {
	mixin.Schema
	prefix string
}

// MixinWithPrefix returns the id mixin for prefix (e.g. "cfg").
func MixinWithPrefix(prefix string) Mixin { return Mixin{prefix: prefix} }

// Fields declares the id field.
func (m Mixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			GoType(ID("")).
			MaxLen(40).
			Immutable().
			DefaultFunc(func() ID { return New(m.prefix) }).
			Comment("Unique, time-ordered id: \"" + m.prefix + "_\" followed by a ULID."),
	}
}

// Annotation records the prefix so code generation can map ids to tables.
type Annotation struct {
	Prefix string
}

// Name implements schema.Annotation.
func (Annotation) Name() string { return "PULID" }

// Annotations attaches the prefix annotation.
func (m Mixin) Annotations() []schema.Annotation {
	return []schema.Annotation{Annotation{Prefix: m.prefix}}
}
