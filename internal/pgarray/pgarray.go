// Package pgarray writes PostgreSQL array literals ({"a","b",NULL}) for the
// statements that take a whole batch as one array per column.
//
// lib/pq's pq.Array writes the same literals, but it copies every string
// into a growing buffer: at 100 attempts a statement it was the largest
// allocator of a delivery's path. These functions measure first and
// allocate each literal once.
package pgarray

import (
	"database/sql"
	"strconv"
	"time"
	"unsafe"

	"github.com/lib/pq"
)

// Text is ss as a text[] (or jsonb[], …) literal. Every element is quoted,
// so none of them reads as NULL, whatever it holds.
func Text(ss []string) string {
	size := 2 + len(ss)
	for _, s := range ss {
		size += quotedLen(s)
	}
	return literal(ss, size, appendQuoted)
}

// NullText is Text with NULL for each invalid element.
func NullText(ss []sql.NullString) string {
	size := 2 + len(ss)
	for _, s := range ss {
		size += max(quotedLen(s.String), len("NULL"))
	}
	return literal(ss, size, func(b []byte, s sql.NullString) []byte {
		if !s.Valid {
			return append(b, "NULL"...)
		}
		return appendQuoted(b, s.String)
	})
}

// Int64 is ns as a bigint[] (or int[]) literal.
func Int64(ns []int64) string {
	return literal(ns, 2+21*len(ns), appendInt)
}

// NullInt64 is Int64 with NULL for each invalid element.
func NullInt64(ns []sql.NullInt64) string {
	return literal(ns, 2+21*len(ns), func(b []byte, n sql.NullInt64) []byte {
		if !n.Valid {
			return append(b, "NULL"...)
		}
		return appendInt(b, n.Int64)
	})
}

// Bool is bs as a boolean[] literal.
func Bool(bs []bool) string {
	return literal(bs, 2+2*len(bs), func(b []byte, v bool) []byte {
		if v {
			return append(b, 't')
		}
		return append(b, 'f')
	})
}

// Time is ts as a timestamptz[] literal, to the nanosecond as lib/pq sends
// a single time: PostgreSQL rounds it to the microsecond it keeps.
func Time(ts []time.Time) string {
	return literal(ts, 2+timeLen*len(ts), appendTime)
}

// NullTime is Time with NULL for each invalid element.
func NullTime(ts []sql.NullTime) string {
	return literal(ts, 2+timeLen*len(ts), func(b []byte, t sql.NullTime) []byte {
		if !t.Valid {
			return append(b, "NULL"...)
		}
		return appendTime(b, t.Time)
	})
}

// literal writes xs between braces, comma-separated, each by appendOne,
// into one buffer of size bytes (more if that was short).
func literal[T any](xs []T, size int, appendOne func([]byte, T) []byte) string {
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendOne(b, x)
	}
	// The buffer is handed over as the string without a copy: nothing
	// writes to it after this.
	b = append(b, '}')
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

// timeLayout needs no quoting in an array literal: digits, '-', ':', 'T',
// '.' and 'Z' only.
const (
	timeLayout = "2006-01-02T15:04:05.999999999Z"
	timeLen    = len("2006-01-02T15:04:05.999999999Z") + 1
)

// appendTime writes t in UTC. Years outside 1–9999, which that layout
// cannot write, go as lib/pq writes them (e.g. "0001-01-01 … BC"), quoted.
func appendTime(b []byte, t time.Time) []byte {
	u := t.UTC()
	if y := u.Year(); y >= 1 && y <= 9999 {
		return u.AppendFormat(b, timeLayout)
	}
	b = append(b, '"')
	b = append(b, pq.FormatTimestamp(t)...)
	return append(b, '"')
}

// quotedLen is the length of s written by writeQuoted.
func quotedLen(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			n++
		}
	}
	return n
}

// appendQuoted writes s between double quotes, with a backslash before
// each double quote and backslash: inside quotes, braces, commas,
// whitespace and the word NULL are plain text.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', c)
			start = i + 1
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
