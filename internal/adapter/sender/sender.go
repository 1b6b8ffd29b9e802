package sender

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
	"github.com/ferryhq/ferry/internal/platform/telemetry"
)

// Limits on what a receiver can make Ferry read, so that a hostile or broken
// one costs a bounded amount of memory and time: the whole exchange also
// ends at the configuration's timeout, however slowly bytes trickle in.
const (
	// MaxResponseBody is how much of a response body is kept and stored.
	MaxResponseBody = 64 << 10
	// MaxResponseRead is how much of a response body is read at most: past
	// MaxResponseBody it is discarded, so that the connection can be
	// reused. A longer body is cut off and fails the attempt, whatever the
	// status: it never ends as far as Ferry is concerned.
	MaxResponseRead = 1 << 20
	// MaxResponseHeader bounds the status line and header block; a longer
	// one is cut off and fails the attempt.
	MaxResponseHeader = 64 << 10
	// maxError bounds an error message, which may quote what a receiver sent.
	maxError = 1 << 10
)

// ErrorKind classifies why an attempt failed.
type ErrorKind string

// The kinds of failure an attempt records.
const (
	ErrNone       ErrorKind = ""
	ErrTimeout    ErrorKind = "timeout"
	ErrDNS        ErrorKind = "dns"
	ErrConnect    ErrorKind = "connect"
	ErrTLS        ErrorKind = "tls"
	ErrBlocked    ErrorKind = "blocked"
	ErrRedirect   ErrorKind = "redirect"
	ErrStatus     ErrorKind = "http_status"
	ErrInvalidURL ErrorKind = "invalid_url"
	ErrResponse   ErrorKind = "response_read"
	ErrOther      ErrorKind = "other"
	// ErrInterrupted is an attempt Ferry cut off itself (a worker shutting
	// down) before the receiver answered; the receiver may have it.
	ErrInterrupted ErrorKind = "interrupted"
)

// Result is what one request sent and got.
type Result struct {
	StartedAt       time.Time
	Duration        time.Duration
	RequestURL      string
	RequestHeaders  http.Header // as sent, but static headers redacted
	RequestBody     []byte
	StatusCode      int // 0 when no response arrived
	ResponseHeaders http.Header
	ResponseBody    []byte // at most MaxResponseBody
	BodyTruncated   bool
	ErrorKind       ErrorKind
	Error           string // user-safe
	RetryAfter      time.Duration
}

// OK reports whether the receiver accepted the request: 2xx and no error.
func (r Result) OK() bool { return r.ErrorKind == ErrNone && r.StatusCode >= 200 && r.StatusCode < 300 }

// Sender sends webhook requests under an address policy.
type Sender struct {
	// transport sends each request as it is: an http.Client on top would
	// only follow redirects, which Ferry never does (a 3xx is the answer),
	// and copy every request's headers in case it did.
	transport *http.Transport
	policy    netguard.Policy
	userAgent string
	proxy     *proxy // nil: requests go straight to the receiver
}

// New returns a Sender whose connections obey policy, configured by opts.
func New(policy netguard.Policy, userAgent string, opts ...Option) *Sender {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	dialer := policy.Dialer(10 * time.Second)
	transport := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           1000,
		MaxIdleConnsPerHost:    100,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: MaxResponseHeader,
	}
	if o.rootCAs != nil {
		transport.TLSClientConfig = &tls.Config{RootCAs: o.rootCAs}
	}
	var px *proxy
	if o.proxy != nil {
		px = newProxy(o.proxy)
		px.install(transport, dialer)
	}
	if o.maxConns > 0 {
		transport.DialContext = newConnLimit(o.maxConns, transport.CloseIdleConnections).dial(transport.DialContext)
	}
	return &Sender{
		transport: transport,
		policy:    policy,
		userAgent: userAgent,
		proxy:     px,
	}
}

// Send signs and posts m, and reports everything about the exchange.
func (s *Sender) Send(ctx context.Context, m Message) Result {
	body := Body(m.EventID, m.EventType, m.Data, m.OccurredAt)
	res := s.post(ctx, m.URL, m.Timeout, s.headers(m, body), body)
	res.RequestHeaders = recorded(res.RequestHeaders, m.Headers)
	return res
}

// Verify calls url the way a delivery would, unsigned, with a small
// url-verification body: the "Verificar URL" check.
func (s *Sender) Verify(ctx context.Context, url string, timeout time.Duration) Result {
	body := Body("ferry_verification", "ferry.url_verification", nil, time.Now())
	return s.post(ctx, url, timeout, s.headers(Message{}, body), body)
}

func (s *Sender) post(ctx context.Context, url string, timeout time.Duration, h http.Header, body []byte) Result {
	// The receiver can join the publisher's trace (when tracing is on).
	telemetry.Inject(ctx, h)
	res := Result{StartedAt: time.Now(), RequestURL: url, RequestHeaders: h, RequestBody: body}
	target, err := s.policy.CheckURL(url)
	if err != nil {
		if errors.Is(err, netguard.ErrBlocked) {
			return res.fail(ErrBlocked, netguard.ErrBlocked.Error()+": "+err.Error())
		}
		return res.fail(ErrInvalidURL, err.Error())
	}
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if s.proxy != nil {
		// With a proxy Ferry never dials the target: check what it resolves to.
		if err := s.policy.CheckHost(ctx, target.Hostname()); err != nil {
			kind, msg := s.classify(err, timeout)
			return res.fail(kind, msg)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return res.fail(ErrInvalidURL, "url: is not a valid URL")
	}
	// The request carries h itself: a transport does not change a
	// request's headers, so what is recorded is what was sent (Send then
	// redacts the static headers).
	req.Header = h
	resp, err := s.transport.RoundTrip(req)
	if err != nil {
		res.Duration = time.Since(res.StartedAt)
		kind, msg := s.classify(err, timeout)
		return res.fail(kind, msg)
	}
	defer resp.Body.Close()
	res.StatusCode = resp.StatusCode
	res.ResponseHeaders = resp.Header
	res.ResponseBody, res.BodyTruncated, err = readLimited(resp.Body)
	res.Duration = time.Since(res.StartedAt)
	if errors.Is(err, errBodyTooLarge) {
		return res.fail(ErrResponse, fmt.Sprintf("status %d, but the response body is larger than %s: cut off after %s, the first %s kept",
			resp.StatusCode, size(MaxResponseRead), size(MaxResponseRead), size(MaxResponseBody)))
	}
	if err != nil {
		kind, msg := s.classify(err, timeout)
		if kind == ErrTimeout {
			msg = fmt.Sprintf("status %d, but %s reading the response body", resp.StatusCode, msg)
		} else if kind == ErrOther {
			kind, msg = ErrResponse, "reading the response: "+msg
		}
		return res.fail(kind, msg)
	}
	res.RetryAfter = retryAfter(resp, time.Now())
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		res.ErrorKind = ErrRedirect
		res.Error = fmt.Sprintf("redirect (%d) to %q is not followed", resp.StatusCode, resp.Header.Get("Location"))
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		res.ErrorKind = ErrStatus
		res.Error = fmt.Sprintf("unexpected status %d", resp.StatusCode)
	}
	return res
}

func (r Result) fail(kind ErrorKind, msg string) Result {
	if r.Duration == 0 {
		r.Duration = time.Since(r.StartedAt)
	}
	if len(msg) > maxError {
		msg = strings.ToValidUTF8(msg[:maxError], "") + "…"
	}
	r.ErrorKind, r.Error = kind, msg
	return r
}

// errBodyTooLarge is a response body longer than MaxResponseRead.
var errBodyTooLarge = errors.New("response body too large")

// readLimited keeps the first MaxResponseBody bytes of r and discards the
// rest up to MaxResponseRead, so that the connection can be reused; past
// that it stops with errBodyTooLarge. It never holds more than what it keeps.
func readLimited(r io.Reader) (kept []byte, truncated bool, err error) {
	if r == http.NoBody {
		return nil, false, nil // most receivers answer without a body
	}
	kept, err = io.ReadAll(io.LimitReader(r, MaxResponseBody))
	if err != nil || len(kept) < MaxResponseBody {
		return kept, false, err
	}
	rest := int64(MaxResponseRead - MaxResponseBody)
	n, err := io.Copy(io.Discard, io.LimitReader(r, rest+1))
	switch {
	case err != nil:
		return kept, n > 0, err
	case n > rest:
		return kept, true, errBodyTooLarge
	}
	return kept, n > 0, nil
}

// size writes a byte count the way the limits are documented: 64 KiB, 1 MiB.
func size(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// classify names failures reaching the egress proxy as such when there is
// one (see proxy.classify); otherwise it is the package's classify.
func (s *Sender) classify(err error, timeout time.Duration) (ErrorKind, string) {
	if s.proxy != nil {
		return s.proxy.classify(err, timeout)
	}
	return classify(err, timeout)
}

// classify turns a transport error into a kind and a user-safe message.
func classify(err error, timeout time.Duration) (ErrorKind, string) {
	var (
		dnsErr  *net.DNSError
		opErr   *net.OpError
		certErr *tls.CertificateVerificationError
		unkAuth x509.UnknownAuthorityError
		hostErr x509.HostnameError
		recErr  tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, netguard.ErrBlocked):
		return ErrBlocked, blockedReason(err)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return ErrTimeout, fmt.Sprintf("timeout after %s", timeout)
	case errors.As(err, &dnsErr):
		return ErrDNS, "dns: " + dnsErr.Err + " for " + dnsErr.Name
	case errors.As(err, &certErr), errors.As(err, &unkAuth), errors.As(err, &hostErr), errors.As(err, &recErr):
		return ErrTLS, "tls: " + innermost(err)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return ErrConnect, "connect: " + innermost(err)
	case headersTooLarge(err):
		return ErrResponse, fmt.Sprintf("response headers larger than %s: cut off", size(MaxResponseHeader))
	}
	return ErrOther, innermost(err)
}

// headersTooLarge reports whether err is net/http refusing a response header
// block over MaxResponseHeaderBytes (HTTP/1) or over the header list size
// Ferry advertised (HTTP/2). Neither is an exported error, so their texts
// are matched; an unmatched one is still a failure, only named less well.
func headersTooLarge(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "server response headers exceeded") ||
		strings.Contains(msg, "response header list larger than advertised limit")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// innermost is the message of the deepest wrapped error, without URLs.
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// retryAfter reads Retry-After (seconds or an HTTP date) on 429 and 503.
func retryAfter(resp *http.Response, now time.Time) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// blockedReason finds the policy's own message ("blocked by policy: address
// 127.0.0.1 is not public") in a transport error chain.
func blockedReason(err error) string {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e != netguard.ErrBlocked && errors.Is(e, netguard.ErrBlocked) && strings.HasPrefix(e.Error(), netguard.ErrBlocked.Error()) {
			return e.Error()
		}
	}
	return netguard.ErrBlocked.Error()
}
