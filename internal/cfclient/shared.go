package cfclient

import (
	"context"
	"sync"
)

// sharedLoads makes concurrent reads of one collection (a store's secrets, a Worker's bindings,
// the account's tokens) share a single fetch per provider instance: the first reader fetches,
// the others wait for it, and later readers use the result. Terraform refreshes resources in
// parallel, so N resources in one collection cost one paged listing instead of N GETs.
//
// A loaded value is never mutated: writes replace it (copy on write), so readers need no lock
// once they hold it. A failed fetch is not kept; the next reader tries again.
type sharedLoads[T any] struct {
	mu    sync.Mutex
	loads map[string]*sharedLoad[T]
}

type sharedLoad[T any] struct {
	done  chan struct{}
	value T
	err   error
}

// get returns the collection's value, fetching it once.
func (s *sharedLoads[T]) get(ctx context.Context, key string, fetch func(context.Context) (T, error)) (T, error) {
	for {
		s.mu.Lock()
		if s.loads == nil {
			s.loads = map[string]*sharedLoad[T]{}
		}
		load, inFlight := s.loads[key]
		if !inFlight {
			load = &sharedLoad[T]{done: make(chan struct{})}
			s.loads[key] = load
		}
		s.mu.Unlock()

		if !inFlight {
			// Others wait on this fetch, so the first reader's cancellation must not end it.
			go func() {
				load.value, load.err = fetch(context.WithoutCancel(ctx))
				if load.err != nil {
					s.forget(key, load)
				}
				close(load.done)
			}()
		}
		select {
		case <-load.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if load.err != nil {
			var zero T
			return zero, load.err
		}
		s.mu.Lock()
		current := s.loads[key]
		s.mu.Unlock()
		if current == load || current == nil {
			// Still current, or dropped by a write during the fetch: this reader raced the write
			// and may answer either way; the next reader fetches afresh.
			return load.value, nil
		}
		// A write replaced the value while we waited: read the replacement.
	}
}

// update applies a write's effect to a loaded collection; an unloaded one is left to be fetched.
func (s *sharedLoads[T]) update(key string, change func(T) T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	load, ok := s.loads[key]
	if !ok {
		return
	}
	select {
	case <-load.done:
	default:
		// A fetch is in flight and may or may not see the write: fetch again next time.
		delete(s.loads, key)
		return
	}
	if load.err != nil {
		return
	}
	replaced := &sharedLoad[T]{done: make(chan struct{}), value: change(load.value)}
	close(replaced.done)
	s.loads[key] = replaced
}

// invalidate drops a collection, for changes whose effect the client cannot compute (a Worker
// upload replaces its bindings).
func (s *sharedLoads[T]) invalidate(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.loads, key)
}

func (s *sharedLoads[T]) forget(key string, load *sharedLoad[T]) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loads[key] == load {
		delete(s.loads, key)
	}
}
