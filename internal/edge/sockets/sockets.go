// Package sockets keeps the API's open websockets under the same rules as
// its HTTP requests: each is known by the credential it signed in with, so
// revoking a token (on any API instance, told through Redis) closes its
// sockets at once; each has a lifetime, an idle timeout and caps on what it
// runs at once; and a credential may hold only so many of them.
package sockets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Close codes of the graphql-transport-ws protocol (and of RFC 6455) that
// Ferry closes sockets with. Standard clients (graphql-ws) stop on 4401 and
// 4429 instead of reconnecting in a loop, and reconnect after 1000 when they
// still have subscriptions.
const (
	CodeNormal       = 1000
	CodeUnavailable  = 1011 // the credential could not be checked: retry later
	CodeUnauthorized = 4401
	CodeTooMany      = 4429
)

// Rules are the limits of one websocket.
type Rules struct {
	InitTimeout      time.Duration // to send connection_init
	MaxLifetime      time.Duration // from sign-in to close, whatever it does
	IdleTimeout      time.Duration // with no operation running
	MaxPerCredential int           // open sockets per token, on this instance
	MaxSubscriptions int           // running at once on one socket
	MaxOperations    int           // queries and mutations running at once on one socket
}

// Closer closes a websocket with a code and a reason.
type Closer interface {
	WriteClose(code int, reason string) error
}

// Checker re-checks a socket's credential (its connection_init
// Authorization): nil while it is valid, an error for which Unauthorized is
// true once it is revoked.
type Checker func(ctx context.Context, authorization string) error

// ErrTooMany refuses a socket, or an operation on one, over its caps.
var ErrTooMany = errors.New("too many")

// How often the maintenance loop looks at every socket, and how often it
// re-checks their credentials should a revocation's message be lost.
const (
	sweepInterval   = time.Second
	recheckInterval = 30 * time.Second
)

// Registry holds this process's open sockets.
type Registry struct {
	rules        Rules
	rdb          redis.UniversalClient
	channel      string
	check        Checker
	unauthorized func(error) bool
	logger       *slog.Logger
	now          func() time.Time

	mu           sync.Mutex
	byCredential map[string]map[*Socket]struct{}

	stop context.CancelFunc
	done chan struct{}
}

// Socket is one open websocket.
type Socket struct {
	reg           *Registry
	credential    string // a token's id, or "admin"
	Authorization string // as sent in connection_init, to re-check
	conn          Closer
	opened        time.Time

	mu        sync.Mutex
	subs, ops int
	idleSince time.Time
	closed    bool
}

// New returns a registry and starts its loop: it listens for revocations
// on Redis and closes sockets past their lifetime or idle timeout. check
// re-checks credentials; unauthorized tells its refusals from outages.
func New(rdb redis.UniversalClient, rules Rules, check Checker, unauthorized func(error) bool, logger *slog.Logger) *Registry {
	db := 0
	if c, ok := rdb.(*redis.Client); ok {
		db = c.Options().DB
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Registry{
		rules: rules, rdb: rdb, channel: fmt.Sprintf("ferry:sockets:revoked:%d", db),
		check: check, unauthorized: unauthorized, logger: logger, now: time.Now,
		byCredential: map[string]map[*Socket]struct{}{},
		stop:         cancel, done: make(chan struct{}),
	}
	go r.run(ctx)
	return r
}

// Rules returns the registry's rules.
func (r *Registry) Rules() Rules { return r.rules }

// Open registers a signed-in socket, or refuses it with ErrTooMany when
// its credential already holds MaxPerCredential sockets here.
func (r *Registry) Open(credential, authorization string, conn Closer) (*Socket, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	open := r.byCredential[credential]
	if r.rules.MaxPerCredential > 0 && len(open) >= r.rules.MaxPerCredential {
		return nil, fmt.Errorf("%w: this token already has %d open websockets; the limit is %d (FERRY_WS_MAX_SOCKETS_PER_TOKEN)",
			ErrTooMany, len(open), r.rules.MaxPerCredential)
	}
	if open == nil {
		open = map[*Socket]struct{}{}
		r.byCredential[credential] = open
	}
	now := r.now()
	s := &Socket{reg: r, credential: credential, Authorization: authorization, conn: conn, opened: now, idleSince: now}
	open[s] = struct{}{}
	return s, nil
}

// Forget removes a socket that has closed.
func (r *Registry) Forget(s *Socket) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if open := r.byCredential[s.credential]; open != nil {
		delete(open, s)
		if len(open) == 0 {
			delete(r.byCredential, s.credential)
		}
	}
}

// Revoke closes credential's sockets on every instance: here at once, and
// elsewhere through Redis. Should Redis fail, the others find out at their
// next re-check, and every operation re-checks its credential anyway.
func (r *Registry) Revoke(ctx context.Context, credential string) {
	r.closeCredential(credential, CodeUnauthorized, "the token was revoked")
	if err := r.rdb.Publish(ctx, r.channel, credential).Err(); err != nil {
		r.logger.WarnContext(ctx, "sockets: revocation not announced to other instances", "credential", credential, "err", err)
	}
}

func (r *Registry) closeCredential(credential string, code int, reason string) {
	for _, s := range r.sockets(func(s *Socket) bool { return s.credential == credential }) {
		s.Close(code, reason)
	}
}

// sockets returns the open sockets keep selects.
func (r *Registry) sockets(keep func(*Socket) bool) []*Socket {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*Socket
	for _, open := range r.byCredential {
		for s := range open {
			if keep(s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Close stops the loop; sockets stay open until the server closes them.
func (r *Registry) Close() error {
	r.stop()
	<-r.done
	return nil
}

// run listens for revocations and sweeps the sockets until ctx ends.
func (r *Registry) run(ctx context.Context) {
	defer close(r.done)
	ps := r.rdb.Subscribe(ctx, r.channel)
	defer ps.Close()
	msgs := ps.Channel()
	sweep := time.NewTicker(sweepInterval)
	defer sweep.Stop()
	lastCheck := r.now()
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			r.closeCredential(m.Payload, CodeUnauthorized, "the token was revoked")
		case <-sweep.C:
			r.SweepOnce()
			if r.now().Sub(lastCheck) >= recheckInterval {
				lastCheck = r.now()
				r.RecheckOnce(ctx)
			}
		}
	}
}

// SweepOnce closes the sockets past their lifetime or idle timeout.
func (r *Registry) SweepOnce() {
	now := r.now()
	for _, s := range r.sockets(func(*Socket) bool { return true }) {
		s.mu.Lock()
		idle := s.subs+s.ops == 0 && r.rules.IdleTimeout > 0 && now.Sub(s.idleSince) >= r.rules.IdleTimeout
		s.mu.Unlock()
		switch {
		case r.rules.MaxLifetime > 0 && now.Sub(s.opened) >= r.rules.MaxLifetime:
			s.Close(CodeNormal, "the connection reached its maximum lifetime; reconnect")
		case idle:
			s.Close(CodeNormal, "idle")
		}
	}
}

// RecheckOnce re-checks every socket's credential, once per distinct
// credential, and closes those revoked.
func (r *Registry) RecheckOnce(ctx context.Context) {
	verdict := map[string]error{}
	for _, s := range r.sockets(func(*Socket) bool { return true }) {
		err, seen := verdict[s.Authorization]
		if !seen {
			err = r.check(ctx, s.Authorization)
			verdict[s.Authorization] = err
		}
		if err != nil && r.unauthorized(err) {
			s.Close(CodeUnauthorized, "the token is no longer valid")
		}
	}
}

// Begin counts an operation starting on the socket, or refuses it with
// ErrTooMany over its cap; end, called once it is over, uncounts it.
func (s *Socket) Begin(subscription bool) (end func(), err error) {
	rules := s.reg.rules
	s.mu.Lock()
	defer s.mu.Unlock()
	count, limit, what, variable := &s.ops, rules.MaxOperations, "queries and mutations", "FERRY_WS_MAX_OPERATIONS"
	if subscription {
		count, limit, what, variable = &s.subs, rules.MaxSubscriptions, "subscriptions", "FERRY_WS_MAX_SUBSCRIPTIONS"
	}
	if limit > 0 && *count >= limit {
		return nil, fmt.Errorf("%w: this websocket already runs %d %s; the limit is %d (%s)", ErrTooMany, *count, what, limit, variable)
	}
	*count++
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			*count--
			if s.subs+s.ops == 0 {
				s.idleSince = s.reg.now()
			}
		})
	}, nil
}

// Close closes the socket with code and reason, once.
func (s *Socket) Close(code int, reason string) {
	s.mu.Lock()
	closed := s.closed
	s.closed = true
	s.mu.Unlock()
	if !closed && s.conn != nil {
		_ = s.conn.WriteClose(code, reason)
	}
}

type socketKey struct{}

// NewContext returns ctx carrying s.
func NewContext(ctx context.Context, s *Socket) context.Context {
	return context.WithValue(ctx, socketKey{}, s)
}

// FromContext returns the socket an operation runs on, if any.
func FromContext(ctx context.Context) (*Socket, bool) {
	s, ok := ctx.Value(socketKey{}).(*Socket)
	return s, ok
}
