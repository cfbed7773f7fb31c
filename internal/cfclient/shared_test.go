package cfclient

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// countingFetch is a fetch that counts its calls and, when release is not nil, blocks until
// release is closed (or its context ends).
type countingFetch[T any] struct {
	calls   atomic.Int32
	release chan struct{}
	value   T
	err     error
}

func (f *countingFetch[T]) fetch(ctx context.Context) (T, error) {
	f.calls.Add(1)
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	return f.value, f.err
}

// mustNotFetch fails the test if a get that should be served from the loaded value fetches.
func mustNotFetch[T any](t *testing.T) func(context.Context) (T, error) {
	return func(context.Context) (T, error) {
		t.Error("fetch called, want the loaded value")
		var zero T
		return zero, errors.New("unexpected fetch")
	}
}

func TestSharedLoadsConcurrentGetsShareOneFetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loads sharedLoads[int]
		f := &countingFetch[int]{release: make(chan struct{}), value: 42}
		const readers = 50
		values := make([]int, readers)
		errs := make([]error, readers)
		var wg sync.WaitGroup
		for i := range readers {
			wg.Go(func() { values[i], errs[i] = loads.get(t.Context(), "store", f.fetch) })
		}
		// Every reader is now blocked: one inside fetch, the others waiting for it.
		synctest.Wait()
		if got := f.calls.Load(); got != 1 {
			t.Fatalf("%d fetches in flight with %d readers waiting, want 1", got, readers)
		}
		close(f.release)
		wg.Wait()
		for i := range readers {
			if errs[i] != nil || values[i] != 42 {
				t.Errorf("reader %d got (%d, %v), want (42, nil)", i, values[i], errs[i])
			}
		}
		// Later readers use the loaded value.
		if v, err := loads.get(t.Context(), "store", mustNotFetch[int](t)); err != nil || v != 42 {
			t.Errorf("later get = (%d, %v), want (42, nil)", v, err)
		}
		if got := f.calls.Load(); got != 1 {
			t.Errorf("fetch called %d times, want 1", got)
		}
	})
}

func TestSharedLoadsFailedFetchIsNotKept(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loads sharedLoads[int]
		boom := errors.New("listing failed")
		failing := &countingFetch[int]{release: make(chan struct{}), err: boom}
		const readers = 5
		errs := make([]error, readers)
		var wg sync.WaitGroup
		for i := range readers {
			wg.Go(func() { _, errs[i] = loads.get(t.Context(), "store", failing.fetch) })
		}
		synctest.Wait()
		close(failing.release)
		wg.Wait()
		for i, err := range errs {
			if !errors.Is(err, boom) {
				t.Errorf("reader %d: err = %v, want the fetch's error (the readers shared it)", i, err)
			}
		}
		if got := failing.calls.Load(); got != 1 {
			t.Errorf("failing fetch called %d times, want 1", got)
		}

		// The failure was not kept: the next reader fetches again, and that success is kept.
		working := &countingFetch[int]{value: 7}
		if v, err := loads.get(t.Context(), "store", working.fetch); err != nil || v != 7 {
			t.Fatalf("get after a failed fetch = (%d, %v), want (7, nil)", v, err)
		}
		if v, err := loads.get(t.Context(), "store", mustNotFetch[int](t)); err != nil || v != 7 {
			t.Errorf("get after a successful fetch = (%d, %v), want (7, nil)", v, err)
		}
		if got := working.calls.Load(); got != 1 {
			t.Errorf("second fetch called %d times, want 1", got)
		}
	})
}

func TestSharedLoadsUpdate(t *testing.T) {
	ctx := context.Background()
	t.Run("after load: later gets see the change, earlier values are untouched", func(t *testing.T) {
		var loads sharedLoads[map[string]string]
		f := &countingFetch[map[string]string]{value: map[string]string{"a": "1"}}
		before, err := loads.get(ctx, "store", f.fetch)
		if err != nil {
			t.Fatal(err)
		}
		loads.update("store", func(old map[string]string) map[string]string {
			next := maps.Clone(old)
			next["b"] = "2"
			delete(next, "a")
			return next
		})
		after, err := loads.get(ctx, "store", mustNotFetch[map[string]string](t))
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]string{"b": "2"}; !maps.Equal(after, want) {
			t.Errorf("after update: %v, want %v", after, want)
		}
		if want := map[string]string{"a": "1"}; !maps.Equal(before, want) {
			t.Errorf("a value handed out before the update changed to %v (copy on write broken)", before)
		}
		if got := f.calls.Load(); got != 1 {
			t.Errorf("fetch called %d times, want 1", got)
		}
	})

	t.Run("not loaded: nothing to change, the next get fetches", func(t *testing.T) {
		var loads sharedLoads[int]
		changed := false
		loads.update("store", func(int) int { changed = true; return 99 })
		if changed {
			t.Error("update ran its change on a collection that was never loaded")
		}
		f := &countingFetch[int]{value: 1}
		if v, err := loads.get(ctx, "store", f.fetch); err != nil || v != 1 {
			t.Errorf("get = (%d, %v), want (1, nil) from a fetch", v, err)
		}
		if got := f.calls.Load(); got != 1 {
			t.Errorf("fetch called %d times, want 1", got)
		}
	})

	t.Run("after a failed fetch: nothing is kept to change", func(t *testing.T) {
		var loads sharedLoads[int]
		if _, err := loads.get(ctx, "store", (&countingFetch[int]{err: errors.New("no")}).fetch); err == nil {
			t.Fatal("want the fetch's error")
		}
		loads.update("store", func(int) int { return 99 })
		f := &countingFetch[int]{value: 3}
		if v, err := loads.get(ctx, "store", f.fetch); err != nil || v != 3 {
			t.Errorf("get = (%d, %v), want (3, nil) from a new fetch", v, err)
		}
	})
}

func TestSharedLoadsUpdateDuringFetchAppliesToItsResult(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loads sharedLoads[[]string]
		first := &countingFetch[[]string]{release: make(chan struct{}), value: []string{"listed"}}
		var firstValue []string
		var firstErr error
		var wg sync.WaitGroup
		wg.Go(func() { firstValue, firstErr = loads.get(t.Context(), "store", first.fetch) })
		synctest.Wait() // the fetch is in flight

		loads.update("store", func(old []string) []string { return append(slices.Clone(old), "written") })
		close(first.release)
		wg.Wait()
		want := []string{"listed", "written"}
		if firstErr != nil || !slices.Equal(firstValue, want) {
			t.Errorf("in-flight get = (%v, %v), want (%v, nil): the fetch's result with the write", firstValue, firstErr, want)
		}

		second := &countingFetch[[]string]{value: []string{"refetched"}}
		if v, err := loads.get(t.Context(), "store", second.fetch); err != nil || !slices.Equal(v, want) {
			t.Errorf("get after the write = (%v, %v), want (%v, nil) without fetching again", v, err, want)
		}
		if got := second.calls.Load(); got != 0 {
			t.Errorf("a write during a fetch made the next get fetch %d times, want 0", got)
		}
	})
}

func TestSharedLoadsPrime(t *testing.T) {
	var loads sharedLoads[int]
	loads.prime("new-store", 0)
	f := &countingFetch[int]{value: 5}
	if v, err := loads.get(t.Context(), "new-store", f.fetch); err != nil || v != 0 || f.calls.Load() != 0 {
		t.Errorf("get of a primed key = (%d, %v) with %d fetches, want (0, nil) with none", v, err, f.calls.Load())
	}
	loads.prime("new-store", 7) // a loaded value is never replaced by prime
	if v, _ := loads.get(t.Context(), "new-store", f.fetch); v != 0 {
		t.Errorf("prime replaced a loaded value: got %d, want 0", v)
	}
}

func TestSharedLoadsKeysFetchSeparately(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loads sharedLoads[string]
		release := make(chan struct{})
		fetches := map[string]*countingFetch[string]{
			"account/store-a": {release: release, value: "A"},
			"account/store-b": {release: release, value: "B"},
		}
		type result struct {
			key, value string
			err        error
		}
		results := make(chan result, 20)
		var wg sync.WaitGroup
		for range 10 {
			for key, f := range fetches {
				wg.Go(func() {
					v, err := loads.get(t.Context(), key, f.fetch)
					results <- result{key, v, err}
				})
			}
		}
		synctest.Wait()
		close(release)
		wg.Wait()
		close(results)
		for r := range results {
			if want := fetches[r.key].value; r.err != nil || r.value != want {
				t.Errorf("%s: got (%q, %v), want (%q, nil)", r.key, r.value, r.err, want)
			}
		}
		for key, f := range fetches {
			if got := f.calls.Load(); got != 1 {
				t.Errorf("%s fetched %d times, want 1", key, got)
			}
		}
	})
}

func TestSharedLoadsReaderCancelledWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loads sharedLoads[int]
		f := &countingFetch[int]{release: make(chan struct{}), value: 5}
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = loads.get(t.Context(), "store", f.fetch) })
		synctest.Wait()

		ctx, cancel := context.WithCancel(t.Context())
		waiterErr := make(chan error, 1)
		go func() {
			_, err := loads.get(ctx, "store", mustNotFetch[int](t))
			waiterErr <- err
		}()
		synctest.Wait()
		cancel()
		// The waiter returns while the fetch is still blocked (else this receive never ends).
		if err := <-waiterErr; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled waiter: err = %v, want context.Canceled", err)
		}
		close(f.release)
		wg.Wait()
		if v, err := loads.get(t.Context(), "store", mustNotFetch[int](t)); err != nil || v != 5 {
			t.Errorf("get = (%d, %v), want (5, nil)", v, err)
		}
	})
}

// Regression test for a fixed bug (shared.go, get): a reader whose load was superseded (invalidated during its fetch, and
// another reader started a new fetch) waits for the new fetch while holding s.mu. Every other
// get and update of the collection stalls for the whole fetch, and if the new fetch fails its
// reader calls forget, which needs s.mu: both goroutines (and then every reader) deadlock.
func TestSharedLoadsSupersededReaderDoesNotHoldLock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loads sharedLoads[int]
		first := &countingFetch[int]{release: make(chan struct{}), value: 1}
		var wg sync.WaitGroup
		var secondErr error
		// The superseded reader may answer with either fetch's result; it only has to return.
		wg.Go(func() { _, _ = loads.get(t.Context(), "store", first.fetch) })
		synctest.Wait() // first fetch in flight

		loads.invalidate("store") // a Worker upload: the next get fetches again

		second := &countingFetch[int]{release: make(chan struct{}), err: errors.New("second listing failed")}
		wg.Go(func() { _, secondErr = loads.get(t.Context(), "store", second.fetch) })
		synctest.Wait() // second fetch in flight

		close(first.release)
		synctest.Wait() // the first reader now waits for the second fetch

		if !loads.mu.TryLock() {
			t.Error("a reader holds sharedLoads.mu while it waits for another reader's fetch: " +
				"gets and updates of every key stall, and a failing fetch deadlocks in forget")
			// Let the second fetch succeed so that this test ends instead of deadlocking.
			second.err = nil
			close(second.release)
			wg.Wait()
			return
		}
		loads.mu.Unlock()
		close(second.release) // the second fetch fails
		wg.Wait()
		if secondErr == nil {
			t.Error("second reader: want its fetch's error")
		}
		third := &countingFetch[int]{value: 3}
		if v, err := loads.get(t.Context(), "store", third.fetch); err != nil || v != 3 {
			t.Errorf("get after the failed fetch = (%d, %v), want (3, nil)", v, err)
		}
	})
}

// Regression test for a fixed bug (shared.go, get): the first reader fetches with its own context, so when that reader's
// request is cancelled every other reader waiting for the same load fails with the first
// reader's "context canceled", although their own contexts are live. createBatcher and
// bindingEdits detach their shared work from the opener's cancellation; sharedLoads does not.
func TestSharedLoadsWaiterSurvivesFetcherCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var loads sharedLoads[int]
		f := &countingFetch[int]{release: make(chan struct{}), value: 9}
		leaderCtx, cancelLeader := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		var leaderErr, waiterErr error
		var waiterValue int
		wg.Go(func() { _, leaderErr = loads.get(leaderCtx, "store", f.fetch) })
		synctest.Wait()
		wg.Go(func() { waiterValue, waiterErr = loads.get(t.Context(), "store", f.fetch) })
		synctest.Wait()

		cancelLeader()
		synctest.Wait()
		close(f.release)
		wg.Wait()
		if !errors.Is(leaderErr, context.Canceled) {
			t.Errorf("cancelled reader: err = %v, want context.Canceled", leaderErr)
		}
		if waiterErr != nil || waiterValue != 9 {
			t.Errorf("a waiting reader with a live context got (%d, %v), want (9, nil): "+
				"another reader's cancellation must not fail it", waiterValue, waiterErr)
		}
	})
}
