package live

import (
	"slices"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/delivery"
	"github.com/ferryhq/ferry/ent/schema/pulid"
)

// Filter selects the delivery changes a subscription receives. Every list
// that is given must contain the delivery's value.
type Filter struct {
	ConfigurationIDIn []pulid.ID        `json:"configurationIDIn,omitempty"`
	StatusIn          []delivery.Status `json:"statusIn,omitempty"`
	EventTypeIn       []string          `json:"eventTypeIn,omitempty"`
}

// Match reports whether d passes the filter; a nil filter passes everything.
func (f *Filter) Match(d *ent.Delivery) bool {
	if f == nil {
		return true
	}
	if len(f.ConfigurationIDIn) > 0 && (d.ConfigurationID == nil || !slices.Contains(f.ConfigurationIDIn, *d.ConfigurationID)) {
		return false
	}
	if len(f.StatusIn) > 0 && !slices.Contains(f.StatusIn, d.Status) {
		return false
	}
	if len(f.EventTypeIn) > 0 && !slices.Contains(f.EventTypeIn, d.EventType) {
		return false
	}
	return true
}
