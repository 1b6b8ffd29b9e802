package telemetry

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// maxOperationNames bounds the operation label: named operations are named
// by clients, so past this many distinct names the rest count as "other".
const maxOperationNames = 200

// maxOperationLabel is the longest operation label, in bytes; GraphQL names
// are ASCII, so cutting them keeps them valid.
const maxOperationLabel = 64

// Operation labels that are not an operation's own name.
const (
	opInvalid = "invalid" // refused before it was an operation: unparsable, invalid, unknown name
	opOther   = "other"   // past maxOperationNames
	// A request without a valid token never names a series: anyone could
	// send one with a new name each time.
	opUnauthenticated = "unauthenticated"
)

// GraphQL returns the gqlgen extension behind ferry_graphql_requests_total.
// Use it before extensions that may answer an operation themselves (an
// authentication check) so their answers are counted too.
func (m *Metrics) GraphQL() graphql.HandlerExtension { return graphqlCounter{m} }

// graphqlCounter counts each request once, at its first response: a query
// or mutation has one, a subscription's first says whether it started.
type graphqlCounter struct{ m *Metrics }

var (
	_ graphql.OperationInterceptor = graphqlCounter{}
	_ graphql.ResponseInterceptor  = graphqlCounter{}
)

// counted marks the context of an operation whose responses
// InterceptOperation counts, so InterceptResponse does not count them again.
type counted struct{}

// ExtensionName implements graphql.HandlerExtension.
func (graphqlCounter) ExtensionName() string { return "FerryMetrics" }

// Validate implements graphql.HandlerExtension.
func (graphqlCounter) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation counts operations, including those answered by an
// operation middleware that never runs the executor (and so never reaches
// the response interceptors).
func (g graphqlCounter) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	responses := next(context.WithValue(ctx, counted{}, true))
	var once sync.Once
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp != nil {
			once.Do(func() { g.m.graphqlRequest(ctx, oc, resp) })
		}
		return resp
	}
}

// InterceptResponse counts requests refused before they became an
// operation: gqlgen answers those through the response interceptors only.
func (g graphqlCounter) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp != nil && ctx.Value(counted{}) == nil {
		var oc *graphql.OperationContext
		if graphql.HasOperationContext(ctx) {
			oc = graphql.GetOperationContext(ctx)
		}
		g.m.graphqlRequest(ctx, oc, resp)
	}
	return resp
}

func (m *Metrics) graphqlRequest(ctx context.Context, oc *graphql.OperationContext, resp *graphql.Response) {
	if m == nil {
		return
	}
	label := opUnauthenticated
	if _, ok := viewer.FromContext(ctx); ok {
		label = m.operationLabel(oc)
	}
	m.graphql.WithLabelValues(label, result(resp)).Inc()
}

// operationLabel is the operation's name or, when anonymous, its first root
// field (as in `mutation { publishEvent(...) }`), cut to maxOperationLabel
// bytes and bounded by maxOperationNames.
func (m *Metrics) operationLabel(oc *graphql.OperationContext) string {
	if oc == nil || oc.Operation == nil {
		return opInvalid
	}
	name := oc.Operation.Name
	if name == "" {
		name = firstField(oc.Operation.SelectionSet)
	}
	if name == "" {
		return opInvalid
	}
	if len(name) > maxOperationLabel {
		name = name[:maxOperationLabel]
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.operations[name] {
		if len(m.operations) >= maxOperationNames {
			return opOther
		}
		m.operations[name] = true
	}
	return name
}

// firstField is the name of the first field of set, looking into fragments.
func firstField(set ast.SelectionSet) string {
	for _, sel := range set {
		var name string
		switch s := sel.(type) {
		case *ast.Field:
			return s.Name
		case *ast.InlineFragment:
			name = firstField(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				name = firstField(s.Definition.SelectionSet)
			}
		}
		if name != "" {
			return name
		}
	}
	return ""
}

// result is "ok", or the first error's extensions.code ("error" without one).
func result(resp *graphql.Response) string {
	if len(resp.Errors) == 0 {
		return "ok"
	}
	if code, ok := resp.Errors[0].Extensions["code"].(string); ok && code != "" {
		return code
	}
	return "error"
}
