// Package history is what the history screens filter on beyond ent's
// generated WhereInputs: the event metadata filter, shared by the events and
// deliveries connections and by bulk resend.
package history

import (
	"cmp"
	"slices"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/event"
	"github.com/ferryhq/ferry/ent/predicate"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// MaxMetadataFilters bounds one filter.
const MaxMetadataFilters = 20

// MetadataFilter is one pair an event's metadata must hold.
type MetadataFilter struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Check refuses an unusable metadata filter, naming the field.
func Check(filters []*MetadataFilter) error {
	if len(filters) > MaxMetadataFilters {
		return apperr.Invalid("metadata", "at most %d pairs, got %d", MaxMetadataFilters, len(filters))
	}
	for _, f := range filters {
		if f == nil || f.Key == "" {
			return apperr.Invalid("metadata", "every pair needs a non-empty key")
		}
	}
	return nil
}

// EventMetadata matches events whose metadata holds every pair. Two pairs
// with the same key and different values match nothing, as they should.
func EventMetadata(filters []*MetadataFilter) predicate.Event {
	return predicate.Event(func(s *entsql.Selector) {
		var ps []*entsql.Predicate
		col := s.C(event.FieldMetadata)
		for _, f := range filters {
			ps = append(ps, sqlstore.JSONHolds(s, col, f.Key, f.Value))
		}
		if len(ps) > 0 {
			s.Where(entsql.And(ps...))
		}
	})
}

// DeliveryMetadata matches deliveries whose event's metadata holds every pair.
func DeliveryMetadata(filters []*MetadataFilter) predicate.Delivery {
	if len(filters) == 0 {
		return predicate.Delivery(func(*entsql.Selector) {})
	}
	return delivery.HasEventWith(EventMetadata(filters))
}

// ByNumber returns attempts in the order they were made.
func ByNumber(list []*ent.DeliveryAttempt) []*ent.DeliveryAttempt {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b *ent.DeliveryAttempt) int { return cmp.Compare(a.Number, b.Number) })
	return out
}
