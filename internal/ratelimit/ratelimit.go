// Package ratelimit limits API requests per token with a generic cell rate
// algorithm (a token bucket kept as one timestamp) in Redis, so the limit
// holds across every API instance sharing that Redis.
package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ferryhq/ferry/internal/config"
	"github.com/ferryhq/ferry/internal/httpguard"
	"github.com/ferryhq/ferry/internal/viewer"
)

// Code is the extensions.code of a refused request.
const Code = "RATE_LIMITED"

// gcra admits a request when the bucket's theoretical arrival time, moved on
// by one emission interval, is at most one period ahead of now. Redis's own
// clock is used, so API instances with skewed clocks agree. It returns
// {1, 0} when admitted, or {0, ms to wait}.
var gcra = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next_tat = tat + interval
local wait = next_tat - period - now
if wait > 0 then
  return {0, wait}
end
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', next_tat - now)
return {1, 0}
`)

// Limiter admits requests per subject (a token) within a Rate.
type Limiter struct {
	rdb    redis.UniversalClient
	prefix string
}

// New returns a Limiter keeping its buckets under prefix in rdb.
func New(rdb redis.UniversalClient, prefix string) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix}
}

// Allow takes one request from subject's bucket. When refused it returns
// how long to wait before the next request is admitted.
func (l *Limiter) Allow(ctx context.Context, subject string, rate config.Rate) (ok bool, wait time.Duration, err error) {
	if rate.Unlimited() {
		return true, 0, nil
	}
	interval := max(rate.Period.Milliseconds()/int64(rate.Requests), 1)
	res, err := gcra.Run(ctx, l.rdb, []string{l.prefix + subject}, interval, rate.Period.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", subject, err)
	}
	if res[0] == 1 {
		return true, 0, nil
	}
	return false, time.Duration(res[1]) * time.Millisecond, nil
}

// Rates are the budgets of each kind of caller.
type Rates struct {
	Account config.Rate // per account token, and per client address without a valid token
	Admin   config.Rate // for the admin token
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
		subject, rate := "ip:"+clientIP(r), rates.Account
		if v, ok := viewer.FromContext(r.Context()); ok {
			switch v.Role {
			case viewer.RoleAdmin:
				subject, rate = "admin", rates.Admin
			case viewer.RoleAccount:
				subject = "tok:" + string(v.TokenID)
			}
		}
		ok, wait, err := l.Allow(r.Context(), subject, rate)
		if err != nil {
			logger.WarnContext(r.Context(), "rate limiter unavailable; request let through", "err", err)
			ok = true
		}
		if !ok {
			secs := int(math.Ceil(wait.Seconds()))
			secs = max(secs, 1)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			httpguard.WriteError(w, http.StatusTooManyRequests, Code,
				fmt.Sprintf("too many requests: at most %d per %s for this token; retry in %d s", rate.Requests, rate.Period, secs),
				map[string]any{"retryAfter": secs})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address the request came from (proxies' headers are not
// trusted: they are the client's to forge).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
