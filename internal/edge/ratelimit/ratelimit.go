// Package ratelimit limits API requests per token with redis_rate's generic
// cell rate algorithm (a token bucket kept as one timestamp, on Redis's own
// clock), so the limit holds across every API instance sharing that Redis.
package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/internal/domain/apperr"
	"github.com/ferryhq/ferry/internal/edge/viewer"
	"github.com/ferryhq/ferry/internal/platform/config"
)

// Limiter admits requests per subject (a token) within a Rate.
type Limiter struct {
	buckets *redis_rate.Limiter
	prefix  string

	mu sync.Mutex
	// blockedIPs are the addresses this instance has seen over their
	// budget, until when; bounded, so that a flood of addresses only
	// forgets the oldest.
	blockedIPs *simplelru.LRU[string, time.Time]
}

// maxBlockedIPs bounds the addresses an instance remembers as blocked.
const maxBlockedIPs = 10_000

// New returns a Limiter keeping its buckets in rdb under "rate:" (redis_rate's
// own prefix) followed by prefix.
func New(rdb redis.UniversalClient, prefix string) *Limiter {
	blocked, _ := simplelru.NewLRU[string, time.Time](maxBlockedIPs, nil)
	return &Limiter{buckets: redis_rate.NewLimiter(rdb), prefix: prefix, blockedIPs: blocked}
}

// Allow takes one request from subject's bucket. When refused it returns
// how long to wait before the next request is admitted.
func (l *Limiter) Allow(ctx context.Context, subject string, rate config.Rate) (ok bool, wait time.Duration, err error) {
	if rate.Unlimited() {
		return true, 0, nil
	}
	limit := redis_rate.Limit{Rate: rate.Requests, Burst: rate.Requests, Period: rate.Period}
	res, err := l.buckets.Allow(ctx, l.prefix+subject, limit)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", subject, err)
	}
	if res.Allowed > 0 {
		return true, 0, nil
	}
	return false, res.RetryAfter, nil
}

// Rates are the budgets of each kind of caller.
type Rates struct {
	Account config.Rate // per account token, and per client address without a valid token
	Admin   config.Rate // for the admin token
}

// Subject is the bucket a viewer's requests are counted in, and its rate.
func Subject(v viewer.Viewer, rates Rates) (string, config.Rate) {
	if v.Role == viewer.RoleAdmin {
		return "admin", rates.Admin
	}
	if v.IsSession() {
		// A console session is counted apart from its account's tokens, so
		// a customer's console cannot spend the operator's backend budget.
		return "ses:" + string(v.SessionID), rates.Account
	}
	return "tok:" + string(v.TokenID), rates.Account
}

// Middleware refuses requests over their caller's budget with HTTP 429,
// Retry-After and a RATE_LIMITED error carrying retryAfter in seconds. It
// runs after authentication: account tokens are limited each on their own,
// the admin token on its own, and requests without a valid token by client
// address, which also slows down token guessing. Should Redis fail, requests
// are let through (and the failure logged): an outage of the limiter must
// not become an outage of the API.
func (l *Limiter) Middleware(rates Rates, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := ClientIP(r)
		subject, rate := "ip:"+ip, rates.Account
		if v, ok := viewer.FromContext(r.Context()); ok {
			subject, rate = Subject(v, rates)
		}
		ok, wait := l.Admit(r.Context(), logger, subject, rate)
		if !ok {
			if subject == "ip:"+ip {
				l.block(ip, wait)
			}
			refuse(w, rate, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Admit is Allow for a request that must not wait on the limiter's
// health: should Redis fail, it is let through and the failure logged.
func (l *Limiter) Admit(ctx context.Context, logger *slog.Logger, subject string, rate config.Rate) (ok bool, wait time.Duration) {
	ok, wait, err := l.Allow(ctx, subject, rate)
	if err != nil {
		logger.WarnContext(ctx, "rate limiter unavailable; request let through", "err", err)
		return true, 0
	}
	return ok, wait
}

// Guard runs before authentication: a client address whose requests
// without a valid token have used up its budget is refused before its next
// token is looked up in the database, so guessing tokens costs the database
// nothing once the budget is spent. Requests carrying a valid token from
// that address are refused too until the wait is over: before the look-up,
// nothing tells them apart.
func (l *Limiter) Guard(rates Rates, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			if wait := l.Blocked(ClientIP(r)); wait > 0 {
				refuse(w, rates.Account, wait)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Refused counts a failed sign-in from ip (a websocket's connection_init)
// against the address's budget, blocking the address once it is over.
func (l *Limiter) Refused(ctx context.Context, ip string, rate config.Rate) {
	if ok, wait, err := l.Allow(ctx, "ip:"+ip, rate); err == nil && !ok {
		l.block(ip, wait)
	}
}

func (l *Limiter) block(ip string, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.blockedIPs.Add(ip, time.Now().Add(wait))
}

// Blocked is how long requests without a valid token from ip are refused
// still, as far as this instance knows; 0 when they are not.
func (l *Limiter) Blocked(ip string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.blockedIPs.Get(ip)
	if !ok {
		return 0
	}
	wait := time.Until(until)
	if wait <= 0 {
		l.blockedIPs.Remove(ip)
		return 0
	}
	return wait
}

// RetryAfter is wait in whole seconds, at least 1, as clients are told it.
func RetryAfter(wait time.Duration) int { return max(int(math.Ceil(wait.Seconds())), 1) }

// Refusal is what a caller over rate is told, and the seconds it must wait.
func Refusal(rate config.Rate, wait time.Duration) (msg string, secs int) {
	secs = RetryAfter(wait)
	return fmt.Sprintf("too many requests: at most %d per %s for this token or address; retry in %d s", rate.Requests, rate.Period, secs), secs
}

// refuse answers HTTP 429 with Retry-After.
func refuse(w http.ResponseWriter, rate config.Rate, wait time.Duration) {
	msg, secs := Refusal(rate, wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	apperr.WriteHTTP(w, http.StatusTooManyRequests, apperr.New(apperr.RateLimited, msg, map[string]any{"retryAfter": secs}))
}

// ClientIP is the address the request came from (proxies' headers are not
// trusted: they are the client's to forge).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
