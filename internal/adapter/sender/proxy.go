package sender

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Option configures a Sender.
type Option func(*options)

type options struct {
	proxy    *url.URL
	rootCAs  *x509.CertPool
	maxConns int
}

// WithProxy sends every request through the HTTP CONNECT proxy u (http:// or
// https://, optionally with user:password, sent as Proxy-Authorization):
// https:// targets through a CONNECT tunnel, http:// targets as absolute-form
// requests. A nil u sends directly, so callers can pass an unset setting.
//
// The TCP connection then goes to the proxy, which is usually on a private
// address, so the proxy's own address is exempt from the address policy.
// Before each request Ferry resolves the target itself and refuses it as
// blocked if any address is forbidden; but the proxy resolves the name again
// when it connects, so protection against DNS rebinding rests on the proxy's
// own egress rules (smokescreen checks the address it connects to).
func WithProxy(u *url.URL) Option {
	return func(o *options) {
		if u != nil {
			c := *u
			o.proxy = &c
		}
	}
}

// WithRootCAs trusts only pool's certificates for TLS, to both receivers and
// an https:// proxy, instead of the system's. Tests use it to reach
// httptest.NewTLSServer; it also suits a private PKI.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(o *options) { o.rootCAs = pool }
}

// proxy is the egress proxy of a Sender.
type proxy struct {
	url        *url.URL
	host, port string // as the transport dials them
	addr       string // host:port, to name the proxy without its credentials
}

func newProxy(u *url.URL) *proxy {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return &proxy{url: u, host: u.Hostname(), port: port, addr: net.JoinHostPort(u.Hostname(), port)}
}

// install routes transport through the proxy. Only the proxy's address is
// dialled without the policy; any other dial (there should be none) keeps it.
func (p *proxy) install(t *http.Transport, guarded *net.Dialer) {
	direct := &net.Dialer{Timeout: guarded.Timeout, KeepAlive: guarded.KeepAlive}
	t.Proxy = http.ProxyURL(p.url)
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if p.isProxy(addr) {
			return direct.DialContext(ctx, network, addr)
		}
		return guarded.DialContext(ctx, network, addr)
	}
	t.OnProxyConnectResponse = p.onConnectResponse
}

// isProxy compares host names case-insensitively because the transport
// lower-cases them (IDNA) before dialling.
func (p *proxy) isProxy(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	return err == nil && port == p.port && strings.EqualFold(host, p.host)
}

// connectRefusedError is a CONNECT the proxy answered with anything but 200,
// e.g. 403 from an egress ACL or 502 when the target is unreachable.
type connectRefusedError struct {
	target, status string
}

func (e *connectRefusedError) Error() string {
	return "CONNECT " + e.target + " answered " + e.status
}

// onConnectResponse replaces the transport's bare status text ("Forbidden")
// with an error that says which proxy and target it was about.
func (p *proxy) onConnectResponse(_ context.Context, _ *url.URL, req *http.Request, resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	return &connectRefusedError{target: req.Host, status: resp.Status}
}

// classify is the package's classify, with failures reaching or talking to
// the proxy named as such, so that an operator can tell a proxy outage from a
// receiver's. Messages never contain the proxy's credentials.
func (p *proxy) classify(err error, timeout time.Duration) (ErrorKind, string) {
	kind, msg := classify(err, timeout)
	var (
		refused *connectRefusedError
		opErr   *net.OpError
	)
	switch {
	case kind == ErrTimeout || kind == ErrBlocked:
	case errors.As(err, &refused):
		kind, msg = ErrConnect, "connect: egress proxy "+p.addr+": "+refused.Error()
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		if kind != ErrTLS {
			kind = ErrConnect
		}
		msg = string(kind) + ": egress proxy " + p.addr + ": " + innermost(err)
	}
	return kind, p.redact(msg)
}

// redact removes the proxy's credentials from msg. No message built above
// includes them; this guards against an error text from below that would.
func (p *proxy) redact(msg string) string {
	if p.url.User == nil {
		return msg
	}
	msg = strings.ReplaceAll(msg, p.url.User.String(), "xxxxx")
	if pw, ok := p.url.User.Password(); ok && pw != "" {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	return msg
}
