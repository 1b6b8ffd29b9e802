package testenv

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Forwarder passes TCP connections on to a target until it is cut: then it
// closes every connection it carries and its port refuses new ones, as a
// database or a Redis that went down would, for the processes of one test
// only.
type Forwarder struct {
	t      testing.TB
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener // nil while cut
	conns  []net.Conn
}

// NewForwarder forwards a loopback port of its own (Addr) to target.
func NewForwarder(t testing.TB, target string) *Forwarder {
	t.Helper()
	f := &Forwarder{t: t, addr: "127.0.0.1:0", target: target}
	f.Restore()
	t.Cleanup(f.Cut)
	return f
}

// Addr is the address that leads to the target while f is up.
func (f *Forwarder) Addr() string { return f.addr }

// Cut takes the target down for whoever goes through f.
func (f *Forwarder) Cut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ln != nil {
		f.ln.Close()
		f.ln = nil
	}
	for _, c := range f.conns {
		c.Close()
	}
	f.conns = nil
}

// Restore brings it back, on the same port.
func (f *Forwarder) Restore() {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ln != nil {
		return
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		f.t.Fatalf("testenv: forwarder listen on %s: %v", f.addr, err)
	}
	f.ln, f.addr = ln, ln.Addr().String()
	go f.accept(ln)
}

func (f *Forwarder) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", f.target)
		if err != nil {
			c.Close()
			continue
		}
		f.mu.Lock()
		if f.ln != ln { // cut meanwhile
			f.mu.Unlock()
			c.Close()
			up.Close()
			return
		}
		f.conns = append(f.conns, c, up)
		f.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); up.Close() }()
		go func() { _, _ = io.Copy(c, up); c.Close() }()
	}
}
