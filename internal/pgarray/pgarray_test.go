package pgarray_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/ferryhq/ferry/internal/pgarray"
	"github.com/ferryhq/ferry/internal/testenv"
)

func open(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", testenv.Postgres(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// hostile are strings that an array literal must not misread: quotes,
// backslashes, the word NULL, the literal's own punctuation, whitespace
// that an unquoted element would lose, and JSON as attempts store it.
var hostile = []string{
	"", "NULL", "null", `a"b`, `a\b`, `\"`, `"`, `\`, `\\"\\`, "{}", "{a,b}", "a,b", ",",
	" leading and trailing ", "tab\tnew\nline\r", "ünïcödé ✓ 🚢", `{"k":"v \"q\" \\ \u00e9"}`,
	strings.Repeat(`x"\`, 4000),
}

// readBack is what PostgreSQL reads out of literal as an array of cast,
// element by element.
func readBack(t *testing.T, db *sql.DB, cast, literal string) []sql.NullString {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), "SELECT v FROM unnest($1::"+cast+") WITH ORDINALITY AS u(v, i) ORDER BY i", literal)
	if err != nil {
		t.Fatalf("%s: %v", cast, err)
	}
	defer rows.Close()
	var got []sql.NullString
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTextIsReadBackAsWritten(t *testing.T) {
	db := open(t)
	for _, cast := range []string{"text[]", "varchar[]"} {
		got := readBack(t, db, cast, pgarray.Text(hostile))
		if len(got) != len(hostile) {
			t.Fatalf("%s: %d elements read back, want %d", cast, len(got), len(hostile))
		}
		for i, want := range hostile {
			if !got[i].Valid || got[i].String != want {
				t.Errorf("%s element %d: read back %+v, want %q", cast, i, got[i], want)
			}
		}
	}
}

func TestNullTextKeepsNullsApartFromTheWordNull(t *testing.T) {
	db := open(t)
	in := []sql.NullString{{}, {String: "NULL", Valid: true}, {String: "", Valid: true}, {}, {String: `q"\`, Valid: true}}
	got := readBack(t, db, "text[]", pgarray.NullText(in))
	if len(got) != len(in) {
		t.Fatalf("%d elements read back, want %d", len(got), len(in))
	}
	for i := range in {
		if got[i] != in[i] {
			t.Errorf("element %d: read back %+v, want %+v", i, got[i], in[i])
		}
	}
}

// same asks PostgreSQL whether two literals of type cast hold the same
// values, so that each function is held to what pq.Array sends.
func same(t *testing.T, db *sql.DB, cast string, ours string, theirs any) {
	t.Helper()
	var eq, notEmpty bool
	err := db.QueryRowContext(t.Context(), "SELECT $1::"+cast+" IS NOT DISTINCT FROM $2::"+cast+", cardinality($1::"+cast+") > 0",
		ours, theirs).Scan(&eq, &notEmpty)
	if err != nil {
		t.Fatalf("%s %s: %v", cast, ours, err)
	}
	if !eq || !notEmpty {
		t.Errorf("%s: PostgreSQL reads %s differently from what pq.Array sends", cast, ours)
	}
}

func TestJSONElementsParseAsPqSendsThem(t *testing.T) {
	db := open(t)
	docs := []string{`{}`, `{"a":"NULL","b":null}`, `{"q":"\"","b":"\\","u":"ü\u00e9"}`, `["{a,b}", " x "]`, `"NULL"`}
	same(t, db, "jsonb[]", pgarray.Text(docs), pq.Array(docs))
}

func TestNumbersAndBooleansParseAsPqSendsThem(t *testing.T) {
	db := open(t)
	ints := []int64{0, -1, 42, 1<<63 - 1, -1 << 63}
	same(t, db, "bigint[]", pgarray.Int64(ints), pq.Array(ints))
	nulls := []sql.NullInt64{{Int64: 200, Valid: true}, {}, {Int64: -7, Valid: true}}
	same(t, db, "bigint[]", pgarray.NullInt64(nulls), pq.Array(nulls))
	bools := []bool{true, false, false, true}
	same(t, db, "boolean[]", pgarray.Bool(bools), pq.Array(bools))
}

func TestTimesParseAsPqSendsThem(t *testing.T) {
	db := open(t)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	times := []time.Time{
		time.Now(),
		time.Date(2026, 12, 1, 6, 53, 25, 0, time.UTC),             // no fraction at all
		time.Date(2026, 12, 31, 23, 59, 59, 999_999_999, time.UTC), // rounds into the next year
		time.Date(2026, 3, 29, 2, 30, 0, 500, paris),               // another zone, half a microsecond
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-44, 3, 15, 12, 0, 0, 0, time.UTC), // BC, which the fast layout cannot write
		time.Date(12026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	same(t, db, "timestamptz[]", pgarray.Time(times), pq.Array(times))
	nulls := []sql.NullTime{{Time: times[0], Valid: true}, {}, {Time: times[2], Valid: true}}
	same(t, db, "timestamptz[]", pgarray.NullTime(nulls), pq.Array(nulls))
}

func TestEmptyArraysAreEmpty(t *testing.T) {
	db := open(t)
	for _, lit := range []string{pgarray.Text(nil), pgarray.NullText(nil), pgarray.Int64(nil),
		pgarray.NullInt64(nil), pgarray.Bool(nil), pgarray.Time(nil), pgarray.NullTime(nil)} {
		var n int
		if err := db.QueryRowContext(t.Context(), "SELECT coalesce(cardinality($1::text[]), -1)", lit).Scan(&n); err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		if n != 0 {
			t.Errorf("%s: cardinality %d, want 0", lit, n)
		}
	}
}

// headerLike is a column of request headers as an attempts' save sends it.
func headerLike() []string {
	h := `{"Content-Type":"application/json","User-Agent":"Ferry/1.0","Webhook-Id":"evt_01JDX8Z6Q7M3N4P5R6S7T8V9W0",` +
		`"Webhook-Signature":"v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=","X-Signature":"6f1c0e9a8b7d6c5e4f3a2b1c0d9e8f7a"}`
	ss := make([]string, 100)
	for i := range ss {
		ss[i] = h
	}
	return ss
}

func BenchmarkText(b *testing.B) {
	ss := headerLike()
	b.ReportAllocs()
	for b.Loop() {
		_ = pgarray.Text(ss)
	}
}

func BenchmarkPqStringArray(b *testing.B) {
	ss := headerLike()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = pq.StringArray(ss).Value()
	}
}
