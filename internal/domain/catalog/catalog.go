// Package catalog manages the global catalog of event types and answers
// whether names may be subscribed to or published.
package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/ent/eventtype"
	"github.com/ferryhq/ferry/ent/schema/pulid"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// namePattern accepts QUESTION_ANSWERED, nutror.lesson_started, invoice:paid.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)

// PingType is the event type of activation pings. It is built in: not in the
// catalog, never subscribed to, never published by clients.
const PingType = "ping"

// ReservedPrefix starts the event types Ferry publishes itself, such as
// ferry.configuration.disabled: receivers trust them to come from Ferry, so
// no API client may create one or publish one (in any letter case).
const ReservedPrefix = "ferry."

// Reserved reports whether name is in Ferry's own namespace.
func Reserved(name string) bool {
	return len(name) >= len(ReservedPrefix) && strings.EqualFold(name[:len(ReservedPrefix)], ReservedPrefix)
}

// CreateInput is a new catalog entry.
type CreateInput struct {
	Name        string          `json:"name"`
	Description *string         `json:"description,omitempty"`
	Application *string         `json:"application,omitempty"`
	Sample      json.RawMessage `json:"sample,omitempty"`
}

// UpdateInput changes an entry; nil fields stay as they are.
type UpdateInput struct {
	Description *string         `json:"description,omitempty"`
	Application *string         `json:"application,omitempty"`
	Archived    *bool           `json:"archived,omitempty"`
	Sample      json.RawMessage `json:"sample,omitempty"` // {} removes it
}

// Create adds an event type.
func Create(ctx context.Context, client *ent.Client, in CreateInput) (*ent.EventType, error) {
	name := strings.TrimSpace(in.Name)
	if !namePattern.MatchString(name) {
		return nil, apperr.Invalid("name", "must be 1-128 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit")
	}
	if name == PingType {
		return nil, apperr.Invalid("name", "%q is reserved for activation pings", PingType)
	}
	if Reserved(name) {
		return nil, apperr.Invalid("name", "the %q namespace is reserved for Ferry's own events", ReservedPrefix)
	}
	if err := checkText(in.Description, in.Application); err != nil {
		return nil, err
	}
	sample, err := checkSample(in.Sample)
	if err != nil {
		return nil, err
	}
	exists, err := client.EventType.Query().Where(eventtype.Name(name)).Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("create event type %s: %w", name, err)
	}
	if exists {
		return nil, apperr.Invalid("name", "event type %q already exists", name)
	}
	c := client.EventType.Create().SetName(name).SetNillableApplication(in.Application)
	if in.Description != nil {
		c.SetDescription(*in.Description)
	}
	if sample != nil {
		c.SetSample(sample)
	}
	et, err := c.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create event type %s: %w", name, err)
	}
	return et, nil
}

// Update changes an event type's description, application, archived flag or sample.
func Update(ctx context.Context, client *ent.Client, id pulid.ID, in UpdateInput) (*ent.EventType, error) {
	if err := checkText(in.Description, in.Application); err != nil {
		return nil, err
	}
	sample, err := checkSample(in.Sample)
	if err != nil {
		return nil, err
	}
	u := client.EventType.UpdateOneID(id).SetNillableArchived(in.Archived)
	switch {
	case sample != nil:
		u.SetSample(sample)
	case isEmptyObject(in.Sample):
		u.ClearSample()
	}
	if in.Description != nil {
		u.SetDescription(*in.Description)
	}
	if in.Application != nil {
		if *in.Application == "" {
			u.ClearApplication()
		} else {
			u.SetApplication(*in.Application)
		}
	}
	et, err := u.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Missing("event type " + string(id))
	}
	if err != nil {
		return nil, fmt.Errorf("update event type %s: %w", id, err)
	}
	return et, nil
}

// Limits of an entry's text, in characters, and of its sample, in bytes.
const (
	maxDescription = 2000
	maxApplication = 128
	MaxSampleBytes = 64 << 10
)

// checkSample returns raw if it is a sample to store; nil for none (absent,
// null or {}). A sample is a JSON object, as event data is.
func checkSample(raw json.RawMessage) (json.RawMessage, error) {
	data := bytes.TrimSpace(raw)
	if len(data) == 0 || string(data) == "null" || isEmptyObject(data) {
		return nil, nil
	}
	if data[0] != '{' || !json.Valid(data) {
		return nil, apperr.Invalid("sample", "must be a JSON object")
	}
	if len(data) > MaxSampleBytes {
		return nil, apperr.Invalid("sample", "must be at most %d KiB, got %d bytes", MaxSampleBytes>>10, len(data))
	}
	return data, nil
}

// isEmptyObject reports {} (with any spacing), the sample that removes one.
func isEmptyObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) && json.Unmarshal(raw, &m) == nil && len(m) == 0
}

// Sample returns the sample of the event type named name; nil if it has
// none or there is no such type.
func Sample(ctx context.Context, client *ent.Client, name string) (json.RawMessage, error) {
	et, err := client.EventType.Query().Where(eventtype.Name(name)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sample of %s: %w", name, err)
	}
	return et.Sample, nil
}

// checkText checks a description and an application; an empty application
// means none.
func checkText(description, application *string) error {
	if description != nil {
		if err := apperr.CheckText("description", *description, maxDescription); err != nil {
			return err
		}
	}
	if application != nil && *application != "" {
		return apperr.CheckName("application", *application, maxApplication)
	}
	return nil
}

// CheckUsable returns a BAD_USER_INPUT error on field unless every name is a
// known, unarchived event type. Duplicates are an error too.
func CheckUsable(ctx context.Context, client *ent.Client, field string, names []string) error {
	if len(names) == 0 {
		return apperr.Invalid(field, "must name at least one event type")
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return apperr.Invalid(field, "%q is listed twice", sorted[i])
		}
	}
	found, err := client.EventType.Query().Where(eventtype.NameIn(sorted...)).All(ctx)
	if err != nil {
		return fmt.Errorf("check event types: %w", err)
	}
	byName := make(map[string]*ent.EventType, len(found))
	for _, et := range found {
		byName[et.Name] = et
	}
	for _, n := range names {
		et, ok := byName[n]
		switch {
		case !ok:
			return apperr.Invalid(field, "unknown event type %q", n)
		case et.Archived:
			return apperr.Invalid(field, "event type %q is archived", n)
		}
	}
	return nil
}
