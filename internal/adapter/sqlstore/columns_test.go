package sqlstore_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/ferryhq/ferry/ent/migrate"
	"github.com/ferryhq/ferry/internal/adapter/sqlstore"
)

var (
	insertInto = regexp.MustCompile(`(?s)INSERT INTO (\w+) \(([^)]*)\)`)
	qualified  = regexp.MustCompile(`\b([a-z])\.([a-z_]+)\b`)
)

// Every column a hand-written statement names is a column of ent's schema;
// an insert fills every column that has neither a default nor NULL; a
// statement that reads whole rows into ent's entities reads every column.
// A field added to the schema, or renamed, fails here before it fails in
// production.
func TestStatementsAgreeWithEntsSchema(t *testing.T) {
	tables := map[string]*schema.Table{}
	for _, tb := range migrate.Tables {
		tables[tb.Name] = tb
	}
	has := func(tb *schema.Table, col string) bool {
		return slices.ContainsFunc(tb.Columns, func(c *schema.Column) bool { return c.Name == col })
	}
	for _, st := range sqlstore.Statements {
		t.Run(st.Name, func(t *testing.T) {
			for _, m := range insertInto.FindAllStringSubmatch(st.SQL, -1) {
				tb := tables[m[1]]
				if tb == nil {
					t.Fatalf("inserts into %s, which ent's schema does not have", m[1])
				}
				var cols []string
				for c := range strings.SplitSeq(m[2], ",") {
					cols = append(cols, strings.TrimSpace(c))
				}
				for _, c := range cols {
					if !has(tb, c) {
						t.Errorf("inserts column %s.%s, which ent's schema does not have", tb.Name, c)
					}
				}
				for _, c := range tb.Columns {
					if !c.Nullable && c.Default == nil && !slices.Contains(cols, c.Name) {
						t.Errorf("leaves out %s.%s, which has no default and may not be NULL", tb.Name, c.Name)
					}
				}
			}
			read := map[string][]string{}
			for _, m := range qualified.FindAllStringSubmatch(st.SQL, -1) {
				name, ok := st.Aliases[m[1]]
				if !ok {
					continue
				}
				if !has(tables[name], m[2]) {
					t.Errorf("names %s.%s (%s), which ent's schema does not have", m[1], m[2], name)
				}
				read[m[1]] = append(read[m[1]], m[2])
			}
			for _, alias := range st.ReadsAll {
				for _, c := range tables[st.Aliases[alias]].Columns {
					if !slices.Contains(read[alias], c.Name) {
						t.Errorf("reads whole %s rows but not the column %s", st.Aliases[alias], c.Name)
					}
				}
			}
		})
	}
}
