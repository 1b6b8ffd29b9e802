package sender

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// WithMaxConnections caps the connections the Sender has open at once
// (being dialled, in use or idle) at n; 0 sets no cap. A request that
// needs a new connection past the cap waits for one to close, within its
// timeout; meanwhile idle keep-alive connections are closed, so that
// those to other receivers give their places up.
func WithMaxConnections(n int) Option {
	return func(o *options) { o.maxConns = n }
}

// connLimit is the cap of WithMaxConnections.
type connLimit struct {
	places chan struct{} // one per open connection
	// closeIdle closes the transport's idle connections; closedAt (unix
	// ns) lets one waiter in a while do it, not each of them.
	closeIdle func()
	closedAt  atomic.Int64
}

// idleRecheck is how often a waiting dial has idle connections closed: a
// request that ends leaves its connection idle, not closed.
const idleRecheck = 50 * time.Millisecond

func newConnLimit(n int, closeIdle func()) *connLimit {
	return &connLimit{places: make(chan struct{}, n), closeIdle: closeIdle}
}

// dial wraps next so that every connection takes a place, given back when
// it closes.
func (l *connLimit) dial(next func(context.Context, string, string) (net.Conn, error)) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := l.take(ctx); err != nil {
			return nil, err
		}
		c, err := next(ctx, network, addr)
		if err != nil {
			<-l.places
			return nil, err
		}
		return &limitedConn{Conn: c, places: l.places}, nil
	}
}

// take waits for a place until ctx ends. The transport cancels a dial's
// ctx once its request has given up (when idle connections are closed).
func (l *connLimit) take(ctx context.Context) error {
	select {
	case l.places <- struct{}{}:
		return nil
	default:
	}
	tick := time.NewTicker(idleRecheck)
	defer tick.Stop()
	for {
		l.closeIdleNow()
		select {
		case l.places <- struct{}{}:
			return nil
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// closeIdleNow closes the idle connections, unless a waiter did less than
// idleRecheck ago.
func (l *connLimit) closeIdleNow() {
	now, last := time.Now().UnixNano(), l.closedAt.Load()
	if now-last < int64(idleRecheck) || !l.closedAt.CompareAndSwap(last, now) {
		return
	}
	l.closeIdle()
}

// limitedConn gives its place back when it is closed, once.
type limitedConn struct {
	net.Conn
	places chan struct{}
	once   sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { <-c.places })
	return err
}
