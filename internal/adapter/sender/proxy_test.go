package sender_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ferryhq/ferry/internal/adapter/sender"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

const (
	proxyUser     = "ferry"
	proxyPassword = "pr0xy-s3cret"
)

// proxyAuth is the Proxy-Authorization the proxy must get.
var proxyAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(proxyUser+":"+proxyPassword))

// withCredentials is raw (a proxy URL) with the test credentials added.
func withCredentials(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("proxy URL %q: %v", raw, err)
	}
	u.User = url.UserPassword(proxyUser, proxyPassword)
	return u
}

// checkNoCredentials fails if res shows the proxy's credentials anywhere a
// user or a log could read them.
func checkNoCredentials(t *testing.T, desc string, res sender.Result) {
	t.Helper()
	for _, secret := range []string{proxyPassword, proxyAuth, base64.StdEncoding.EncodeToString([]byte(proxyUser + ":" + proxyPassword))} {
		if strings.Contains(res.Error, secret) {
			t.Errorf("%s: error %q shows the proxy's credentials", desc, res.Error)
		}
	}
	if v := res.RequestHeaders.Get("Proxy-Authorization"); v != "" {
		t.Errorf("%s: recorded request headers carry Proxy-Authorization %q; it is for the proxy only", desc, v)
	}
}

func TestProxyForwardsHTTPDeliveriesSigned(t *testing.T) {
	t.Parallel()
	proxy := apptest.NewProxy(t)
	rcv := apptest.NewReceiver(t, 200)
	snd := sender.New(netguard.Policy{AllowInsecure: true}, "Ferry-Webhooks/test", sender.WithProxy(withCredentials(t, proxy.URL)))
	key := []byte("0123456789abcdef0123456789abcdef")

	res := snd.Send(context.Background(), message(rcv.URL+"/hook", key))

	if !res.OK() {
		t.Fatalf("send through the proxy: kind %q error %q status %d, want OK", res.ErrorKind, res.Error, res.StatusCode)
	}
	checkNoCredentials(t, "delivery", res)
	seen := proxy.Requests()
	if len(seen) != 1 || seen[0].Method != http.MethodPost || seen[0].Target != rcv.URL+"/hook" {
		t.Fatalf("proxy saw %+v, want one absolute-form POST %s/hook", seen, rcv.URL)
	}
	if got := seen[0].Header.Get("Proxy-Authorization"); got != proxyAuth {
		t.Errorf("Proxy-Authorization = %q, want %q from the proxy URL's user:password", got, proxyAuth)
	}
	got := rcv.Requests()
	if len(got) != 1 {
		t.Fatalf("receiver got %d requests, want the delivery once", len(got))
	}
	if string(got[0].Body) != string(res.RequestBody) {
		t.Errorf("receiver got body %s, want the one Ferry sent: %s", got[0].Body, res.RequestBody)
	}
	apptest.CheckSignatures(t, "whsec_"+base64.StdEncoding.EncodeToString(key), got[0])
	if v := got[0].Header.Get("Proxy-Authorization"); v != "" {
		t.Errorf("receiver got Proxy-Authorization %q; the test proxy strips it, so Ferry sent it to the wrong place", v)
	}
}

func TestProxyTunnelsHTTPSTargetsWithConnect(t *testing.T) {
	t.Parallel()
	proxy := apptest.NewProxy(t)
	var viaTLS atomic.Bool
	target := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		viaTLS.Store(r.TLS != nil)
	}))
	t.Cleanup(target.Close)
	pool := x509.NewCertPool()
	pool.AddCert(target.Certificate())
	snd := sender.New(netguard.Policy{AllowInsecure: true}, "Ferry-Webhooks/test",
		sender.WithProxy(withCredentials(t, proxy.URL)), sender.WithRootCAs(pool))

	res := snd.Send(context.Background(), message(target.URL))

	if !res.OK() {
		t.Fatalf("send through the proxy: kind %q error %q, want OK", res.ErrorKind, res.Error)
	}
	if !viaTLS.Load() {
		t.Errorf("the target got the request without TLS; it must be tunnelled end to end")
	}
	host := strings.TrimPrefix(target.URL, "https://")
	seen := proxy.Requests()
	if len(seen) != 1 || seen[0].Method != http.MethodConnect || seen[0].Target != host {
		t.Fatalf("proxy saw %+v, want one CONNECT %s", seen, host)
	}
	if got := seen[0].Header.Get("Proxy-Authorization"); got != proxyAuth {
		t.Errorf("CONNECT Proxy-Authorization = %q, want %q", got, proxyAuth)
	}
}

// Ferry resolves the target itself before handing it to the proxy, so the
// policy holds even though Ferry never connects to the target.
func TestProxyDoesNotBypassThePolicy(t *testing.T) {
	t.Parallel()
	proxy := apptest.NewProxy(t)
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(target.Close)
	snd := sender.New(netguard.Policy{}, "Ferry-Webhooks/test", sender.WithProxy(withCredentials(t, proxy.URL)))
	https := strings.Replace(target.URL, "http://", "https://", 1)

	for _, url := range []string{
		strings.Replace(https, "127.0.0.1", "localhost", 1), // a name resolving to loopback
		https,      // a loopback literal
		target.URL, // http:// without FERRY_ALLOW_INSECURE_URLS
	} {
		res := snd.Send(context.Background(), message(url))
		if res.ErrorKind != sender.ErrBlocked || !strings.Contains(res.Error, "blocked by policy") {
			t.Errorf("%s: kind %q error %q, want blocked by policy", url, res.ErrorKind, res.Error)
		}
		checkNoCredentials(t, url, res)
	}
	if seen := proxy.Requests(); len(seen) != 0 {
		t.Errorf("proxy saw %+v; a blocked target must not reach it", seen)
	}
	if hits.Load() != 0 {
		t.Errorf("the loopback target was reached %d times", hits.Load())
	}
}

// The proxy itself usually sits on a private address: the strict policy
// must let Ferry reach it while still judging the target.
func TestStrictPolicyReachesAProxyOnLoopback(t *testing.T) {
	t.Parallel()
	proxy := apptest.NewProxy(t)
	proxy.Refuse = func(string) bool { return true } // no traffic leaves the test
	snd := sender.New(netguard.Policy{}, "Ferry-Webhooks/test", sender.WithProxy(withCredentials(t, proxy.URL)))
	proxyHost := strings.TrimPrefix(proxy.URL, "http://")

	res := snd.Send(context.Background(), message("https://93.184.216.34/hook"))

	seen := proxy.Requests()
	if len(seen) != 1 || seen[0].Method != http.MethodConnect || seen[0].Target != "93.184.216.34:443" {
		t.Fatalf("proxy saw %+v, want one CONNECT 93.184.216.34:443 despite the proxy being on loopback", seen)
	}
	want := "connect: egress proxy " + proxyHost + ": CONNECT 93.184.216.34:443 answered 403 Forbidden"
	if res.ErrorKind != sender.ErrConnect || res.Error != want {
		t.Errorf("refused CONNECT: kind %q error %q, want connect %q", res.ErrorKind, res.Error, want)
	}
	checkNoCredentials(t, "refused CONNECT", res)
}

func TestProxyDownIsAConnectError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	snd := sender.New(netguard.Policy{AllowInsecure: true}, "Ferry-Webhooks/test", sender.WithProxy(withCredentials(t, down)))

	for _, url := range []string{"http://127.0.0.1:9/hook", "https://127.0.0.1:9/hook"} {
		res := snd.Send(context.Background(), message(url))
		want := "connect: egress proxy " + ln.Addr().String() + ": "
		if res.ErrorKind != sender.ErrConnect || !strings.HasPrefix(res.Error, want) {
			t.Errorf("%s with the proxy down: kind %q error %q, want connect error starting %q", url, res.ErrorKind, res.Error, want)
		}
		checkNoCredentials(t, url, res)
	}
}

func TestProxyKeepsDNSFailuresOfTheTarget(t *testing.T) {
	t.Parallel()
	proxy := apptest.NewProxy(t)
	snd := sender.New(netguard.Policy{}, "Ferry-Webhooks/test", sender.WithProxy(withCredentials(t, proxy.URL)))

	res := snd.Send(context.Background(), message("https://ferry-test.invalid/hook"))

	if res.ErrorKind != sender.ErrDNS {
		t.Errorf("unknown target host: kind %q error %q, want dns as without a proxy", res.ErrorKind, res.Error)
	}
	if seen := proxy.Requests(); len(seen) != 0 {
		t.Errorf("proxy saw %+v; a target Ferry cannot resolve is not sent", seen)
	}
	checkNoCredentials(t, "unknown host", res)
}
