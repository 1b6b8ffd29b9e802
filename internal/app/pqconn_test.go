package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/testing/testenv"
)

// OpenDB sends parameters in binary, as binary_parameters does, but JSON
// held in a []byte goes as text, which jsonb accepts, while bytea still
// gets its bytes as they are.
func TestOpenDBSendsJSONBytesAsTextAndBytesAsBytes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := app.OpenDB(ctx, testenv.Postgres(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sealed := []byte{1, '{', 0, 255, '}', '"'}
	var (
		doc, raw string
		bin      []byte
	)
	err = db.QueryRowContext(ctx, `SELECT $1::jsonb::text, $2::jsonb::text, $3::bytea`,
		[]byte(`{"a": [1, "x"]}`), json.RawMessage(`"s"`), sealed).Scan(&doc, &raw, &bin)
	if err != nil {
		t.Fatal(err)
	}
	if doc != `{"a": [1, "x"]}` || raw != `"s"` {
		t.Errorf("jsonb read back %s and %s", doc, raw)
	}
	if !bytes.Equal(bin, sealed) {
		t.Errorf("bytea read back %v, want %v", bin, sealed)
	}
}
