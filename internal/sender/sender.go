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

	"github.com/ferryhq/ferry/internal/netguard"
	"github.com/ferryhq/ferry/internal/tracing"
)

// MaxResponseBody is how much of a response body is kept (and read).
const MaxResponseBody = 64 << 10

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
)

// Result is what one request sent and got.
type Result struct {
	StartedAt       time.Time
	Duration        time.Duration
	RequestURL      string
	RequestHeaders  http.Header
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
	client    *http.Client
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
		MaxResponseHeaderBytes: 64 << 10,
	}
	if o.rootCAs != nil {
		transport.TLSClientConfig = &tls.Config{RootCAs: o.rootCAs}
	}
	var px *proxy
	if o.proxy != nil {
		px = newProxy(o.proxy)
		px.install(transport, dialer)
	}
	return &Sender{
		client: &http.Client{
			Transport: transport,
			// Redirects are not followed: a 3xx is the answer, and a failure.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		policy:    policy,
		userAgent: userAgent,
		proxy:     px,
	}
}

// Send signs and posts m, and reports everything about the exchange.
func (s *Sender) Send(ctx context.Context, m Message) Result {
	body := Body(m.EventID, m.EventType, m.Data, m.OccurredAt)
	return s.post(ctx, m.URL, m.Timeout, s.headers(m, body), body)
}

// Verify calls url the way a delivery would, unsigned, with a small
// url-verification body: the "Verificar URL" check.
func (s *Sender) Verify(ctx context.Context, url string, timeout time.Duration) Result {
	body := Body("ferry_verification", "ferry.url_verification", nil, time.Now())
	return s.post(ctx, url, timeout, s.headers(Message{}, body), body)
}

func (s *Sender) post(ctx context.Context, url string, timeout time.Duration, h http.Header, body []byte) Result {
	// The receiver can join the publisher's trace (when tracing is on).
	tracing.Inject(ctx, h)
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
		if err := s.proxy.checkTarget(ctx, s.policy, target.Hostname()); err != nil {
			kind, msg := s.classify(err, timeout)
			return res.fail(kind, msg)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return res.fail(ErrInvalidURL, "url: is not a valid URL")
	}
	req.Header = h.Clone()
	resp, err := s.client.Do(req)
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
	if err != nil {
		kind, msg := s.classify(err, timeout)
		if kind == ErrOther {
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
	r.ErrorKind, r.Error = kind, msg
	return r
}

// readLimited keeps MaxResponseBody bytes and drains a little more so the
// connection can be reused; a larger body is cut off.
func readLimited(r io.Reader) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxResponseBody+1))
	if err != nil {
		return b, false, err
	}
	if len(b) <= MaxResponseBody {
		return b, false, nil
	}
	_, _ = io.CopyN(io.Discard, r, MaxResponseBody)
	return b[:MaxResponseBody], true, nil
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
	}
	return ErrOther, innermost(err)
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
