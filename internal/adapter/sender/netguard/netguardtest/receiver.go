package netguardtest

import (
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Receiver is an HTTPS receiver on loopback that counts the connections it
// accepts, for proving that a blocked dial never reached it. Its
// certificate covers *.example.com, so a fake name like rebind.example.com
// verifies against Roots.
type Receiver struct {
	*httptest.Server
	Roots *x509.CertPool // trusts the receiver's certificate
	Port  string         // its port on 127.0.0.1
	conns atomic.Int32
}

// NewReceiver starts a Receiver serving h, stopped when the test ends.
func NewReceiver(t testing.TB, h http.Handler) *Receiver {
	t.Helper()
	r := &Receiver{Server: httptest.NewUnstartedServer(h)}
	r.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.conns.Add(1)
		}
	}
	r.StartTLS()
	t.Cleanup(r.Close)
	_, r.Port, _ = net.SplitHostPort(r.Listener.Addr().String())
	r.Roots = x509.NewCertPool()
	r.Roots.AddCert(r.Certificate())
	return r
}

// Conns is how many connections the receiver has accepted.
func (r *Receiver) Conns() int32 { return r.conns.Load() }
