package netguard_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/adapter/sender/netguard"
	"github.com/ferryhq/ferry/internal/adapter/sender/netguard/netguardtest"
)

var (
	publicAddr = netip.MustParseAddr("93.184.216.34")
	loopback   = netip.MustParseAddr("127.0.0.1")
)

// countingListener counts the TCP connections that reach a loopback port.
func countingListener(t *testing.T) (port string, accepted *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted = new(atomic.Int32)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	return port, accepted
}

// DNS rebinding: the name passes a check while it resolves to a public
// address, then resolves to loopback. The dialer looks it up once, checks
// the address it got and refuses to connect; the loopback port gets nothing.
func TestDialerBlocksANameThatRebindsToLoopback(t *testing.T) {
	t.Parallel()
	const host = "rebind.example.com"
	dns := netguardtest.NewDNS(t, netguardtest.Rebinding(host, publicAddr, loopback))
	policy := netguard.Policy{Resolver: dns.Resolver()}
	port, accepted := countingListener(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	if err := policy.CheckHost(ctx, host); err != nil {
		t.Fatalf("first lookup (public %s): CheckHost = %v, want it allowed", publicAddr, err)
	}
	conn, err := policy.Dialer(2*time.Second).DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err == nil {
		conn.Close()
	}
	if !errors.Is(err, netguard.ErrBlocked) || !strings.Contains(err.Error(), "address 127.0.0.1 is not public") {
		t.Errorf("dial after rebinding: err = %v, want blocked by policy: address 127.0.0.1 is not public", err)
	}
	if got := dns.Lookups(host); got != 2 {
		t.Errorf("%s was looked up %d times, want 2: one for the check, one for the dial", host, got)
	}
	time.Sleep(50 * time.Millisecond) // let a connection that got through be counted
	if n := accepted.Load(); n != 0 {
		t.Errorf("the loopback port accepted %d connections, want none", n)
	}

	// The same name and port are reachable when the policy allows loopback,
	// so the refusal above is the policy's doing.
	insecure := netguard.Policy{AllowInsecure: true, Resolver: dns.Resolver()}
	conn, err = insecure.Dialer(2*time.Second).DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		t.Fatalf("insecure policy: dial %s: %v", host, err)
	}
	conn.Close()
}

// CheckHost refuses a name if any of its addresses is forbidden, even when a
// public one comes first, and reports a name that does not resolve.
func TestCheckHostChecksEveryAddress(t *testing.T) {
	t.Parallel()
	dns := netguardtest.NewDNS(t, func(host string, _ int) []netip.Addr {
		switch host {
		case "mixed.example.com":
			return []netip.Addr{publicAddr, netip.MustParseAddr("169.254.169.254")}
		case "public.example.com":
			return []netip.Addr{publicAddr}
		}
		return nil
	})
	policy := netguard.Policy{Resolver: dns.Resolver()}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	if err := policy.CheckHost(ctx, "public.example.com"); err != nil {
		t.Errorf("public name: %v, want allowed", err)
	}
	if err := policy.CheckHost(ctx, "mixed.example.com"); !errors.Is(err, netguard.ErrBlocked) || !strings.Contains(err.Error(), "169.254.169.254") {
		t.Errorf("name with a metadata address among public ones: %v, want blocked naming 169.254.169.254", err)
	}
	var dnsErr *net.DNSError
	if err := policy.CheckHost(ctx, "missing.example.com"); !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Errorf("unknown name: %v, want a not-found DNS error", err)
	}
	if err := policy.CheckHost(ctx, "127.0.0.1"); !errors.Is(err, netguard.ErrBlocked) {
		t.Errorf("literal loopback: %v, want blocked", err)
	}
}
