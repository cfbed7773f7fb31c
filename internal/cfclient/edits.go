package cfclient

import (
	"context"
	"slices"
	"sync"
)

// bindingEdits group-commits edits of one Worker's bindings. A settings PATCH replaces the
// whole list, so edits of one script must never interleave; rather than queue N read-merge-write
// round trips, the edits waiting while one PATCH is in flight are merged into the next one.
type bindingEdits struct {
	mu     sync.Mutex
	queues map[string]*editQueue
}

type editQueue struct {
	waiting []*bindingEdit
	running bool
}

type bindingEdit struct {
	change func([]Binding) ([]Binding, error)
	done   chan error
}

// submit queues change for the script and waits for it to be written (or refused).
func (e *bindingEdits) submit(ctx context.Context, key string, change func([]Binding) ([]Binding, error), write func(context.Context, []*bindingEdit)) error {
	edit := &bindingEdit{change: change, done: make(chan error, 1)}
	e.mu.Lock()
	if e.queues == nil {
		e.queues = map[string]*editQueue{}
	}
	q, ok := e.queues[key]
	if !ok {
		q = &editQueue{}
		e.queues[key] = q
	}
	q.waiting = append(q.waiting, edit)
	lead := !q.running
	q.running = true
	e.mu.Unlock()

	if lead {
		// The leader writes every batch that queues up, until none is left; it must not stop
		// when its own request is cancelled, or the others would wait forever.
		go e.drain(context.WithoutCancel(ctx), key, q, write)
	}
	select {
	case err := <-edit.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *bindingEdits) drain(ctx context.Context, key string, q *editQueue, write func(context.Context, []*bindingEdit)) {
	for {
		e.mu.Lock()
		batch := q.waiting
		q.waiting = nil
		if len(batch) == 0 {
			q.running = false
			delete(e.queues, key)
			e.mu.Unlock()
			return
		}
		e.mu.Unlock()
		write(ctx, batch)
	}
}

// applyEdits runs each edit on the list in turn. An edit that refuses (its change returns an
// error) is answered at once and left out; the others are returned for one write.
func applyEdits(current []Binding, edits []*bindingEdit) ([]Binding, []*bindingEdit) {
	var accepted []*bindingEdit
	for _, edit := range edits {
		next, err := edit.change(slices.Clone(current))
		if err != nil {
			edit.done <- err
			continue
		}
		current = next
		accepted = append(accepted, edit)
	}
	return current, accepted
}
