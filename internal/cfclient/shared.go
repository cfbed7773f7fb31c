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
		load.value, load.err = fetch(ctx)
		if load.err != nil {
			s.forget(key, load)
		}
		close(load.done)
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
	defer s.mu.Unlock()
	if current, ok := s.loads[key]; ok && current != load {
		// A write replaced the value while we waited.
		<-current.done
		return current.value, current.err
	}
	return load.value, nil
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

func (s *sharedLoads[T]) forget(key string, load *sharedLoad[T]) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loads[key] == load {
		delete(s.loads, key)
	}
}
