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
	// changes are the writes made while the fetch was in flight, applied to its result when it
	// arrives. Every change sets what the write returned (never "add one"), so applying it to a
	// result that already saw the write changes nothing.
	changes []func(T) T
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
				value, err := fetch(context.WithoutCancel(ctx))
				s.finish(key, load, value, err)
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
			// Still current, or invalidated during the fetch: this reader raced the write and
			// may answer either way; the next reader fetches afresh.
			return load.value, nil
		}
		// A write replaced the value while we waited: read the replacement.
	}
}

// finish publishes a fetch's result with the writes made meanwhile; a failed fetch is not kept.
func (s *sharedLoads[T]) finish(key string, load *sharedLoad[T], value T, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.loads[key] == load {
			delete(s.loads, key)
		}
	} else {
		for _, change := range load.changes {
			value = change(value)
		}
	}
	load.value, load.err, load.changes = value, err, nil
	close(load.done)
}

// update applies a write's effect to a loaded collection, or to the one being fetched when its
// result arrives. An unloaded collection is left to be fetched.
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
		// Dropping the fetch instead would make every write during a long paged listing start
		// the listing again: an apply that creates secrets while bindings read would never settle.
		load.changes = append(load.changes, change)
		return
	}
	s.loads[key] = loaded(change(load.value)) // a failed fetch is never in the map
}

// prime installs a collection the client knows without fetching it (a new store has no secrets).
func (s *sharedLoads[T]) prime(key string, value T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loads == nil {
		s.loads = map[string]*sharedLoad[T]{}
	}
	if _, ok := s.loads[key]; !ok {
		s.loads[key] = loaded(value)
	}
}

func loaded[T any](value T) *sharedLoad[T] {
	load := &sharedLoad[T]{done: make(chan struct{}), value: value}
	close(load.done)
	return load
}

// invalidate drops a collection, for changes whose effect the client cannot compute (a Worker
// upload replaces its bindings).
func (s *sharedLoads[T]) invalidate(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.loads, key)
}
