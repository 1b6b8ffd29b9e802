package netguard_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
)

func TestIsPublic(t *testing.T) {
	cases := []struct {
		desc   string
		addr   string
		public bool
	}{
		{"public v4", "93.184.216.34", true},
		{"public v6", "2606:4700:4700::1111", true},
		{"loopback", "127.0.0.1", false},
		{"loopback range", "127.10.0.1", false},
		{"v6 loopback", "::1", false},
		{"unspecified", "0.0.0.0", false},
		{"private 10/8", "10.1.2.3", false},
		{"private 172.16/12", "172.31.255.1", false},
		{"private 192.168/16", "192.168.0.10", false},
		{"cgnat", "100.64.0.1", false},
		{"metadata", "169.254.169.254", false},
		{"link-local v6", "fe80::1", false},
		{"unique local v6", "fd00:ec2::254", false},
		{"v4-mapped loopback", "::ffff:127.0.0.1", false},
		{"v4-mapped metadata", "::ffff:169.254.169.254", false},
		{"nat64 of loopback", "64:ff9b::7f00:1", false},
		{"nat64 of public", "64:ff9b::5db8:d822", true},
		{"multicast", "224.0.0.1", false},
		{"broadcast", "255.255.255.255", false},
		{"documentation", "192.0.2.1", false},
		{"benchmarking", "198.18.0.1", false},
	}
	for _, tc := range cases {
		if got := netguard.IsPublic(netip.MustParseAddr(tc.addr)); got != tc.public {
			t.Errorf("%s: IsPublic(%s) = %v, want %v", tc.desc, tc.addr, got, tc.public)
		}
	}
}

func TestCheckURL(t *testing.T) {
	cases := []struct {
		desc            string
		url             string
		strict, relaxed bool // allowed by default / with AllowInsecure
	}{
		{"public https", "https://example.com/hook", true, true},
		{"hostname resolving to loopback passes here; dial time stops it", "https://localhost/hook", true, true},
		{"http", "http://example.com/hook", false, true},
		{"ftp", "ftp://example.com/hook", false, false},
		{"relative", "/hook", false, false},
		{"no host", "https:///hook", false, false},
		{"credentials", "https://user:pw@example.com/", false, false},
		{"loopback literal", "https://127.0.0.1/hook", false, true},
		{"v6 loopback literal", "https://[::1]/hook", false, true},
		{"metadata literal", "https://169.254.169.254/latest", false, true},
		{"private literal", "https://10.0.0.1/", false, true},
		{"not a url", "::", false, false},
		{"too long", "https://example.com/" + strings.Repeat("a", 2100), false, false},
	}
	for _, tc := range cases {
		_, err := netguard.Policy{}.CheckURL(tc.url)
		if (err == nil) != tc.strict {
			t.Errorf("%s: default policy CheckURL(%q) err = %v, want allowed=%v", tc.desc, tc.url, err, tc.strict)
		}
		_, err = netguard.Policy{AllowInsecure: true}.CheckURL(tc.url)
		if (err == nil) != tc.relaxed {
			t.Errorf("%s: insecure policy CheckURL(%q) err = %v, want allowed=%v", tc.desc, tc.url, err, tc.relaxed)
		}
	}
}

// A name that resolves to loopback is refused when connecting, whatever the
// URL looked like.
func TestDialTimeCheckStopsLoopbackNames(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits++ }))
	defer srv.Close()
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	get := func(p netguard.Policy) error {
		client := &http.Client{Transport: &http.Transport{DialContext: p.Dialer(2 * time.Second).DialContext}}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	if err := get(netguard.Policy{}); !errors.Is(err, netguard.ErrBlocked) {
		t.Errorf("default policy: err = %v, want ErrBlocked", err)
	}
	if hits != 0 {
		t.Fatalf("server was reached %d times despite the policy", hits)
	}
	if err := get(netguard.Policy{AllowInsecure: true}); err != nil {
		t.Errorf("insecure policy: %v", err)
	}
	if hits != 1 {
		t.Errorf("server reached %d times with the insecure policy, want 1", hits)
	}
}

// CheckAddr is the dial-time check for callers that resolve names
// themselves, so it must refuse exactly what Control refuses.
func TestCheckAddrMatchesTheDialTimeCheck(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"93.184.216.34", "127.0.0.1", "::1", "10.1.2.3", "::ffff:169.254.169.254"} {
		a := netip.MustParseAddr(addr)
		for _, p := range []netguard.Policy{{}, {AllowInsecure: true}} {
			checkErr := p.CheckAddr(a)
			controlErr := p.Control("tcp", netip.AddrPortFrom(a, 443).String(), nil)
			if (checkErr == nil) != (controlErr == nil) || (checkErr != nil && checkErr.Error() != controlErr.Error()) {
				t.Errorf("%s (insecure %v): CheckAddr = %v, Control = %v; they must agree", addr, p.AllowInsecure, checkErr, controlErr)
			}
			if checkErr != nil && !errors.Is(checkErr, netguard.ErrBlocked) {
				t.Errorf("%s: CheckAddr error %v does not wrap ErrBlocked", addr, checkErr)
			}
		}
	}
	if err := (netguard.Policy{}).CheckAddr(netip.MustParseAddr("127.0.0.1")); err == nil || err.Error() != "blocked by policy: address 127.0.0.1 is not public" {
		t.Errorf("CheckAddr(127.0.0.1) = %v, want the policy's usual message", err)
	}
}
