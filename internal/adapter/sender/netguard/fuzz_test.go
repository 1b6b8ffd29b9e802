package netguard_test

import (
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
)

// forbidden is this test's own list of what a webhook must never reach,
// written independently of the policy's: IPv4 private, shared, loopback,
// link-local (cloud metadata), reserved, multicast and broadcast space, and
// their IPv6 counterparts, including IPv6 forms that embed an IPv4 address.
var forbidden = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
		"::/96", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// mustRefuse reports whether a is forbidden, looking through IPv4-mapped
// and NAT64 (64:ff9b::/96) forms to the IPv4 address inside.
func mustRefuse(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if a.Is6() && netip.MustParsePrefix("64:ff9b::/96").Contains(a) {
		b := a.As16()
		a = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	for _, p := range forbidden {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// FuzzAddressPolicy: without FERRY_ALLOW_INSECURE_URLS, no address of a
// forbidden range passes the dial-time check, however it is written.
func FuzzAddressPolicy(f *testing.F) {
	for _, s := range []string{
		"127.0.0.1", "169.254.169.254", "10.1.2.3", "::1", "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe",
		"fe80::1%eth0", "0.0.0.0", "::", "93.184.216.34", "2606:4700::1111", "::7f00:1", "fd00::1",
	} {
		f.Add([]byte(netip.MustParseAddr(strings.Split(s, "%")[0]).AsSlice()))
	}
	strict := netguard.Policy{}
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, ok := netip.AddrFromSlice(raw)
		if !ok {
			return
		}
		for _, addr := range []netip.Addr{a, a.WithZone("eth0")} {
			err := strict.Control("tcp", netip.AddrPortFrom(addr, 443).String(), nil)
			if mustRefuse(addr) && err == nil {
				t.Fatalf("the dial-time check let %s through", addr)
			}
			if (err == nil) != netguard.IsPublic(addr) {
				t.Fatalf("Control and IsPublic disagree on %s: %v", addr, err)
			}
		}
		if err := (netguard.Policy{AllowInsecure: true}).Control("tcp", netip.AddrPortFrom(a, 80).String(), nil); err != nil {
			t.Fatalf("with insecure URLs allowed, %s was refused: %v", a, err)
		}
	})
}

// FuzzURLPolicy: CheckURL never panics, accepts only https URLs without
// credentials, and never a literal address of a forbidden range.
func FuzzURLPolicy(f *testing.F) {
	for _, s := range []string{
		"https://example.com/webhooks", "http://example.com", "https://127.0.0.1/x", "https://[::1]:8443/",
		"https://[::ffff:169.254.169.254]/", "https://user:pw@example.com", "https://0x7f.1/", "https://2130706433/",
		"https://[fe80::1%25eth0]/", "javascript:alert(1)", "https://example.com:99999/", "//example.com", "https:///x",
	} {
		f.Add(s)
	}
	strict := netguard.Policy{}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := strict.CheckURL(raw)
		if err != nil {
			return
		}
		if u.Scheme != "https" || u.User != nil || u.Hostname() == "" {
			t.Fatalf("accepted %q: scheme %q, user %v, host %q", raw, u.Scheme, u.User, u.Hostname())
		}
		if addr, perr := netip.ParseAddr(u.Hostname()); perr == nil && mustRefuse(addr) {
			t.Fatalf("accepted %q, a literal forbidden address %s", raw, addr)
		}
		if _, perr := url.Parse(u.String()); perr != nil {
			t.Fatalf("accepted %q, which does not parse again: %v", raw, perr)
		}
	})
}
