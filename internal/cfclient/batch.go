package cfclient

import (
	"cmp"
	"context"
	"sync"
	"time"
)

const (
	// batchWindow is how long the first create of a batch waits for others to join: short
	// enough that a lone create is not noticeably delayed.
	batchWindow = 5 * time.Millisecond
	// maxBatch is the most secrets one bulk create carries (the account quota is 100).
	maxBatch = 100
)

// createBatcher turns secret creates that arrive together for one store into one bulk POST:
// Terraform creates up to ten resources at a time, and the API takes an array.
type createBatcher struct {
	sendRequest func(ctx context.Context, accountID, storeID string, secrets []NewSecret) ([]Secret, error)

	mu      sync.Mutex
	pending map[string]*createBatch
}

type createBatch struct {
	accountID, storeID string
	ctx                context.Context
	items              []NewSecret
	results            []chan createResult
}

type createResult struct {
	secret Secret
	err    error
}

// create adds a secret to the store's open batch (opening one if needed) and waits for its
// own result: a failure of one secret never becomes another secret's error.
func (b *createBatcher) create(ctx context.Context, accountID, storeID string, secret NewSecret) (Secret, error) {
	key := accountID + "/" + storeID
	result := make(chan createResult, 1)
	b.mu.Lock()
	if b.pending == nil {
		b.pending = map[string]*createBatch{}
	}
	batch, open := b.pending[key]
	if !open {
		// The batch outlives the request that opened it, so it must not be cancelled with it.
		batch = &createBatch{accountID: accountID, storeID: storeID, ctx: context.WithoutCancel(ctx)}
		b.pending[key] = batch
		time.AfterFunc(batchWindow, func() { b.flush(key, batch) })
	}
	batch.items = append(batch.items, secret)
	batch.results = append(batch.results, result)
	full := len(batch.items) == maxBatch
	if full {
		delete(b.pending, key) // nothing more may join; the timer finds it gone
	}
	b.mu.Unlock()
	if full {
		go b.send(batch)
	}
	select {
	case r := <-result:
		return r.secret, r.err
	case <-ctx.Done():
		return Secret{}, ctx.Err()
	}
}

// flush sends the batch when its window ends, unless it already went out full.
func (b *createBatcher) flush(key string, batch *createBatch) {
	b.mu.Lock()
	if b.pending[key] != batch {
		b.mu.Unlock()
		return
	}
	delete(b.pending, key)
	b.mu.Unlock()
	b.send(batch)
}

// send sends a batch once and answers every item.
func (b *createBatcher) send(batch *createBatch) {
	created, err := b.sendRequest(batch.ctx, batch.accountID, batch.storeID, batch.items)
	if err == nil && len(created) == len(batch.items) {
		for i, ch := range batch.results {
			ch <- createResult{secret: created[i]}
		}
		return
	}
	if len(batch.items) == 1 {
		batch.results[0] <- createResult{err: cmp.Or(err, errUnexpectedCreateAnswer)}
		return
	}
	// Cloudflare checks a whole bulk create before creating any of it, so one bad secret (a name
	// taken, the quota reached) fails all of them: send each on its own to give each its answer.
	for i, item := range batch.items {
		one, err := b.sendRequest(batch.ctx, batch.accountID, batch.storeID, []NewSecret{item})
		if err == nil && len(one) != 1 {
			err = errUnexpectedCreateAnswer
		}
		var secret Secret
		if err == nil {
			secret = one[0]
		}
		batch.results[i] <- createResult{secret: secret, err: err}
	}
}
