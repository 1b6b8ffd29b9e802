// Package apperr is Ferry's one domain error type: a code clients can act on
// and a message that is safe to show them. The GraphQL layer maps it to
// extensions.code in one place (graph/errors.go).
package apperr

import (
	"errors"
	"fmt"
	"strings"

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
)

// Error is a domain error with a user-safe message.
type Error struct {
	Code    Code
	Field   string // the input field at fault, for BadInput
	Message string
	Err     error // the cause, never shown to clients
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
	return &Error{Code: Internal, Message: "internal error", Err: err}
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
