package graph

import (
	"reflect"
	"time"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// fitCursors refuses an after or before cursor whose value is not of the
// kind the connection's order holds (a time for CREATED_AT, a string for
// NAME): no page returned it, and PostgreSQL would fail comparing it with the
// column, an internal error where the client sent bad input. value is the
// order field's Value, as ent generates it for node type N.
func fitCursors[N any](after, before *ent.Cursor, value func(*N) (ent.Value, error)) error {
	var zero N
	want, err := value(&zero)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		arg    string
		cursor *ent.Cursor
	}{{"after", after}, {"before", before}} {
		if c.cursor != nil && !fits(c.cursor.Value, want) {
			return apperr.Invalid(c.arg, "is not a cursor of this connection in this order")
		}
	}
	return nil
}

// fits reports whether a cursor's value can stand for an order value like
// want. Cursors of the default order (by id) carry none.
func fits(v, want ent.Value) bool {
	switch v.(type) {
	case nil:
		return true
	case time.Time:
		_, ok := want.(time.Time)
		return ok
	case string:
		return want != nil && reflect.TypeOf(want).Kind() == reflect.String
	}
	return false
}
