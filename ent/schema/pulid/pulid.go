// Package pulid implements Ferry's ids: a type prefix, an underscore and a ULID
// ("cfg_01HF…"), so ids sort by creation time and say what they name.
package pulid

import (
	"crypto/rand"
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// ID is a prefixed ULID.
type ID string

var (
	entropyMu sync.Mutex
	// Monotonic entropy keeps ids minted in the same millisecond ordered; it is
	// not safe for concurrent use, hence the mutex.
	entropy = ulid.Monotonic(rand.Reader, 0)
)

// New returns a fresh id with the given prefix (without the underscore).
func New(prefix string) ID {
	entropyMu.Lock()
	u := ulid.MustNew(ulid.Timestamp(time.Now()), entropy)
	entropyMu.Unlock()
	return ID(prefix + "_" + u.String())
}

// Prefix returns the type prefix of id, or "" when it has none.
func (u ID) Prefix() string {
	p, _, ok := strings.Cut(string(u), "_")
	if !ok {
		return ""
	}
	return p
}

// UnmarshalGQL reads an id from a GraphQL input.
func (u *ID) UnmarshalGQL(v any) error { return u.Scan(v) }

// MarshalGQL writes the id as a GraphQL string.
func (u ID) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(u))) }

// Scan reads an id from the database.
func (u *ID) Scan(src any) error {
	switch src := src.(type) {
	case string:
		*u = ID(src)
	case []byte:
		*u = ID(src)
	case ID:
		*u = src
	case nil:
		return fmt.Errorf("pulid: expected a value")
	default:
		return fmt.Errorf("pulid: unexpected type %T", src)
	}
	return nil
}

// Value writes the id to the database.
func (u ID) Value() (driver.Value, error) { return string(u), nil }
