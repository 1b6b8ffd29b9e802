package testenv

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// Querier runs a query: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Explain returns PostgreSQL's plan of query with args, one node a line.
// options go in EXPLAIN's parentheses, e.g. "ANALYZE, COSTS OFF"
// (ANALYZE runs the statement: give it a transaction to roll back).
func Explain(t testing.TB, q Querier, options, query string, args ...any) string {
	t.Helper()
	rows, err := q.QueryContext(t.Context(), "EXPLAIN ("+options+") "+query, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatalf("explain: %v", err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("explain: %v", err)
	}
	return plan.String()
}
