package configurations

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ferryhq/ferry/internal/adapter/secrets"
	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// Limits of a configuration, as documented in the API.
const (
	MaxRetries       = 20
	MinRetryDelay    = 1
	MaxRetryDelay    = 86400
	MaxHeaders       = 50
	MaxHeaderValue   = 4096
	MinParallel      = 1
	MaxParallel      = 100
	MinTimeout       = 1
	MaxTimeout       = 60
	maxNameLength    = 200
	defaultParallel  = 10
	defaultTimeoutS  = 30
	headerFieldRunes = 64 // of a header name quoted in an error's field
)

func checkName(name string) error { return apperr.CheckName("name", name, maxNameLength) }

func checkRange(field string, v, lo, hi int) error {
	if v < lo || v > hi {
		return apperr.Invalid(field, "must be between %d and %d, got %d", lo, hi, v)
	}
	return nil
}

func checkRetrySchedule(s []int) error {
	if len(s) > MaxRetries {
		return apperr.Invalid("retrySchedule", "must have at most %d delays, got %d", MaxRetries, len(s))
	}
	for i, d := range s {
		if d < MinRetryDelay || d > MaxRetryDelay {
			return apperr.Invalid("retrySchedule", "delay %d must be between %d and %d seconds, got %d", i, MinRetryDelay, MaxRetryDelay, d)
		}
	}
	return nil
}

// checkHeaders refuses static headers a request could not carry, or that
// would take the place of Ferry's own; each refusal names headers.<Name>.
func checkHeaders(h map[string]string) error {
	if len(h) > MaxHeaders {
		return apperr.Invalid("headers", "must have at most %d entries", MaxHeaders)
	}
	seen := make(map[string]string, len(h)) // canonical name → name given
	for _, name := range slices.Sorted(maps.Keys(h)) {
		value, field := h[name], headerField(name)
		canonical := http.CanonicalHeaderKey(name)
		switch {
		case !sender.ValidHeaderName(name):
			return apperr.Invalid(field, "%q is not a valid header name: 1-256 letters, digits and !#$%%&'*+-.^_`|~", name)
		case sender.ReservedHeader(name):
			return apperr.Invalid(field, "%q is set by Ferry and cannot be set here", name)
		case seen[canonical] != "":
			return apperr.Invalid(field, "%q is given twice, also as %q (header names ignore case)", name, seen[canonical])
		case len(value) > MaxHeaderValue:
			return apperr.Invalid(field, "value must be at most %d bytes", MaxHeaderValue)
		case secrets.Redacted(value):
			return apperr.Invalid(field, "value is redacted (%s…) and matches no value stored under this name; send the real value", secrets.Mask)
		}
		if i := strings.IndexFunc(value, unicode.IsControl); i >= 0 {
			r, _ := utf8.DecodeRuneInString(value[i:])
			return apperr.Invalid(field, "value must not contain control characters (%U at byte %d)", r, i)
		}
		seen[canonical] = name
	}
	return nil
}

// headerField names a header in errors, headers.<Name>, with an absurdly
// long name cut short.
func headerField(name string) string {
	if utf8.RuneCountInString(name) > headerFieldRunes {
		name = string([]rune(name)[:headerFieldRunes]) + "…"
	}
	return "headers." + name
}

// keepStored is the header map an update asks for: in, where a value in
// the redacted form of the value stored under the same name (any case)
// stands for that stored value, so a client may send back what it read.
func keepStored(in, stored map[string]string) map[string]string {
	byCanonical := make(map[string]string, len(stored))
	for name, value := range stored {
		byCanonical[http.CanonicalHeaderKey(name)] = value
	}
	out := make(map[string]string, len(in))
	for name, value := range in {
		if old, ok := byCanonical[http.CanonicalHeaderKey(name)]; ok && secrets.Redacted(value) && value == secrets.Redact(old) {
			value = old
		}
		out[name] = value
	}
	return out
}

// describe summarises a failed verification for the error message.
func describe(res sender.Result) string {
	if res.Error != "" {
		return res.Error
	}
	return fmt.Sprintf("answered %d", res.StatusCode)
}
