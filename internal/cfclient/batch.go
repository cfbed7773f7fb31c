package cfclient

import (
	"context"
	"errors"
	"sync"
	"time"
)

const (
	// batchWindow is how long an item (a create, a delete) waits for others to join when none
	// came just before it: short enough that a lone one is not noticeably delayed.
	batchWindow = 5 * time.Millisecond
	// streamWindow is the longest a batch waits, after the previous batch of its store finished,
	// for as many items as Terraform runs at once. In an apply (or destroy) of many secrets
	// Terraform starts each create as an earlier one finishes, spread out by its own work between them
	// (about 17 a second at N = 1,000 on the benchmark machine): a batch that went out at once
	// would carry one or two, and the apply would spend Cloudflare's 1,200 requests per 5 minutes
	// on them. Waiting costs no wall time while Terraform has free parallelism to start other work.
	streamWindow = 400 * time.Millisecond
	// streamGap is how soon after a batch finished an item counts as part of the same stream.
	streamGap = 50 * time.Millisecond
	// terraformParallelism is Terraform's default -parallelism: a stream is first expected to
	// have this many items outstanding at once.
	terraformParallelism = 10
	// maxBatch is the most items one bulk request carries (the account quota is 100 secrets).
	maxBatch = 100
)

// batcher turns single operations on one store's secrets (creates, deletes) into bulk requests:
// Terraform works on up to ten resources at a time, and the API takes an array. Each store has at
// most one bulk request in flight; operations that arrive meanwhile (also while it waits for the
// rate limiter) join the next one, so when the client must slow down, batches grow instead of
// requests piling up. In is what a caller asks for, Out what it gets back.
type batcher[In, Out any] struct {
	// sendBatch sends one bulk request; on success it answers one Out per In, in order.
	sendBatch func(ctx context.Context, accountID, storeID string, items []In) ([]Out, error)
	// sendOne sends one item on its own: for a lone item, and for each item of a batch Cloudflare
	// refused as a whole. Nil means a bulk request of one.
	sendOne func(ctx context.Context, accountID, storeID string, item In) (Out, error)

	mu     sync.Mutex
	queues map[string]*batchQueue[In, Out]
}

// createBatcher batches secret creates into bulk POSTs (Client.CreateSecret).
type createBatcher = batcher[NewSecret, Secret]

// deleteBatcher batches secret deletes into bulk DELETEs (Client.DeleteSecret).
type deleteBatcher = batcher[string, struct{}]

// batchQueue is one store's operations; it stays in the map so the next stream can see the last.
type batchQueue[In, Out any] struct {
	accountID, storeID string
	waiting            []pendingItem[In, Out]
	firstArrived       time.Time     // when the oldest waiting item arrived
	arrived            chan struct{} // wakes the sender when an item joins
	sending            bool          // a sender goroutine is running
	lastDone           time.Time     // when the previous batch was answered
	outstanding        int           // items not yet answered
	parallelism        int           // how many items Terraform has outstanding at most, as seen in this stream
}

type pendingItem[In, Out any] struct {
	item   In
	result chan itemResult[Out]
}

type itemResult[Out any] struct {
	out Out
	err error
}

// add queues an item for its store's next batch and waits for its own result: a failure of one
// item never becomes another item's error.
func (b *batcher[In, Out]) add(ctx context.Context, accountID, storeID string, item In) (Out, error) {
	result := make(chan itemResult[Out], 1)
	b.mu.Lock()
	q := b.queue(accountID, storeID)
	now := time.Now()
	if len(q.waiting) == 0 {
		q.firstArrived = now
	}
	if q.outstanding == 0 && now.Sub(q.lastDone) > streamGap {
		q.parallelism = terraformParallelism // a new stream
	}
	q.waiting = append(q.waiting, pendingItem[In, Out]{item: item, result: result})
	q.outstanding++
	q.parallelism = max(q.parallelism, q.outstanding)
	if !q.sending {
		q.sending = true
		// The sender outlives the request that started it, so it must not be cancelled with it.
		go b.sendAll(context.WithoutCancel(ctx), q)
	}
	b.mu.Unlock()
	select {
	case q.arrived <- struct{}{}:
	default: // the sender is already awake
	}

	select {
	case r := <-result:
		return r.out, r.err
	case <-ctx.Done():
		var zero Out
		return zero, ctx.Err()
	}
}

func (b *batcher[In, Out]) queue(accountID, storeID string) *batchQueue[In, Out] {
	key := accountID + "/" + storeID
	if b.queues == nil {
		b.queues = map[string]*batchQueue[In, Out]{}
	}
	q, ok := b.queues[key]
	if !ok {
		q = &batchQueue[In, Out]{accountID: accountID, storeID: storeID, arrived: make(chan struct{}, 1)}
		b.queues[key] = q
	}
	return q
}

// sendAll sends the store's batches one after another until none is waiting.
func (b *batcher[In, Out]) sendAll(ctx context.Context, q *batchQueue[In, Out]) {
	for {
		batch := b.nextBatch(q)
		if batch == nil {
			return
		}
		b.send(ctx, q, batch)
		b.mu.Lock()
		q.lastDone = time.Now()
		q.outstanding -= len(batch)
		b.mu.Unlock()
	}
}

// nextBatch waits until the waiting items make a batch and takes them; nil when none wait.
func (b *batcher[In, Out]) nextBatch(q *batchQueue[In, Out]) []pendingItem[In, Out] {
	for {
		b.mu.Lock()
		if len(q.waiting) == 0 {
			q.sending = false
			b.mu.Unlock()
			return nil
		}
		target, deadline := q.batchEnd()
		wait := time.Until(deadline)
		if len(q.waiting) >= target || wait <= 0 {
			n := min(len(q.waiting), maxBatch)
			if q.streaming() && n < target && n == q.outstanding {
				// The window passed and Terraform started no more than these: that is all it
				// runs at once (terraform -parallelism=1, or other resources take its slots).
				q.parallelism = n
			}
			batch := q.waiting[:n:n]
			q.waiting = q.waiting[n:]
			q.firstArrived = time.Now()
			b.mu.Unlock()
			return batch
		}
		b.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-q.arrived:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// batchEnd is when the waiting items go out: once they number target, or at deadline. A lone
// item waits batchWindow; within a stream a batch waits up to streamWindow from the end of the
// previous one for as many items as Terraform works on at once.
func (q *batchQueue[In, Out]) batchEnd() (target int, deadline time.Time) {
	if !q.streaming() {
		return maxBatch, q.firstArrived.Add(batchWindow)
	}
	return min(maxBatch, q.parallelism), q.lastDone.Add(streamWindow)
}

// streaming tells whether the oldest waiting item came while the previous batch was out or soon
// after it.
func (q *batchQueue[In, Out]) streaming() bool {
	return !q.lastDone.IsZero() && q.firstArrived.Sub(q.lastDone) <= streamGap
}

// send sends a batch once and answers every item in it.
func (b *batcher[In, Out]) send(ctx context.Context, q *batchQueue[In, Out], batch []pendingItem[In, Out]) {
	if len(batch) == 1 {
		out, err := b.one(ctx, q, batch[0].item)
		batch[0].result <- itemResult[Out]{out: out, err: err}
		return
	}
	items := make([]In, len(batch))
	for i, p := range batch {
		items[i] = p.item
	}
	outs, err := b.sendBatch(ctx, q.accountID, q.storeID, items)
	if err == nil && len(outs) == len(items) {
		for i, p := range batch {
			p.result <- itemResult[Out]{out: outs[i]}
		}
		return
	}
	// Cloudflare checks a whole bulk request before acting on any of it, so one bad item (a name
	// taken, the quota reached, a secret already deleted) fails all of them: send each on its own
	// to give each its answer.
	for _, p := range batch {
		out, err := b.one(ctx, q, p.item)
		p.result <- itemResult[Out]{out: out, err: err}
	}
}

// one sends a single item: with sendOne, or as a bulk request of one.
func (b *batcher[In, Out]) one(ctx context.Context, q *batchQueue[In, Out], item In) (Out, error) {
	if b.sendOne != nil {
		return b.sendOne(ctx, q.accountID, q.storeID, item)
	}
	var zero Out
	outs, err := b.sendBatch(ctx, q.accountID, q.storeID, []In{item})
	if err != nil {
		return zero, err
	}
	if len(outs) != 1 {
		return zero, errUnexpectedBulkAnswer
	}
	return outs[0], nil
}

var errUnexpectedBulkAnswer = errors.New("cloudflare answered a bulk request with a different number of items than were sent")
