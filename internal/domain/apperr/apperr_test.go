package apperr_test

import (
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"

	"github.com/ferryhq/ferry/internal/domain/apperr"
)

// A dependency that could not be reached is UNAVAILABLE (retry as it is);
// anything else unknown stays INTERNAL.
func TestFromTellsAnUnreachableDependencyFromAnInternalError(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, c := range []struct {
		err  error
		want apperr.Code
	}{
		{fmt.Errorf("query accounts: %w", refused), apperr.Unavailable},
		{fmt.Errorf("save: %w", &pq.Error{Code: "57P01"}), apperr.Unavailable}, // admin shutdown
		{fmt.Errorf("save: %w", &pq.Error{Code: "08006"}), apperr.Unavailable}, // connection failure
		{fmt.Errorf("save: %w", &pq.Error{Code: "42P01"}), apperr.Internal},    // undefined table
		{errors.New("something else"), apperr.Internal},
	} {
		e := apperr.From(c.err)
		if e.Code != c.want {
			t.Errorf("From(%v) = %s, want %s", c.err, e.Code, c.want)
		}
		if e.Code == apperr.Unavailable && e.Extensions()["retryAfter"] != 1 {
			t.Errorf("From(%v) extensions %v, want retryAfter 1", c.err, e.Extensions())
		}
	}
}
