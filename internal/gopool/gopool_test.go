package gopool_test

import (
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/gopool"
)

// await polls cond until it holds; the bound only keeps a broken pool
// from hanging the suite.
func await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting until %s", what)
		}
	}
}

func TestFunctionsRunAtOnceNeverQueuedBehindBusyOnes(t *testing.T) {
	p := gopool.New(time.Hour)
	defer p.Close()
	const n = 50
	var started sync.WaitGroup
	started.Add(n)
	release := make(chan struct{})
	var done sync.WaitGroup
	done.Add(n)
	go func() { // a pool that queued would block here
		for range n {
			p.Go(func() {
				defer done.Done()
				started.Done()
				<-release // each holds its goroutine until all have started
			})
		}
	}()
	allStarted := make(chan struct{})
	go func() { started.Wait(); close(allStarted) }()
	select {
	case <-allStarted:
	case <-time.After(10 * time.Second):
		t.Fatal("functions waited for busy ones to return: the pool queued them")
	}
	close(release)
	done.Wait()
	if got := p.Started(); got != n {
		t.Errorf("%d goroutines started for %d functions running together, want %d", got, n, n)
	}
}

func TestAnIdleGoroutineRunsTheNextFunction(t *testing.T) {
	p := gopool.New(time.Hour)
	defer p.Close()
	for i := range 20 {
		ran := make(chan struct{})
		p.Go(func() { close(ran) })
		<-ran
		await(t, "the goroutine is idle again", func() bool { return p.Idle() == 1 })
		if got := p.Started(); got != 1 {
			t.Fatalf("after %d functions one at a time, %d goroutines started, want 1", i+1, got)
		}
	}
}

func TestIdleGoroutinesEnd(t *testing.T) {
	p := gopool.New(time.Second)
	defer p.Close()
	ran := make(chan struct{})
	p.Go(func() { close(ran) })
	<-ran
	await(t, "the goroutine is idle", func() bool { return p.Idle() == 1 })
	await(t, "the idle goroutine ends", func() bool { return p.Idle() == 0 })
	again := make(chan struct{})
	p.Go(func() { close(again) })
	<-again
	if got := p.Started(); got != 2 {
		t.Errorf("%d goroutines started, want a second one after the first ended", got)
	}
}

func TestCloseEndsIdleGoroutinesAndGoStillRuns(t *testing.T) {
	p := gopool.New(time.Hour)
	ran := make(chan struct{})
	p.Go(func() { close(ran) })
	<-ran
	await(t, "the goroutine is idle", func() bool { return p.Idle() == 1 })
	p.Close()
	await(t, "Close ends the idle goroutine", func() bool { return p.Idle() == 0 })
	after := make(chan struct{})
	p.Go(func() { close(after) })
	<-after
}
