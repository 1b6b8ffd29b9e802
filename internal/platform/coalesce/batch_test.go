package coalesce_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/platform/coalesce"
)

func TestLoneCallRunsAtOnceAsItsOwnBatch(t *testing.T) {
	var sizes []int
	b := coalesce.New(func(_ context.Context, reqs []int) ([]int, error) {
		sizes = append(sizes, len(reqs))
		out := make([]int, len(reqs))
		for i, r := range reqs {
			out[i] = r * 2
		}
		return out, nil
	}, coalesce.Options{})
	for i := range 3 {
		got, err := b.Do(t.Context(), i)
		if err != nil || got != i*2 {
			t.Fatalf("Do(%d) = %d, %v; want %d", i, got, err, i*2)
		}
	}
	if len(sizes) != 3 || sizes[0] != 1 || sizes[1] != 1 || sizes[2] != 1 {
		t.Errorf("batch sizes %v, want three batches of one", sizes)
	}
}

func TestCallsThatWaitShareTheNextBatch(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var sizes []int
	b := coalesce.New(func(_ context.Context, reqs []int) ([]int, error) {
		mu.Lock()
		sizes = append(sizes, len(reqs))
		first := len(sizes) == 1
		mu.Unlock()
		if first {
			<-release // the first batch holds the only slot while 50 calls queue
		}
		return reqs, nil
	}, coalesce.Options{InFlight: 1, Max: 30})
	var wg sync.WaitGroup
	results := make([]int, 51)
	wg.Go(func() { results[50], _ = b.Do(t.Context(), 50) })
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(sizes) == 1 })
	for i := range 50 {
		wg.Go(func() {
			got, err := b.Do(t.Context(), i)
			if err != nil {
				t.Errorf("Do(%d): %v", i, err)
			}
			results[i] = got
		})
	}
	time.Sleep(50 * time.Millisecond) // let all 50 queue behind the first
	close(release)
	wg.Wait()
	for i, r := range results {
		if r != i {
			t.Errorf("call %d got %d: results went to the wrong caller", i, r)
		}
	}
	if len(sizes) != 3 || sizes[1] != 30 || sizes[2] != 20 {
		t.Errorf("batch sizes %v, want [1 30 20]: queued calls coalesce up to Max", sizes)
	}
}

func TestAFailedBatchIsRetriedOneByOne(t *testing.T) {
	errBad := errors.New("bad request")
	var batches atomic.Int32
	release := make(chan struct{})
	b := coalesce.New(func(_ context.Context, reqs []int) ([]int, error) {
		if batches.Add(1) == 1 {
			<-release
		}
		for _, r := range reqs {
			if r == 3 {
				return nil, errBad
			}
		}
		return reqs, nil
	}, coalesce.Options{InFlight: 1})
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = b.Do(t.Context(), 100) })
	waitFor(t, func() bool { return batches.Load() == 1 })
	errs := make([]error, 6)
	for i := range 6 {
		wg.Go(func() { _, errs[i] = b.Do(t.Context(), i) })
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	for i, err := range errs {
		if i == 3 && !errors.Is(err, errBad) {
			t.Errorf("call 3: err %v, want the batch error", err)
		}
		if i != 3 && err != nil {
			t.Errorf("call %d failed with %v although only call 3 is bad", i, err)
		}
	}
}

func TestCallerThatGivesUpDoesNotCancelTheBatch(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	var sawCancel atomic.Bool
	var once sync.Once
	b := coalesce.New(func(ctx context.Context, reqs []int) ([]int, error) {
		once.Do(func() { close(started) })
		<-release
		if ctx.Err() != nil {
			sawCancel.Store(true)
		}
		return reqs, nil
	}, coalesce.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { _, err := b.Do(ctx, 1); errc <- err }()
	<-started
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Do after cancel: %v, want context.Canceled", err)
	}
	close(release)
	waitFor(t, func() bool { _, err := b.Do(t.Context(), 2); return err == nil })
	if sawCancel.Load() {
		t.Error("the batch saw its first caller's cancellation")
	}
}

func TestPanicBecomesAnError(t *testing.T) {
	b := coalesce.New(func(context.Context, []int) ([]int, error) { panic("boom") }, coalesce.Options{})
	if _, err := b.Do(t.Context(), 1); err == nil {
		t.Fatal("a panicking batch returned no error")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// One caller's requests go in one batch (up to Max), and a bad one fails
// only itself.
func TestDoAllSharesOneBatchAndFailsOnlyTheBadRequest(t *testing.T) {
	var sizes []int
	bad := errors.New("bad request")
	b := coalesce.New(func(_ context.Context, reqs []int) ([]int, error) {
		sizes = append(sizes, len(reqs))
		for _, r := range reqs {
			if r < 0 {
				return nil, bad
			}
		}
		return reqs, nil
	}, coalesce.Options{Max: 4})
	res, errs := b.DoAll(t.Context(), []int{1, 2, 3})
	if len(sizes) != 1 || sizes[0] != 3 {
		t.Fatalf("batch sizes %v, want one batch of 3", sizes)
	}
	for i, want := range []int{1, 2, 3} {
		if res[i] != want || errs[i] != nil {
			t.Errorf("request %d = %d, %v; want %d", i, res[i], errs[i], want)
		}
	}
	sizes = nil
	res, errs = b.DoAll(t.Context(), []int{5, -1, 6})
	if !errors.Is(errs[1], bad) || errs[0] != nil || errs[2] != nil || res[0] != 5 || res[2] != 6 {
		t.Errorf("results %v, errors %v; want only the second to fail", res, errs)
	}
	if len(sizes) != 4 { // the batch, then each request alone
		t.Errorf("batch sizes %v, want [3 1 1 1]", sizes)
	}
}

// InOrder puts what a query found at the index of its key, and leaves the
// zero value where nothing was found.
func TestInOrderFollowsTheKeys(t *testing.T) {
	type row struct{ id, v string }
	found := []*row{{"c", "3"}, {"a", "1"}}
	got := coalesce.InOrder([]string{"a", "b", "c", "a"}, found, func(r *row) string { return r.id })
	if len(got) != 4 || got[0] != found[1] || got[1] != nil || got[2] != found[0] || got[3] != found[1] {
		t.Errorf("InOrder = %v, want [a nil c a]", got)
	}
}
