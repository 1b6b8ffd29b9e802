// Package netguard decides which addresses Ferry may send requests to. URLs
// are checked when saved, and every connection is checked again at dial time
// on the resolved address, so DNS rebinding cannot slip past. Through an
// egress proxy Ferry never dials the target: the sender checks the addresses
// it resolves with CheckHost, and rebinding protection rests on the proxy.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrBlocked is wrapped by every refusal of the policy.
var ErrBlocked = errors.New("blocked by policy")

// MaxURLLength bounds configuration URLs.
const MaxURLLength = 2048

// Policy is Ferry's egress policy. AllowInsecure (FERRY_ALLOW_INSECURE_URLS)
// allows http:// and private or loopback addresses, for development and tests.
type Policy struct {
	AllowInsecure bool
	// Resolver looks up host names for Dialer and CheckHost; nil is
	// net.DefaultResolver. Tests point it at a fake DNS server (see
	// netguardtest) to play DNS rebinding. Whatever it answers, a dialer
	// resolves once per connection and connects only to the addresses it
	// has just checked: it never looks the name up again.
	Resolver *net.Resolver
}

// URLError is a URL refused for a reason a user can act on.
type URLError struct {
	Reason  string
	blocked bool
}

// Error implements error.
func (e *URLError) Error() string { return "url: " + e.Reason }

// Unwrap lets errors.Is(err, ErrBlocked) find address refusals.
func (e *URLError) Unwrap() error {
	if e.blocked {
		return ErrBlocked
	}
	return nil
}

// CheckURL parses raw and refuses what the policy forbids: bad syntax, other
// schemes than https (and http when insecure URLs are allowed), credentials in
// the URL, and literal non-public addresses. Host names are checked at dial time.
func (p Policy) CheckURL(raw string) (*url.URL, error) {
	if len(raw) > MaxURLLength {
		return nil, &URLError{Reason: fmt.Sprintf("must be at most %d characters", MaxURLLength)}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &URLError{Reason: "is not a valid URL"}
	}
	switch {
	case !u.IsAbs() || u.Opaque != "":
		return nil, &URLError{Reason: "must be an absolute URL like https://example.com/webhooks"}
	case u.Scheme == "http" && !p.AllowInsecure:
		return nil, &URLError{Reason: "scheme must be https", blocked: true}
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, &URLError{Reason: "scheme must be https"}
	case u.User != nil:
		return nil, &URLError{Reason: "must not contain credentials; use static headers"}
	case u.Hostname() == "":
		return nil, &URLError{Reason: "must have a host"}
	case strings.Contains(u.Hostname(), "%"):
		// An IPv6 zone names an interface of the machine, never a receiver.
		return nil, &URLError{Reason: "must not name an IPv6 zone"}
	}
	if _, err := url.Parse(u.String()); err != nil {
		// What is stored must be sent and shown as it was checked.
		return nil, &URLError{Reason: "is not a valid URL"}
	}
	if addr, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !p.allowed(addr) {
		return nil, &URLError{Reason: fmt.Sprintf("address %s is not public", addr), blocked: true}
	}
	return u, nil
}

func (p Policy) allowed(addr netip.Addr) bool { return p.AllowInsecure || IsPublic(addr) }

// Control is a net.Dialer Control function: it refuses connections to
// non-public addresses after DNS resolution, right before connecting.
func (p Policy) Control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparseable address %q", ErrBlocked, address)
	}
	return p.CheckAddr(ap.Addr())
}

// CheckAddr refuses an address the policy forbids, with the same error the
// dial-time check gives. It is for callers that resolve a host themselves,
// such as the sender before it hands a request to an egress proxy.
func (p Policy) CheckAddr(addr netip.Addr) error {
	if !p.allowed(addr) {
		return fmt.Errorf("%w: address %s is not public", ErrBlocked, addr.Unmap())
	}
	return nil
}

// CheckHost resolves host and refuses it if the policy forbids any of its
// addresses. It is for callers that never dial host themselves, such as the
// sender in front of an egress proxy. A name may resolve differently a moment
// later, so for a connection Ferry makes itself only the dial-time check counts.
func (p Policy) CheckHost(ctx context.Context, host string) error {
	r := p.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return err
	}
	if len(addrs) == 0 {
		return &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	for _, a := range addrs {
		if err := p.CheckAddr(a); err != nil {
			return err
		}
	}
	return nil
}

// Dialer returns a dialer that enforces the policy on every connection: it
// resolves the host once, with p.Resolver, and checks each address in
// ControlContext right before connecting to that very address.
func (p Policy) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{
		Timeout:   timeout,
		KeepAlive: 30 * time.Second,
		Resolver:  p.Resolver,
		ControlContext: func(_ context.Context, network, address string, c syscall.RawConn) error {
			return p.Control(network, address, c)
		},
	}
}

// nonPublic lists ranges a webhook must never reach: private, shared (CGNAT),
// loopback, link-local (cloud metadata), documentation, benchmarking and
// reserved space, and IPv4-compatible (::/96) and site-local (fec0::/10)
// IPv6, deprecated forms that could still reach an IPv4 host or a LAN.
var nonPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
		"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "::1/128", "::/96", "fec0::/10", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "2002::/16",
		"fc00::/7", "fe80::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// nat64 embeds an IPv4 address in its last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// IsPublic reports whether addr is a public unicast address.
func IsPublic(addr netip.Addr) bool {
	addr = addr.Unmap().WithZone("")
	if addr.Is6() && nat64.Contains(addr) {
		b := addr.As16()
		return IsPublic(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	if !addr.IsValid() || !addr.IsGlobalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}
