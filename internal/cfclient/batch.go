package cfclient

import (
	"cmp"
	"context"
	"sync"
	"time"
)

const (
	// batchWindow is how long a create waits for others to join when none came just before it:
	// short enough that a lone create is not noticeably delayed.
	batchWindow = 5 * time.Millisecond
	// streamWindow is the longest a batch waits, after the previous batch of its store finished,
	// for as many creates as Terraform runs at once. In an apply of many secrets Terraform
	// starts each create as an earlier one finishes, spread out by its own work between them
	// (about 17 a second at N = 1,000 on the benchmark machine): a batch that went out at once
	// would carry one or two, and the apply would spend Cloudflare's 1,200 requests per 5 minutes
	// on them. Waiting costs no wall time while Terraform has free parallelism to start other work.
	streamWindow = 400 * time.Millisecond
	// streamGap is how soon after a batch finished a create counts as part of the same stream.
	streamGap = 50 * time.Millisecond
	// terraformParallelism is Terraform's default -parallelism: a stream is first expected to
	// have this many creates outstanding at once.
	terraformParallelism = 10
	// maxBatch is the most secrets one bulk create carries (the account quota is 100).
	maxBatch = 100
)

// createBatcher turns secret creates for one store into bulk POSTs: Terraform creates up to ten
// resources at a time, and the API takes an array. Each store has at most one POST in flight;
// creates that arrive meanwhile (also while it waits for the rate limiter) join the next one, so
// when the client must slow down, batches grow instead of requests piling up.
type createBatcher struct {
	sendRequest func(ctx context.Context, accountID, storeID string, secrets []NewSecret) ([]Secret, error)

	mu     sync.Mutex
	queues map[string]*createQueue
}

// createQueue is one store's creates; it stays in the map so the next stream can see the last.
type createQueue struct {
	accountID, storeID string
	waiting            []pendingCreate
	firstArrived       time.Time     // when the oldest waiting create arrived
	arrived            chan struct{} // wakes the sender when a create joins
	sending            bool          // a sender goroutine is running
	lastDone           time.Time     // when the previous batch was answered
	outstanding        int           // creates not yet answered
	parallelism        int           // how many creates Terraform has outstanding at most, as seen in this stream
}

type pendingCreate struct {
	secret NewSecret
	result chan createResult
}

type createResult struct {
	secret Secret
	err    error
}

// create queues a secret for its store's next batch and waits for its own result: a failure
// of one secret never becomes another secret's error.
func (b *createBatcher) create(ctx context.Context, accountID, storeID string, secret NewSecret) (Secret, error) {
	result := make(chan createResult, 1)
	b.mu.Lock()
	q := b.queue(accountID, storeID)
	now := time.Now()
	if len(q.waiting) == 0 {
		q.firstArrived = now
	}
	if q.outstanding == 0 && now.Sub(q.lastDone) > streamGap {
		q.parallelism = terraformParallelism // a new stream
	}
	q.waiting = append(q.waiting, pendingCreate{secret: secret, result: result})
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
		return r.secret, r.err
	case <-ctx.Done():
		return Secret{}, ctx.Err()
	}
}

func (b *createBatcher) queue(accountID, storeID string) *createQueue {
	key := accountID + "/" + storeID
	if b.queues == nil {
		b.queues = map[string]*createQueue{}
	}
	q, ok := b.queues[key]
	if !ok {
		q = &createQueue{accountID: accountID, storeID: storeID, arrived: make(chan struct{}, 1)}
		b.queues[key] = q
	}
	return q
}

// sendAll sends the store's batches one after another until none is waiting.
func (b *createBatcher) sendAll(ctx context.Context, q *createQueue) {
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

// nextBatch waits until the waiting creates make a batch and takes them; nil when none wait.
func (b *createBatcher) nextBatch(q *createQueue) []pendingCreate {
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

// batchEnd is when the waiting creates go out: once they number target, or at deadline. A lone
// create waits batchWindow; within a stream a batch waits up to streamWindow from the end of the
// previous one for as many creates as Terraform runs at once.
func (q *createQueue) batchEnd() (target int, deadline time.Time) {
	if !q.streaming() {
		return maxBatch, q.firstArrived.Add(batchWindow)
	}
	return min(maxBatch, q.parallelism), q.lastDone.Add(streamWindow)
}

// streaming tells whether the oldest waiting create came while the previous batch was out or
// soon after it.
func (q *createQueue) streaming() bool {
	return !q.lastDone.IsZero() && q.firstArrived.Sub(q.lastDone) <= streamGap
}

// send sends a batch once and answers every create in it.
func (b *createBatcher) send(ctx context.Context, q *createQueue, batch []pendingCreate) {
	items := make([]NewSecret, len(batch))
	for i, p := range batch {
		items[i] = p.secret
	}
	created, err := b.sendRequest(ctx, q.accountID, q.storeID, items)
	if err == nil && len(created) == len(items) {
		for i, p := range batch {
			p.result <- createResult{secret: created[i]}
		}
		return
	}
	if len(items) == 1 {
		batch[0].result <- createResult{err: cmp.Or(err, errUnexpectedCreateAnswer)}
		return
	}
	// Cloudflare checks a whole bulk create before creating any of it, so one bad secret (a name
	// taken, the quota reached) fails all of them: send each on its own to give each its answer.
	for i, p := range batch {
		one, err := b.sendRequest(ctx, q.accountID, q.storeID, items[i:i+1])
		if err == nil && len(one) != 1 {
			err = errUnexpectedCreateAnswer
		}
		var secret Secret
		if err == nil {
			secret = one[0]
		}
		p.result <- createResult{secret: secret, err: err}
	}
}
