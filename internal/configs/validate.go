package configs

import (
	"fmt"
	"strings"

	"github.com/ferryhq/ferry/internal/apperr"
	"github.com/ferryhq/ferry/internal/sender"
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
	headerValueChars = "\r\n\x00"
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

func checkHeaders(h map[string]string) error {
	if len(h) > MaxHeaders {
		return apperr.Invalid("headers", "must have at most %d entries", MaxHeaders)
	}
	for name, value := range h {
		switch {
		case !sender.ValidHeaderName(name):
			return apperr.Invalid("headers", "%q is not a valid header name", name)
		case sender.ReservedHeader(name):
			return apperr.Invalid("headers", "%q is set by Ferry and cannot be overridden", name)
		case strings.ContainsAny(value, headerValueChars):
			return apperr.Invalid("headers", "value of %q must not contain line breaks or NUL", name)
		case len(value) > MaxHeaderValue:
			return apperr.Invalid("headers", "value of %q must be at most %d bytes", name, MaxHeaderValue)
		}
	}
	return nil
}

// describe summarises a failed verification for the error message.
func describe(res sender.Result) string {
	if res.Error != "" {
		return res.Error
	}
	return fmt.Sprintf("answered %d", res.StatusCode)
}
