// Package netguardtest fakes DNS for tests of the address policy, so that a
// test can make a name resolve to a public address once and to loopback the
// next time (DNS rebinding) without touching the network.
package netguardtest

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// DNS is a DNS server on loopback UDP that answers A queries from a
// function. Point netguard.Policy.Resolver at Resolver() to use it.
type DNS struct {
	conn   net.PacketConn
	answer func(host string, n int) []netip.Addr

	mu      sync.Mutex
	lookups map[string]int
}

// NewDNS starts a DNS server that answers the n-th A query for host (n counts
// from 1, per host, lower-case, without the final dot) with answer(host, n):
// no addresses is NXDOMAIN. It knows IPv4 only: AAAA queries get no answer.
// It stops when the test ends.
func NewDNS(t testing.TB, answer func(host string, n int) []netip.Addr) *DNS {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("fake DNS: %v", err)
	}
	d := &DNS{conn: conn, answer: answer, lookups: map[string]int{}}
	done := make(chan struct{})
	go func() { defer close(done); d.serve() }()
	t.Cleanup(func() { conn.Close(); <-done })
	return d
}

// Rebinding answers host with public on the first lookup and with private
// on every later one, the way an attacker's DNS server would; other names
// do not exist.
func Rebinding(host string, public, private netip.Addr) func(string, int) []netip.Addr {
	return func(h string, n int) []netip.Addr {
		switch {
		case h != host:
			return nil
		case n == 1:
			return []netip.Addr{public}
		}
		return []netip.Addr{private}
	}
}

// Resolver is a resolver that asks this server, and no other, about every
// name that /etc/hosts does not know.
func (d *DNS) Resolver() *net.Resolver {
	addr := d.conn.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var dialer net.Dialer
			return dialer.DialContext(ctx, "udp", addr)
		},
	}
}

// Lookups is how many A queries for host the server has answered.
func (d *DNS) Lookups(host string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lookups[strings.ToLower(host)]
}

func (d *DNS) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := d.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if resp, err := d.respond(buf[:n]); err == nil {
			_, _ = d.conn.WriteTo(resp, from)
		}
	}
}

const (
	typeA    = 1
	classIN  = 1
	rcodeNX  = 3
	flagResp = 1 << 15
	flagAA   = 1 << 10
	flagRD   = 1 << 8
	flagRA   = 1 << 7
)

// respond builds the answer to one query: the header and question echoed,
// then one A record per address.
func (d *DNS) respond(q []byte) ([]byte, error) {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil, errors.New("not a single-question query")
	}
	host, end, err := readName(q, 12)
	if err != nil || end+4 > len(q) {
		return nil, errors.New("bad question")
	}
	qtype, qclass := binary.BigEndian.Uint16(q[end:end+2]), binary.BigEndian.Uint16(q[end+2:end+4])
	var addrs []netip.Addr
	if qtype == typeA && qclass == classIN {
		d.mu.Lock()
		d.lookups[host]++
		n := d.lookups[host]
		d.mu.Unlock()
		for _, a := range d.answer(host, n) {
			if a.Unmap().Is4() {
				addrs = append(addrs, a.Unmap())
			}
		}
	}
	flags := uint16(flagResp|flagAA|flagRA) | binary.BigEndian.Uint16(q[2:4])&flagRD
	if qtype == typeA && len(addrs) == 0 {
		flags |= rcodeNX
	}
	out := binary.BigEndian.AppendUint16(nil, binary.BigEndian.Uint16(q[0:2]))
	out = binary.BigEndian.AppendUint16(out, flags)
	out = binary.BigEndian.AppendUint16(out, 1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(addrs)))
	out = append(out, 0, 0, 0, 0) // no authority, no additional records
	out = append(out, q[12:end+4]...)
	for _, a := range addrs {
		ip := a.As4()
		out = append(out, 0xc0, 12) // the name: a pointer to the question's
		out = binary.BigEndian.AppendUint16(out, typeA)
		out = binary.BigEndian.AppendUint16(out, classIN)
		out = binary.BigEndian.AppendUint32(out, 0) // TTL: never cache
		out = binary.BigEndian.AppendUint16(out, 4)
		out = append(out, ip[:]...)
	}
	return out, nil
}

// readName reads an uncompressed name at off and returns it lower-case
// without the final dot, and the offset after it.
func readName(msg []byte, off int) (string, int, error) {
	var labels []string
	for off < len(msg) {
		l := int(msg[off])
		off++
		switch {
		case l == 0:
			return strings.ToLower(strings.Join(labels, ".")), off, nil
		case l > 63 || off+l > len(msg):
			return "", 0, errors.New("bad label")
		}
		labels = append(labels, string(msg[off:off+l]))
		off += l
	}
	return "", 0, errors.New("name runs past the message")
}
