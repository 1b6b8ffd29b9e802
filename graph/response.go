package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// ResponseLimit bounds the bytes of one answer of a query or a subscription:
// the strings, JSON and maps its fields resolve to are counted as they
// resolve, fields after the budget is spent are not resolved at all (so
// their rows are not loaded), and the answer becomes one RESPONSE_TOO_LARGE
// error. Mutations are left whole: they have already taken effect, and their
// answers are bounded by their inputs.
type ResponseLimit struct{ MaxBytes int }

var (
	_ graphql.HandlerExtension    = ResponseLimit{}
	_ graphql.ResponseInterceptor = ResponseLimit{}
	_ graphql.FieldInterceptor    = ResponseLimit{}
)

// ExtensionName implements graphql.HandlerExtension.
func (ResponseLimit) ExtensionName() string { return "FerryResponseLimit" }

// Validate implements graphql.HandlerExtension.
func (ResponseLimit) Validate(graphql.ExecutableSchema) error { return nil }

type budgetKey struct{}

// budget is what is left of one answer's bytes.
type budget struct{ left atomic.Int64 }

func (b *budget) spent() bool { return b.left.Load() < 0 }

// InterceptResponse gives each answer its budget, and refuses it whole
// once the budget is spent.
func (l ResponseLimit) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if l.MaxBytes <= 0 || !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation == ast.Mutation {
		return next(ctx)
	}
	b := &budget{}
	b.left.Store(int64(l.MaxBytes))
	resp := next(context.WithValue(ctx, budgetKey{}, b))
	if resp == nil || (!b.spent() && len(resp.Data) <= l.MaxBytes) {
		return resp
	}
	return &graphql.Response{Errors: gqlerror.List{l.tooLarge()}}
}

// InterceptField counts what each field resolved to against its answer's
// budget.
func (l ResponseLimit) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	b, _ := ctx.Value(budgetKey{}).(*budget)
	if b == nil {
		return next(ctx)
	}
	if b.spent() {
		return nil, l.tooLarge()
	}
	res, err := next(ctx)
	if b.left.Add(-int64(size(res))) < 0 {
		return nil, l.tooLarge()
	}
	return res, err
}

func (l ResponseLimit) tooLarge() *gqlerror.Error {
	return apperr.New(apperr.ResponseTooLarge,
		fmt.Sprintf("the answer would be larger than %d bytes (FERRY_MAX_RESPONSE_BYTES): ask for smaller pages or fewer large fields (data, requestBody, responseBody)", l.MaxBytes),
		map[string]any{"limit": l.MaxBytes}).GraphQL()
}

// size is about how many bytes v adds to an answer; only values whose size
// the client chooses are counted, the rest is bounded by the complexity.
func size(v any) int {
	switch x := v.(type) {
	case string:
		return len(x)
	case *string:
		if x != nil {
			return len(*x)
		}
	case json.RawMessage:
		return len(x)
	case []byte:
		return len(x)
	case map[string]string:
		n := 0
		for k, v := range x {
			n += len(k) + len(v) + 6
		}
		return n
	}
	return 0
}
