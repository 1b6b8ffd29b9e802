package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/internal/apperr"
)

// MaxPageSize is the largest first/last a connection takes, and the page
// size when a query gives neither.
const MaxPageSize = 500

// Error codes of refused operations.
const (
	codeTooDeep    = "QUERY_TOO_DEEP"
	codeTooComplex = "QUERY_TOO_COMPLEX"
)

// QueryLimits refuses, before anything runs, operations nested deeper than
// MaxDepth fields or asking for more than MaxComplexity fields, where a
// field under a list counts once per item the list may hold: a connection's
// first/last (MaxPageSize when absent), nodes' number of ids. It also
// refuses first/last above MaxPageSize, naming the argument.
type QueryLimits struct {
	MaxDepth      int
	MaxComplexity int
}

var (
	_ graphql.HandlerExtension          = QueryLimits{}
	_ graphql.OperationParameterMutator = QueryLimits{}
	_ graphql.OperationContextMutator   = QueryLimits{}
)

// ExtensionName implements graphql.HandlerExtension.
func (QueryLimits) ExtensionName() string { return "FerryQueryLimits" }

// Validate implements graphql.HandlerExtension.
func (QueryLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters refuses absurdly nested documents before they
// are parsed and validated, which costs time in proportion to their depth.
// Braces also open input objects, so the bound is generous; the exact depth
// is checked after parsing.
func (l QueryLimits) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if depth := braceDepth(p.Query); depth > 4*l.MaxDepth+8 {
		return limitError(codeTooDeep, fmt.Sprintf("the query nests %d levels of braces; the limit is %d fields deep", depth, l.MaxDepth),
			l.MaxDepth, depth)
	}
	return nil
}

// MutateOperationContext measures the parsed operation.
func (l QueryLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	w := walker{vars: oc.Variables, fragments: map[string]bool{}}
	depth, cost := w.selection(oc.Operation.SelectionSet, 1)
	if w.err != nil {
		return w.err
	}
	if depth > l.MaxDepth {
		return limitError(codeTooDeep, fmt.Sprintf("the query is %d fields deep; the limit is %d", depth, l.MaxDepth), l.MaxDepth, depth)
	}
	if cost > l.MaxComplexity {
		return limitError(codeTooComplex, fmt.Sprintf("the query may return %d fields; the limit is %d (lists count at their first/last size: ask for smaller pages or fewer nested fields)", cost, l.MaxComplexity),
			l.MaxComplexity, cost)
	}
	return nil
}

func limitError(code, msg string, limit, got int) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code, "limit": limit, "value": got}}
}

// walker computes the depth and cost of a selection set. Costs saturate at
// a ceiling so that a hostile query cannot overflow them.
type walker struct {
	vars      map[string]any
	fragments map[string]bool // fragments being expanded (a cycle is invalid anyway)
	err       *gqlerror.Error
}

const costCeiling = 1 << 40

func (w *walker) selection(set ast.SelectionSet, level int) (depth, cost int) {
	for _, sel := range set {
		var d, c int
		switch s := sel.(type) {
		case *ast.Field:
			d, c = w.field(s, level)
		case *ast.InlineFragment:
			d, c = w.selection(s.SelectionSet, level)
		case *ast.FragmentSpread:
			if s.Definition == nil || w.fragments[s.Name] {
				continue
			}
			w.fragments[s.Name] = true
			d, c = w.selection(s.Definition.SelectionSet, level)
			delete(w.fragments, s.Name)
		}
		depth = max(depth, d)
		cost = min(cost+c, costCeiling)
	}
	return depth, cost
}

func (w *walker) field(f *ast.Field, level int) (depth, cost int) {
	if w.err == nil {
		w.err = refuseNUL(f, w.vars)
	}
	if len(f.SelectionSet) == 0 {
		return level, 1
	}
	d, c := w.selection(f.SelectionSet, level+1)
	return d, min(1+c*w.multiplier(f), costCeiling)
}

// multiplier is how many items a field's list may hold.
func (w *walker) multiplier(f *ast.Field) int {
	if f.Definition == nil || f.Definition.Arguments.ForName("first") == nil {
		if f.Name == "nodes" {
			if ids, ok := f.ArgumentMap(w.vars)["ids"].([]any); ok {
				return max(len(ids), 1)
			}
		}
		return 1
	}
	args := f.ArgumentMap(w.vars)
	n, given := 0, false
	for _, name := range []string{"first", "last"} {
		v, ok := args[name]
		if !ok || v == nil {
			continue
		}
		given = true
		size := toInt(v)
		if size < 0 || size > MaxPageSize {
			if w.err == nil {
				w.err = &gqlerror.Error{
					Message:    fmt.Sprintf("%s: must be from 0 to %d, got %d", name, MaxPageSize, size),
					Extensions: map[string]any{"code": string(apperr.BadInput), "field": name},
				}
			}
			return 1
		}
		n = max(n, int(size))
	}
	if !given {
		return MaxPageSize
	}
	return max(n, 1)
}

// refuseNUL refuses arguments holding a NUL character anywhere (in a
// string, a JSON value or a map key): PostgreSQL cannot store or compare
// it, so it would otherwise surface as an internal error. The field named is
// the argument, or the input field under it.
func refuseNUL(f *ast.Field, vars map[string]any) *gqlerror.Error {
	for _, arg := range f.Arguments {
		v, err := arg.Value.Value(vars)
		if err != nil {
			continue // gqlgen reports malformed values itself
		}
		if obj, ok := v.(map[string]any); ok {
			for k, inner := range obj {
				if hasNUL(k) || containsNUL(inner) {
					return nulError(k)
				}
			}
			continue
		}
		if containsNUL(v) {
			return nulError(arg.Name)
		}
	}
	return nil
}

func nulError(field string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    field + ": must not contain NUL (\\u0000) characters",
		Extensions: map[string]any{"code": string(apperr.BadInput), "field": field},
	}
}

func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// containsNUL looks through a decoded argument value.
func containsNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return hasNUL(x)
	case json.Number:
		return false
	case []any:
		for _, e := range x {
			if containsNUL(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range x {
			if hasNUL(k) || containsNUL(e) {
				return true
			}
		}
	}
	return false
}

// toInt reads an Int argument however it was decoded: a literal, or a
// variable (a json.Number before coercion, an int64 after).
func toInt(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			return -1
		}
		return i
	}
	return -1
}

// braceDepth is the deepest nesting of { in a GraphQL document, skipping
// strings and comments.
func braceDepth(q string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case '{':
			depth++
			deepest = max(deepest, depth)
		case '}':
			depth--
		case '#':
			if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(q)
			}
		case '"':
			if strings.HasPrefix(q[i:], `"""`) {
				if j := strings.Index(q[i+3:], `"""`); j >= 0 {
					i += j + 5
				} else {
					i = len(q)
				}
				continue
			}
			for i++; i < len(q) && q[i] != '"'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		}
	}
	return deepest
}

// pageSize is the first a connection resolver passes on: MaxPageSize when
// the query gives neither first nor last, so no query reads a whole table.
func pageSize(first, last *int) *int {
	if first == nil && last == nil {
		n := MaxPageSize
		return &n
	}
	return first
}

// pageCtx hides pageInfo from ent's pagination when totalCount is not asked
// for. entgql counts every matching row whenever pageInfo is selected,
// although hasNextPage and hasPreviousPage come from fetching one row more
// than the page: on a large history that count is most of the query's time.
func pageCtx(ctx context.Context) context.Context {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ctx
	}
	fields := graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, nil)
	var total, pageInfo, edges bool
	for _, f := range fields {
		switch f.Alias {
		case "totalCount":
			total = true
		case "pageInfo":
			pageInfo = true
		case "edges":
			edges = true
		}
	}
	if total || !pageInfo || !edges {
		return ctx
	}
	var kept ast.SelectionSet
	for _, f := range fields {
		if f.Alias != "pageInfo" {
			kept = append(kept, f.Field)
		}
	}
	c := *fc
	c.Field.Selections = kept
	nctx := graphql.WithFieldContext(ctx, &c)
	c.Parent = fc.Parent // in place of fc, not under it: error paths stay right
	return nctx
}
