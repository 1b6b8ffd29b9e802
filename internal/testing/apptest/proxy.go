package apptest

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// ProxyRequest is one request an egress proxy got.
type ProxyRequest struct {
	Method string // CONNECT, or the method of a forwarded request
	Target string // host:port for CONNECT, the absolute URL otherwise
	// Header is as received, Proxy-Authorization included.
	Header http.Header
	Body   []byte // of a forwarded request; a tunnel's bytes are not seen
	At     time.Time
}

// Proxy is an HTTP CONNECT proxy on loopback standing in for an egress proxy
// such as smokescreen: it tunnels CONNECT requests, forwards absolute-form
// requests (plain http:// targets), and records both. It does not check
// Proxy-Authorization; tests read it from Requests.
type Proxy struct {
	// URL is the proxy's http:// URL, without credentials.
	URL string
	// Refuse, when set, is asked about every target (host:port for CONNECT,
	// the URL otherwise); true answers 403 as an egress ACL would. Set it
	// before traffic arrives.
	Refuse func(target string) bool

	srv     *httptest.Server
	forward *http.Transport
	once    sync.Once

	mu       sync.Mutex
	requests []ProxyRequest
	tunnels  map[net.Conn]struct{}
}

// NewProxy starts a proxy that stops when the test ends.
func NewProxy(t testing.TB) *Proxy {
	p := &Proxy{
		// Proxy: nil, so the test proxy never chains to one from the environment.
		forward: &http.Transport{Proxy: nil},
		tunnels: map[net.Conn]struct{}{},
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	t.Cleanup(p.Close)
	return p
}

// Close stops the proxy and cuts its tunnels; senders then find it down.
func (p *Proxy) Close() {
	p.once.Do(func() {
		p.srv.Close()
		p.mu.Lock()
		for c := range p.tunnels {
			c.Close()
		}
		p.mu.Unlock()
		p.forward.CloseIdleConnections()
	})
}

// Requests returns a copy of what the proxy got so far.
func (p *Proxy) Requests() []ProxyRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]ProxyRequest(nil), p.requests...)
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	target := r.URL.String()
	if r.Method == http.MethodConnect {
		target = r.Host
	}
	var body []byte
	if r.Method != http.MethodConnect {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	p.mu.Lock()
	p.requests = append(p.requests, ProxyRequest{Method: r.Method, Target: target, Header: r.Header.Clone(), Body: body, At: time.Now()})
	p.mu.Unlock()
	switch {
	case p.Refuse != nil && p.Refuse(target):
		http.Error(w, "egress to "+target+" is not allowed", http.StatusForbidden)
	case r.Method == http.MethodConnect:
		p.tunnel(w, r)
	case r.URL.IsAbs():
		p.forwardRequest(w, r)
	default:
		http.Error(w, "not a proxy request", http.StatusBadRequest)
	}
}

// tunnel pipes the client's connection to the target until either side
// closes it.
func (p *Proxy) tunnel(w http.ResponseWriter, r *http.Request) {
	upstream, err := net.DialTimeout("tcp", r.Host, 5*time.Second)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		upstream.Close()
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if _, err := conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		conn.Close()
		upstream.Close()
		return
	}
	p.mu.Lock()
	p.tunnels[conn], p.tunnels[upstream] = struct{}{}, struct{}{}
	p.mu.Unlock()
	var stop sync.Once
	closeBoth := func() {
		stop.Do(func() {
			conn.Close()
			upstream.Close()
			p.mu.Lock()
			delete(p.tunnels, conn)
			delete(p.tunnels, upstream)
			p.mu.Unlock()
		})
	}
	// buf.Reader first: it may hold bytes the client sent after CONNECT.
	go func() { _, _ = io.Copy(upstream, buf.Reader); closeBoth() }()
	go func() { _, _ = io.Copy(conn, upstream); closeBoth() }()
}

// forwardRequest sends an absolute-form request on, without the headers
// meant for the proxy, and copies the answer back.
func (p *Proxy) forwardRequest(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Authorization")
	out.Header.Del("Proxy-Connection")
	resp, err := p.forward.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
