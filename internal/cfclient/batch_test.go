package cfclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// recordingSend is a createBatcher.sendBatch that records every batch and answers each item with a
// secret named like it, in request order.
type recordingSend struct {
	mu      sync.Mutex
	batches [][]NewSecret
	stores  []string
	ctxErrs []error
	answer  func(items []NewSecret) ([]Secret, error) // nil: create them all
}

func (r *recordingSend) send(ctx context.Context, _, storeID string, items []NewSecret) ([]Secret, error) {
	r.mu.Lock()
	r.batches = append(r.batches, slices.Clone(items))
	r.stores = append(r.stores, storeID)
	r.ctxErrs = append(r.ctxErrs, ctx.Err())
	answer := r.answer
	r.mu.Unlock()
	if answer != nil {
		return answer(items)
	}
	out := make([]Secret, len(items))
	for i, it := range items {
		out[i] = Secret{ID: "id-" + it.Name, StoreID: storeID, Name: it.Name, Status: "active"}
	}
	return out, nil
}

func (r *recordingSend) sizes() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for _, b := range r.batches {
		out = append(out, len(b))
	}
	return out
}

func secretName(i int) string { return fmt.Sprintf("SECRET_%03d", i) }

func TestCreateBatcherGroupsCreatesThatArriveTogether(t *testing.T) {
	tests := []struct {
		name      string
		creates   int
		stores    int
		wantSizes []int // sizes of the sends, in any order
		// wantWait is how long (on the bubble's fake clock) the callers waited for their answers:
		// the batch window, or nothing when a full batch goes out at once.
		wantWait time.Duration
	}{
		{name: "lone create is sent", creates: 1, stores: 1, wantSizes: []int{1}, wantWait: batchWindow},
		{name: "20 creates in one store: one send", creates: 20, stores: 1, wantSizes: []int{20}, wantWait: batchWindow},
		{name: "creates in two stores: one send per store", creates: 20, stores: 2, wantSizes: []int{10, 10}, wantWait: batchWindow},
		{name: "a full batch goes out at once", creates: maxBatch, stores: 1, wantSizes: []int{maxBatch}, wantWait: 0},
		// More than a full batch: the sizes are not checked, since a create can still join a full
		// batch before it is flushed (see the report on batch.go); each must be sent once.
		{name: "more than a full batch", creates: maxBatch + 50, stores: 1, wantWait: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := &recordingSend{}
				b := &createBatcher{sendBatch: rec.send}
				got := make([]Secret, tt.creates)
				errs := make([]error, tt.creates)
				start := time.Now()
				var wg sync.WaitGroup
				for i := range tt.creates {
					store := fmt.Sprintf("store-%d", i%tt.stores)
					wg.Go(func() {
						got[i], errs[i] = b.add(t.Context(), "account", store, NewSecret{Name: secretName(i), Value: "v", Scopes: []string{"workers"}})
					})
				}
				// In a bubble the batch window's timer fires only once every caller is waiting, so
				// all of them have joined a batch by then.
				wg.Wait()
				if waited := time.Since(start); tt.wantWait >= 0 && waited != tt.wantWait {
					t.Errorf("callers waited %v (fake clock), want %v", waited, tt.wantWait)
				}
				for i := range tt.creates {
					if errs[i] != nil {
						t.Fatalf("create %d: %v", i, errs[i])
					}
					if got[i].Name != secretName(i) || got[i].ID != "id-"+secretName(i) {
						t.Errorf("create %d (%s) got secret %+v: not its own", i, secretName(i), got[i])
					}
					if want := fmt.Sprintf("store-%d", i%tt.stores); got[i].StoreID != want {
						t.Errorf("create %d went to store %q, want %q", i, got[i].StoreID, want)
					}
				}
				sent := map[string]int{}
				for _, batch := range rec.batches {
					for _, item := range batch {
						sent[item.Name]++
					}
				}
				for i := range tt.creates {
					if sent[secretName(i)] != 1 {
						t.Errorf("%s was sent %d times, want 1", secretName(i), sent[secretName(i)])
					}
				}
				if tt.wantSizes != nil {
					sizes := rec.sizes()
					slices.Sort(sizes)
					if want := slices.Sorted(slices.Values(tt.wantSizes)); !slices.Equal(sizes, want) {
						t.Errorf("send sizes %v, want %v", sizes, want)
					}
				}
				for i, batch := range rec.batches {
					for _, item := range batch {
						var n int
						if _, err := fmt.Sscanf(item.Name, "SECRET_%03d", &n); err != nil {
							t.Fatalf("sent item %q is not named like secretName: %v", item.Name, err)
						}
						if want := fmt.Sprintf("store-%d", n%tt.stores); rec.stores[i] != want {
							t.Errorf("%s was sent to %s, want %s", item.Name, rec.stores[i], want)
						}
					}
				}
			})
		})
	}
}

func TestCreateBatcherOpenerCancelledDoesNotCancelBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := &recordingSend{}
		b := &createBatcher{sendBatch: rec.send}
		openerCtx, cancelOpener := context.WithCancel(t.Context())
		openerErr := make(chan error, 1)
		go func() {
			_, err := b.add(openerCtx, "account", "store", NewSecret{Name: "OPENER"})
			openerErr <- err
		}()
		synctest.Wait() // the opener's batch is open and its window has not ended
		var other Secret
		var otherErr error
		var wg sync.WaitGroup
		wg.Go(func() { other, otherErr = b.add(t.Context(), "account", "store", NewSecret{Name: "OTHER"}) })
		synctest.Wait()

		cancelOpener()
		if err := <-openerErr; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled opener: err = %v, want context.Canceled", err)
		}
		wg.Wait()
		if otherErr != nil || other.Name != "OTHER" {
			t.Errorf("the other create got (%+v, %v), want its secret", other, otherErr)
		}
		if sizes := rec.sizes(); !slices.Equal(sizes, []int{2}) {
			t.Errorf("send sizes %v, want [2]", sizes)
		}
		if rec.ctxErrs[0] != nil {
			t.Errorf("the batch was sent with a cancelled context (%v): it must outlive its opener", rec.ctxErrs[0])
		}
	})
}

func TestCreateBatcherFailedBatchAnswersEachItem(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		taken := errors.New("name taken")
		rec := &recordingSend{}
		rec.answer = func(items []NewSecret) ([]Secret, error) {
			for _, it := range items {
				if it.Name == "TAKEN" {
					return nil, taken // all or nothing, like Cloudflare
				}
			}
			out := make([]Secret, len(items))
			for i, it := range items {
				out[i] = Secret{ID: "id-" + it.Name, Name: it.Name}
			}
			return out, nil
		}
		b := &createBatcher{sendBatch: rec.send}
		names := []string{"A", "TAKEN", "B", "C"}
		got := make([]Secret, len(names))
		errs := make([]error, len(names))
		var wg sync.WaitGroup
		for i, name := range names {
			wg.Go(func() { got[i], errs[i] = b.add(t.Context(), "account", "store", NewSecret{Name: name}) })
		}
		wg.Wait()
		for i, name := range names {
			if name == "TAKEN" {
				if !errors.Is(errs[i], taken) {
					t.Errorf("%s: err = %v, want its own error", name, errs[i])
				}
				continue
			}
			if errs[i] != nil || got[i].Name != name {
				t.Errorf("%s: got (%+v, %v), want its secret: another item's failure must not fail it", name, got[i], errs[i])
			}
		}
		// One bulk send, then one send per item.
		if sizes := rec.sizes(); !slices.Equal(sizes, []int{4, 1, 1, 1, 1}) {
			t.Errorf("send sizes %v, want [4 1 1 1 1]", sizes)
		}
	})
}

func TestCreateBatcherUnexpectedAnswer(t *testing.T) {
	tests := []struct {
		name    string
		creates int
	}{
		{name: "lone create answered with no secret", creates: 1},
		{name: "batch answered with no secrets", creates: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := &recordingSend{answer: func([]NewSecret) ([]Secret, error) { return nil, nil }}
				b := &createBatcher{sendBatch: rec.send}
				errs := make([]error, tt.creates)
				var wg sync.WaitGroup
				for i := range tt.creates {
					wg.Go(func() { _, errs[i] = b.add(t.Context(), "account", "store", NewSecret{Name: secretName(i)}) })
				}
				wg.Wait()
				for i, err := range errs {
					if !errors.Is(err, errUnexpectedBulkAnswer) {
						t.Errorf("create %d: err = %v, want errUnexpectedBulkAnswer (an empty answer is not a secret)", i, err)
					}
				}
			})
		})
	}
}

// Through the mock, in memory: the real CreateSecrets as the batcher's send.

func TestCreateSecretConcurrentCallsShareOnePOST(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newMemAPI(t)
		storeID := api.createStore()
		api.clearRequests()

		const n = 20
		got := make([]Secret, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got[i], errs[i] = api.client.CreateSecret(t.Context(), api.account, storeID,
					NewSecret{Name: secretName(i), Value: "value-" + secretName(i), Scopes: []string{"workers"}, Comment: "c" + secretName(i)})
			})
		}
		wg.Wait()
		ids := map[string]bool{}
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("CreateSecret %s: %v", secretName(i), errs[i])
			}
			if got[i].Name != secretName(i) || got[i].Comment != "c"+secretName(i) || got[i].StoreID != storeID || got[i].ID == "" {
				t.Errorf("CreateSecret %s got %+v: not its own secret", secretName(i), got[i])
			}
			ids[got[i].ID] = true
		}
		if len(ids) != n {
			t.Errorf("%d distinct ids for %d secrets", len(ids), n)
		}
		if posts := api.statuses(http.MethodPost, "/secrets"); !slices.Equal(posts, []int{http.StatusOK}) {
			t.Errorf("secret POSTs (statuses) %v, want one bulk create [200]", posts)
		}
	})
}

func TestCreateSecretDuplicateNameFailsOnlyItsCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newMemAPI(t)
		storeID := api.createStore()
		existing := api.createSecrets(storeID, "TAKEN")["TAKEN"]
		api.clearRequests()

		names := []string{"TAKEN"}
		for i := range 19 {
			names = append(names, secretName(i))
		}
		got := make([]Secret, len(names))
		errs := make([]error, len(names))
		var wg sync.WaitGroup
		for i, name := range names {
			wg.Go(func() {
				got[i], errs[i] = api.client.CreateSecret(t.Context(), api.account, storeID,
					NewSecret{Name: name, Value: "v", Scopes: []string{"workers"}})
			})
		}
		wg.Wait()
		for i, name := range names {
			if name == "TAKEN" {
				apiErr, ok := AsAPIError(errs[i])
				if !ok || apiErr.Status != http.StatusConflict || !apiErr.Has(1003, "secret_name_already_exists") {
					t.Errorf("TAKEN: err = %v, want 409 code 1003 secret_name_already_exists", errs[i])
				}
				continue
			}
			if errs[i] != nil || got[i].Name != name {
				t.Errorf("%s: got (%+v, %v), want its new secret", name, got[i], errs[i])
			}
		}
		// The bulk create was refused as a whole, then each was sent alone.
		posts := api.statuses(http.MethodPost, "/secrets")
		if len(posts) != 1+len(names) || posts[0] != http.StatusConflict {
			t.Errorf("secret POST statuses %v, want one refused bulk create then %d single creates", posts, len(names))
		}
		listed, err := api.client.ListSecrets(t.Context(), api.account, storeID, SecretFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(listed) != len(names) {
			t.Errorf("store holds %d secrets, want %d", len(listed), len(names))
		}
		for _, s := range listed {
			if s.Name == "TAKEN" && s.ID != existing.ID {
				t.Errorf("TAKEN was replaced: id %s, want %s", s.ID, existing.ID)
			}
		}
	})
}

func TestCreateSecretDuplicateWithinBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newMemAPI(t)
		storeID := api.createStore()
		names := []string{"SAME", "SAME", "OTHER"}
		errs := make([]error, len(names))
		var wg sync.WaitGroup
		for i, name := range names {
			wg.Go(func() {
				_, errs[i] = api.client.CreateSecret(t.Context(), api.account, storeID, NewSecret{Name: name, Value: "v", Scopes: []string{"workers"}})
			})
		}
		wg.Wait()
		conflicts := 0
		for i, err := range errs {
			switch {
			case err == nil:
			case names[i] == "SAME" && HasCode(err, 1003, "secret_name_already_exists"):
				conflicts++
			default:
				t.Errorf("%s: unexpected error %v", names[i], err)
			}
		}
		if conflicts != 1 {
			t.Errorf("%d of the two SAME creates failed with a name conflict, want exactly 1", conflicts)
		}
	})
}

func TestCreateSecretLoneCallIsSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newMemAPI(t)
		storeID := api.createStore()
		api.clearRequests()
		s, err := api.client.CreateSecret(t.Context(), api.account, storeID, NewSecret{Name: "ONLY", Value: "v", Scopes: []string{"workers"}})
		if err != nil || s.Name != "ONLY" || s.ID == "" {
			t.Fatalf("CreateSecret = (%+v, %v)", s, err)
		}
		if n := api.count(http.MethodPost, "/secrets"); n != 1 {
			t.Errorf("%d POSTs, want 1", n)
		}
	})
}

// TestCreateBatcherStream plays an apply of many secrets: Terraform starts a create whenever one
// of its ten parallel slots is free, spending some time of its own between one start and the next;
// each send takes the API's latency. Batches must carry several creates each, and a lone create
// after the stream must still wait only batchWindow.
func TestCreateBatcherStream(t *testing.T) {
	const creates, latency = 300, 50 * time.Millisecond
	tests := []struct {
		name        string
		parallelism int
		between     time.Duration // Terraform's own work between starting one create and the next
		maxSends    int
		// maxTime bounds the whole run: waiting for company must not slow a stream that can have none.
		maxTime time.Duration
	}{
		{name: "Terraform as fast as the API", parallelism: 10, maxSends: creates / 8, maxTime: creates / 8 * (latency + streamWindow)},
		// About 17 creates a second, as in the benchmark's apply of 1,000 secrets.
		{name: "Terraform slower than the API", parallelism: 10, between: 60 * time.Millisecond, maxSends: creates / 5,
			maxTime: creates*60*time.Millisecond + streamWindow + latency},
		{name: "terraform -parallelism=1", parallelism: 1, maxSends: creates,
			maxTime: creates*(batchWindow+latency) + streamWindow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := &recordingSend{}
				send := rec.send
				b := &createBatcher{sendBatch: func(ctx context.Context, accountID, storeID string, items []NewSecret) ([]Secret, error) {
					time.Sleep(latency)
					return send(ctx, accountID, storeID, items)
				}}
				slots := make(chan struct{}, tt.parallelism)
				start := time.Now()
				var wg sync.WaitGroup
				for i := range creates {
					slots <- struct{}{}
					wg.Go(func() {
						defer func() { <-slots }()
						if _, err := b.add(t.Context(), "account", "store", NewSecret{Name: secretName(i)}); err != nil {
							t.Error(err)
						}
					})
					time.Sleep(tt.between)
				}
				wg.Wait()
				if took := time.Since(start); took > tt.maxTime {
					t.Errorf("the creates took %v (fake clock), want at most %v", took, tt.maxTime)
				}
				sizes := rec.sizes()
				total := 0
				for _, n := range sizes {
					total += n
				}
				if total != creates {
					t.Fatalf("sent %d creates, want %d", total, creates)
				}
				t.Logf("%d creates in %d requests, %v (fake clock)", creates, len(sizes), time.Since(start))
				if len(sizes) > tt.maxSends {
					t.Errorf("%d creates went out in %d requests (sizes %v), want at most %d", creates, len(sizes), sizes, tt.maxSends)
				}

				time.Sleep(time.Second) // the stream is over
				start = time.Now()
				if _, err := b.add(t.Context(), "account", "store", NewSecret{Name: "LONE"}); err != nil {
					t.Fatal(err)
				}
				if waited := time.Since(start); waited != batchWindow+latency {
					t.Errorf("a lone create after the stream took %v, want the batch window and the latency, %v", waited, batchWindow+latency)
				}
			})
		})
	}
}
