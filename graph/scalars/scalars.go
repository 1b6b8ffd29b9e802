// Package scalars implements Ferry's custom GraphQL scalars: Map (a string to
// string map) and JSON (any JSON value, kept as raw bytes), and reads Time and
// Cursor so that a malformed one is bad input.
package scalars

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// MarshalStringMap writes a Map scalar.
func MarshalStringMap(m map[string]string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if m == nil {
			m = map[string]string{}
		}
		_ = json.NewEncoder(w).Encode(m)
	})
}

// UnmarshalStringMap reads a Map scalar: an object whose values are all strings.
func UnmarshalStringMap(v any) (map[string]string, error) {
	raw, ok := v.(map[string]any)
	if !ok {
		return nil, invalid("must be an object of strings")
	}
	out := make(map[string]string, len(raw))
	for k, val := range raw {
		s, ok := val.(string)
		if !ok {
			return nil, invalid(fmt.Sprintf("value of %q must be a string", k))
		}
		out[k] = s
	}
	return out, nil
}

// MarshalRawJSON writes a JSON scalar as it is stored.
func MarshalRawJSON(raw json.RawMessage) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if len(raw) == 0 {
			_, _ = io.WriteString(w, "null")
			return
		}
		_, _ = w.Write(raw)
	})
}

// UnmarshalRawJSON reads a JSON scalar from a GraphQL input value.
func UnmarshalRawJSON(v any) (json.RawMessage, error) {
	if s, ok := v.(json.RawMessage); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, invalid("not a JSON value")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return nil, invalid("not a JSON value")
	}
	return buf.Bytes(), nil
}

// MarshalCursor writes a Cursor as entgql does.
func MarshalCursor(c ent.Cursor) graphql.Marshaler { return c }

// UnmarshalCursor reads a Cursor; one that does not decode is bad input
// (entgql's own error would reach clients as an internal one).
func UnmarshalCursor(v any) (ent.Cursor, error) {
	var c ent.Cursor
	if err := c.UnmarshalGQL(v); err != nil || c.ID == "" {
		return ent.Cursor{}, invalid("is not a cursor this API returned (pageInfo.startCursor, endCursor or an edge's cursor)")
	}
	return c, nil
}

// invalid is a BAD_USER_INPUT error; the error presenter adds the field name
// from the error's path, which scalars do not know.
func invalid(msg string) error {
	return &apperr.Error{Code: apperr.BadInput, Message: msg}
}

// MarshalTime writes a Time as RFC 3339 with nanoseconds, as gqlgen does.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime reads an RFC 3339 time; anything else is bad input (gqlgen's
// own error would reach clients as an internal one).
func UnmarshalTime(v any) (time.Time, error) {
	t, err := graphql.UnmarshalTime(v)
	if err != nil {
		return time.Time{}, invalid("must be an RFC 3339 time like 2026-01-02T15:04:05Z")
	}
	return t, nil
}
