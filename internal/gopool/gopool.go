// Package gopool runs functions on goroutines that stay a while for the
// next one, instead of a new goroutine each.
//
// A delivery's request goes deep into net/http on a goroutine of its own.
// A new goroutine starts with a small stack and grows it, copying it each
// time, on the way there: ~2.5 % of the worker's CPU in a throughput run.
// A goroutine kept for the next request keeps the stack it grew.
package gopool

import (
	"sync"
	"sync/atomic"
	"time"
)

// Pool runs functions at once, each on an idle goroutine of the pool or,
// when none is idle, on a new one: it never queues a function behind
// another, so it bounds nothing. A goroutine idle for longer than the
// pool's idle time ends, and so do all of them once the pool is closed.
// The zero Pool is not usable; use New.
type Pool struct {
	work    chan func()
	quit    chan struct{}
	close   sync.Once
	idle    time.Duration
	started atomic.Int64
	waiting atomic.Int64 // goroutines idle now
}

// New returns a pool whose goroutines end after idle without work.
func New(idle time.Duration) *Pool {
	return &Pool{work: make(chan func()), quit: make(chan struct{}), idle: idle}
}

// Close ends the pool's idle goroutines, and each busy one when its
// function returns. Functions given to Go after Close still run, each on
// a goroutine of its own.
func (p *Pool) Close() { p.close.Do(func() { close(p.quit) }) }

// Go runs f on a goroutine of the pool.
func (p *Pool) Go(f func()) {
	select {
	case p.work <- f: // an idle goroutine took it
	default:
		p.started.Add(1)
		go p.run(f)
	}
}

// Started is how many goroutines the pool has started so far.
func (p *Pool) Started() int64 { return p.started.Load() }

// Idle is how many of its goroutines wait for work now.
func (p *Pool) Idle() int64 { return p.waiting.Load() }

// run runs f, then whatever comes next, until idle passes without any.
func (p *Pool) run(f func()) {
	t := time.NewTimer(p.idle)
	defer t.Stop()
	for {
		f()
		f = nil // what f held can be collected while this goroutine waits
		t.Reset(p.idle)
		p.waiting.Add(1)
		select {
		case f = <-p.work:
			p.waiting.Add(-1)
		case <-t.C:
			p.waiting.Add(-1)
			return
		case <-p.quit:
			p.waiting.Add(-1)
			return
		}
	}
}
