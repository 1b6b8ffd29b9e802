package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"

	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/domain/publish"
)

// MaxPageSize is the largest first/last a connection takes, and the page
// size when a query gives neither.
const MaxPageSize = 500

// Bounds every document meets before it is parsed, whatever its token: the
// parser's work grows with its tokens, and validation compares the fields
// sharing a response name pair by pair, so its cost grows with the square of
// the fields a document names.
const (
	// MaxTokens is the most lexical tokens a document may hold; large inputs
	// go in variables, which are not tokens.
	MaxTokens = 20_000
	// MaxSelections is the most names a document may hold outside argument
	// lists: fields, aliases, fragments and their type conditions.
	MaxSelections = 1_000
	// MaxWhereDepth is how deeply objects may nest in a where argument
	// (and/or/not and edge filters); deeper ones would only exhaust the
	// database's memory planning them.
	MaxWhereDepth = 10
	// MaxOutboundPerRequest is the most fields of one request that each make
	// an outbound HTTP request (verifyURL, sendTestEvent, …), aliases included.
	MaxOutboundPerRequest = 10
	// largeFieldWeight is what a field holding up to 256 KiB (an event's data,
	// an attempt's bodies) counts for in the complexity: loading and answering
	// it costs far more than an id.
	largeFieldWeight = 50
	// statsWeight is what deliveryStats adds to the complexity: it runs
	// its own aggregate queries (up to six), so a list of them is costly.
	statsWeight = 200
)

// outboundFields are the mutations that each make an HTTP request to a
// receiver before they answer.
var outboundFields = map[string]bool{
	"verifyURL": true, "sendTestEvent": true, "resendDelivery": true,
	"activateConfiguration": true, "createConfiguration": true, "updateConfiguration": true,
}

// QueryLimits refuses, before anything runs, operations nested deeper than
// MaxDepth fields or asking for more than MaxComplexity fields, where a
// field under a list counts once per item the list may hold: a connection's
// first/last (MaxPageSize when absent), nodes' number of ids. It also
// refuses first/last above MaxPageSize, naming the argument, where inputs
// nested deeper than MaxWhereDepth, and requests whose aliases would
// publish more than one publishEvents call may, or make more than
// MaxOutboundPerRequest outbound requests.
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

// MutateOperationParameters refuses, in one pass over the document's
// tokens, documents that parsing or validating would make expensive: too
// many tokens, too many selections, or absurd nesting. Braces also open input
// objects, so the nesting bound is generous; the exact depth is checked
// after parsing.
func (l QueryLimits) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	lex := lexer.New(&ast.Source{Input: p.Query})
	maxBraces := 4*l.MaxDepth + 8
	braces, parens, selections := 0, 0, 0
	for tokens := 1; ; tokens++ {
		if tokens > MaxTokens {
			return limitError(apperr.QueryTooComplex, fmt.Sprintf("the document holds more than %d tokens; the limit is %d (pass large inputs as variables)", MaxTokens, MaxTokens),
				MaxTokens, tokens)
		}
		tok, err := lex.ReadToken()
		if err != nil {
			return nil // not a valid document: the parser says why
		}
		switch tok.Kind {
		case lexer.EOF:
			return nil
		case lexer.BraceL:
			if braces++; braces > maxBraces {
				return limitError(apperr.QueryTooDeep, fmt.Sprintf("the query nests more than %d levels of braces; the limit is %d fields deep", maxBraces, l.MaxDepth),
					l.MaxDepth, braces)
			}
		case lexer.BraceR:
			braces--
		case lexer.ParenL:
			parens++
		case lexer.ParenR:
			parens--
		case lexer.Name:
			if parens > 0 {
				continue
			}
			if selections++; selections > MaxSelections {
				return limitError(apperr.QueryTooComplex, fmt.Sprintf("the document names more than %d fields, aliases and fragments; the limit is %d", MaxSelections, MaxSelections),
					MaxSelections, selections)
			}
		}
	}
}

// MutateOperationContext measures the parsed operation.
func (l QueryLimits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	w := walker{ctx: ctx, vars: oc.Variables, limits: l, fragments: map[string]*measure{}}
	w.selection(oc.Operation.SelectionSet, 1)
	if w.err != nil {
		return w.err
	}
	if oc.Operation.Operation == ast.Mutation {
		return l.perRequest(oc)
	}
	return nil
}

// perRequest holds the limits of one field to the whole request, so that
// aliases do not multiply them.
func (l QueryLimits) perRequest(oc *graphql.OperationContext) *gqlerror.Error {
	events, outbound := 0, 0
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, nil) {
		switch name := f.Name; {
		case name == "publishEvent":
			events++
		case name == "publishEvents":
			if in, ok := f.ArgumentMap(oc.Variables)["input"].([]any); ok {
				events += len(in)
			}
		case outboundFields[name]:
			outbound++
		}
	}
	if events > publish.MaxEventsPerCall {
		e := apperr.Invalid("input", "the request publishes %d events across its fields; at most %d per request", events, publish.MaxEventsPerCall)
		e.Detail = map[string]any{"limit": publish.MaxEventsPerCall, "value": events}
		return e.GraphQL()
	}
	if outbound > MaxOutboundPerRequest {
		return limitError(apperr.QueryTooComplex, fmt.Sprintf("the request makes %d outbound requests (verifyURL, sendTestEvent, resendDelivery, activateConfiguration, createConfiguration, updateConfiguration); the limit is %d per request", outbound, MaxOutboundPerRequest),
			MaxOutboundPerRequest, outbound)
	}
	return nil
}

func limitError(code apperr.Code, msg string, limit, got int) *gqlerror.Error {
	return apperr.New(code, msg, map[string]any{"limit": limit, "value": got}).GraphQL()
}

// walker computes the depth and cost of a selection set, each fragment once,
// and stops at the first limit passed. Costs saturate at a ceiling so that a
// hostile query cannot overflow them.
type walker struct {
	ctx       context.Context
	vars      map[string]any
	limits    QueryLimits
	fragments map[string]*measure // nil while being measured (a cycle is invalid anyway)
	fields    int
	err       *gqlerror.Error
}

// measure is a fragment's cost and its depth counted from its own level.
type measure struct{ depth, cost int }

const costCeiling = 1 << 40

func (w *walker) selection(set ast.SelectionSet, level int) (depth, cost int) {
	for _, sel := range set {
		if w.err != nil {
			return depth, cost
		}
		var d, c int
		switch s := sel.(type) {
		case *ast.Field:
			d, c = w.field(s, level)
		case *ast.InlineFragment:
			d, c = w.selection(s.SelectionSet, level)
		case *ast.FragmentSpread:
			m, seen := w.fragments[s.Name]
			if s.Definition == nil || (seen && m == nil) {
				continue
			}
			if !seen {
				w.fragments[s.Name] = nil
				fd, fc := w.selection(s.Definition.SelectionSet, 1)
				m = &measure{depth: fd, cost: fc}
				w.fragments[s.Name] = m
			}
			d, c = m.depth+level-1, m.cost
		}
		depth = max(depth, d)
		cost = min(cost+c, costCeiling)
		w.check(depth, cost)
	}
	return depth, cost
}

// check records the first limit passed, or the request's end: a partial
// depth or cost only grows on the way up.
func (w *walker) check(depth, cost int) {
	switch {
	case w.err != nil:
	case depth > w.limits.MaxDepth:
		w.err = limitError(apperr.QueryTooDeep, fmt.Sprintf("the query is at least %d fields deep; the limit is %d", depth, w.limits.MaxDepth), w.limits.MaxDepth, depth)
	case cost > w.limits.MaxComplexity:
		w.err = limitError(apperr.QueryTooComplex, fmt.Sprintf("the query may return at least %d fields; the limit is %d (lists count at their first/last size, an event's data or an attempt's body as %d: ask for smaller pages or fewer nested fields)", cost, w.limits.MaxComplexity, largeFieldWeight),
			w.limits.MaxComplexity, cost)
	case w.fields%1024 == 0 && w.ctx.Err() != nil:
		w.err = gqlerror.Errorf("request cancelled")
	}
}

func (w *walker) field(f *ast.Field, level int) (depth, cost int) {
	w.fields++
	if w.err == nil {
		w.err = refuseBadArguments(f, w.vars)
	}
	if len(f.SelectionSet) == 0 {
		return level, weight(f)
	}
	d, c := w.selection(f.SelectionSet, level+1)
	cost = 1 + c*w.multiplier(f)
	if f.Name == "deliveryStats" {
		cost += statsWeight
	}
	return d, min(cost, costCeiling)
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
				w.err = apperr.Invalid(name, "must be from 0 to %d, got %d", MaxPageSize, size).GraphQL()
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

// weight is what a leaf field counts for in the complexity.
func weight(f *ast.Field) int {
	if f.Definition == nil || f.ObjectDefinition == nil {
		return 1
	}
	switch {
	case f.Definition.Type.NamedType == "JSON",
		f.ObjectDefinition.Name == "DeliveryAttempt" && (f.Name == "requestBody" || f.Name == "responseBody"):
		return largeFieldWeight
	}
	return 1
}

// refuseBadArguments refuses arguments holding a NUL character anywhere (in
// a string, a JSON value or a map key): PostgreSQL cannot store or compare
// it, so it would otherwise surface as an internal error. The field named is
// the argument, or the input field under it. It also refuses where filters
// nested deeper than MaxWhereDepth.
func refuseBadArguments(f *ast.Field, vars map[string]any) *gqlerror.Error {
	for _, arg := range f.Arguments {
		v, err := arg.Value.Value(vars)
		if err != nil {
			continue // gqlgen reports malformed values itself
		}
		if arg.Name == "where" && nesting(v, MaxWhereDepth+1) > MaxWhereDepth {
			return apperr.Invalid("where", "filters may nest at most %d levels (and, or, not and edge filters)", MaxWhereDepth).GraphQL()
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
	return apperr.Invalid(field, "must not contain NUL (\\u0000) characters").GraphQL()
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

// nesting is how deeply objects nest in v, counted up to limit.
func nesting(v any, limit int) int {
	if limit <= 0 {
		return 0
	}
	deepest := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			deepest = max(deepest, nesting(e, limit-1))
		}
		return 1 + deepest
	case []any:
		for _, e := range x {
			deepest = max(deepest, nesting(e, limit))
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
