package graph_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// boilerplate is what Relay and entgql generate the same way for every type;
// the rest of the schema must explain itself in the playground.
func boilerplate(typeName string) bool {
	return strings.HasPrefix(typeName, "__") || strings.HasSuffix(typeName, "Connection") ||
		strings.HasSuffix(typeName, "Edge") || strings.HasSuffix(typeName, "WhereInput") ||
		strings.HasSuffix(typeName, "Order") || strings.HasSuffix(typeName, "OrderField") ||
		typeName == "PageInfo"
}

func TestEveryTypeAndFieldIsDescribed(t *testing.T) {
	t.Parallel()
	e := apptest.New(t, true)
	res := e.Do("", `{ __schema { types { name kind description
		fields { name description } inputFields { name description } enumValues { name description } } } }`, nil)
	if len(res.Errors) > 0 {
		t.Fatalf("introspection: %+v", res.Errors)
	}
	var out struct {
		Schema struct {
			Types []struct {
				Name, Kind, Description string
				Fields, InputFields     []struct{ Name, Description string }
			}
		} `json:"__schema"`
	}
	if err := json.Unmarshal(res.Data, &out); err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, typ := range out.Schema.Types {
		if boilerplate(typ.Name) || typ.Kind == "SCALAR" && (typ.Name == "String" || typ.Name == "Int" || typ.Name == "Boolean" || typ.Name == "ID" || typ.Name == "Float") {
			continue
		}
		if typ.Description == "" {
			missing = append(missing, typ.Name)
		}
		for _, f := range append(typ.Fields, typ.InputFields...) {
			if f.Description == "" {
				missing = append(missing, typ.Name+"."+f.Name)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d types and fields have no description:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
