// Package apperr is Ferry's one error type clients see: a code they can act
// on and a message that is safe to show them. Every extensions.code, in a
// GraphQL answer or an HTTP-level refusal, is written here (Extensions).
package apperr

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/internal/edge/viewer"
)

// Code is the machine-readable kind of an error, as sent in extensions.code.
type Code string

// The codes clients see.
const (
	BadInput        Code = "BAD_USER_INPUT"
	NotFound        Code = "NOT_FOUND"
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	Conflict        Code = "CONFLICT"
	Internal        Code = "INTERNAL"
	QuotaExceeded   Code = "QUOTA_EXCEEDED"
	// Unavailable: a dependency is down; the request may be retried.
	Unavailable Code = "UNAVAILABLE"
	// RateLimited: the token's budget is spent; retryAfter says for how long.
	RateLimited Code = "RATE_LIMITED"
	// Refusals of a request's shape, before anything runs.
	BadRequest        Code = "BAD_REQUEST"
	RequestTooLarge   Code = "REQUEST_TOO_LARGE"
	QueryTooDeep      Code = "QUERY_TOO_DEEP"
	QueryTooComplex   Code = "QUERY_TOO_COMPLEX"
	ResponseTooLarge  Code = "RESPONSE_TOO_LARGE"
	TooManyOperations Code = "TOO_MANY_OPERATIONS"
	// GraphQLValidationFailed: gqlgen refused the document.
	GraphQLValidationFailed Code = "GRAPHQL_VALIDATION_FAILED"
)

// Error is a domain error with a user-safe message.
type Error struct {
	Code    Code
	Field   string // the input field at fault, for BadInput
	Message string
	// Detail goes to the client beside the code (a limit, the value over
	// it, retryAfter).
	Detail map[string]any
	Err    error // the cause, never shown to clients
}

// New returns an error of code with a message and detail.
func New(code Code, msg string, detail map[string]any) *Error {
	return &Error{Code: code, Message: msg, Detail: detail}
}

// Extensions is what a client sees of e beside its message: its code, the
// field at fault, and its detail.
func (e *Error) Extensions() map[string]any {
	ext := make(map[string]any, 2+len(e.Detail))
	maps.Copy(ext, e.Detail)
	ext["code"] = string(e.Code)
	if e.Field != "" {
		ext["field"] = e.Field
	}
	return ext
}

// GraphQL is e as one GraphQL error.
func (e *Error) GraphQL() *gqlerror.Error {
	return &gqlerror.Error{Message: e.Message, Extensions: e.Extensions()}
}

// WriteHTTP answers an HTTP request with e alone, in the shape of a GraphQL
// answer, so clients handle refusals the way they handle every other error.
func WriteHTTP(w http.ResponseWriter, status int, e *Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": e.Message, "extensions": e.Extensions()}},
	})
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Invalid reports bad input in field; the message names the field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: BadInput, Field: field, Message: field + ": " + fmt.Sprintf(format, args...)}
}

// Missing reports that what (e.g. "configuration cfg_…") does not exist, or is
// not the caller's, which must look the same.
func Missing(what string) *Error {
	return &Error{Code: NotFound, Message: what + " not found"}
}

// Denied reports an operation the caller may not perform, saying why.
func Denied(format string, args ...any) *Error {
	return &Error{Code: Forbidden, Message: fmt.Sprintf(format, args...)}
}

// Conflicting reports a state that forbids the operation.
func Conflicting(format string, args ...any) *Error {
	return &Error{Code: Conflict, Message: fmt.Sprintf(format, args...)}
}

// OverQuota reports that an account already has the most of what (e.g.
// "configurations") that variable, the environment variable setting the
// quota, allows.
func OverQuota(what string, limit int, variable string) *Error {
	return &Error{Code: QuotaExceeded, Message: fmt.Sprintf(
		"quota exceeded: an account may have at most %d %s (%s); delete or revoke one first", limit, what, variable)}
}

// From classifies any error into a domain error. Unknown errors become
// Internal, whose message is generic so that no SQL or internals leak.
func From(err error) *Error {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, viewer.ErrUnauthenticated):
		return &Error{Code: Unauthenticated, Message: "a valid API token is required (Authorization: Bearer <token>)", Err: err}
	case errors.Is(err, viewer.ErrForbidden):
		return &Error{Code: Forbidden, Message: "this token may not perform this operation", Err: err}
	case ent.IsNotFound(err):
		return &Error{Code: NotFound, Message: "not found", Err: err}
	}
	var ve *ent.ValidationError
	if errors.As(err, &ve) {
		field := camel(ve.Name)
		return &Error{Code: BadInput, Field: field, Message: field + ": invalid value", Err: err}
	}
	if ent.IsConstraintError(err) {
		return &Error{Code: Conflict, Message: "conflicts with existing data", Err: err}
	}
	if Unreachable(err) {
		return &Error{Code: Unavailable, Message: "a service Ferry depends on is unavailable, try again",
			Detail: map[string]any{"retryAfter": RetryAfter}, Err: err}
	}
	return &Error{Code: Internal, Message: "internal error", Err: err}
}

// RetryAfter is the Retry-After, in seconds, of a request refused because a
// dependency is down.
const RetryAfter = 1

// Unreachable reports whether err says that a dependency could not be
// reached or went away (PostgreSQL down or restarting, Redis down), rather
// than that the request was wrong: the request may be retried as it is.
func Unreachable(err error) bool {
	var (
		op    *net.OpError
		state interface{ SQLState() string }
	)
	switch {
	case errors.As(err, &op), errors.Is(err, driver.ErrBadConn), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &state):
		// Class 08 is a connection exception; 57P01-57P03, the server
		// shutting down or starting.
		code := state.SQLState()
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03"
	}
	return false
}

// camel turns an ent field name (max_parallel) into its GraphQL name (maxParallel).
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
