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

// The deletes of one store's secrets go through the same batcher as the creates (batch.go); these
// tests hold what is particular to deletes: each caller still gets its own answer, a secret that
// is already gone is not an error, and a destroy costs about what the apply did.

// TestDeleteSecretConcurrentCallsShareOneDELETE: deletes that arrive together go out as one bulk
// DELETE, and every secret is gone.
func TestDeleteSecretConcurrentCallsShareOneDELETE(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newMemAPI(t)
		storeID := api.createStore()
		secrets := api.createSecrets(storeID, names(20)...)
		api.clearRequests()

		errs := deleteAll(t.Context(), api, storeID, secrets, 20)
		for name, err := range errs {
			if err != nil {
				t.Errorf("DeleteSecret %s: %v", name, err)
			}
		}
		if deletes := api.statuses(http.MethodDelete, "/secrets"); !slices.Equal(deletes, []int{http.StatusOK}) {
			t.Errorf("bulk DELETE statuses %v, want one bulk delete [200]", deletes)
		}
		if n := api.count(http.MethodDelete, ""); n != 1 {
			t.Errorf("%d DELETE requests, want the one bulk delete", n)
		}
		if listed, err := api.client.ListSecrets(t.Context(), api.account, storeID, SecretFilter{}); err != nil || len(listed) != 0 {
			t.Errorf("after the deletes the store holds %v (%v), want nothing", listed, err)
		}
	})
}

// TestDeleteSecretAlreadyGoneFailsNoOne: Cloudflare refuses a bulk delete naming a secret that is
// gone, as a whole; each delete is then sent alone, and the gone one counts as deleted.
func TestDeleteSecretAlreadyGoneFailsNoOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newMemAPI(t)
		storeID := api.createStore()
		secrets := api.createSecrets(storeID, names(10)...)
		gone := secrets[secretName(3)]
		if err := api.client.DeleteSecrets(t.Context(), api.account, storeID, []string{gone.ID}); err != nil {
			t.Fatal(err)
		}
		api.clearRequests()

		for name, err := range deleteAll(t.Context(), api, storeID, secrets, 10) {
			if err != nil {
				t.Errorf("DeleteSecret %s: %v, want success (gone already counts)", name, err)
			}
		}
		bulk := api.statuses(http.MethodDelete, "/secrets")
		if !slices.Equal(bulk, []int{http.StatusNotFound}) || api.count(http.MethodDelete, "") != 1+10 {
			t.Errorf("bulk DELETE statuses %v and %d DELETEs in all, want one refused bulk delete then 10 single deletes",
				bulk, api.count(http.MethodDelete, ""))
		}
		if listed, _ := api.client.ListSecrets(t.Context(), api.account, storeID, SecretFilter{}); len(listed) != 0 {
			t.Errorf("the store still holds %d secrets", len(listed))
		}
	})
}

// TestDeleteBatcherFailingItemFailsOnlyItsCaller: when the bulk request is refused and one item
// then fails on its own, only that caller gets the error.
func TestDeleteBatcherFailingItemFailsOnlyItsCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		refused := errors.New("bulk refused")
		forbidden := &APIError{Status: http.StatusForbidden, Errors: []ErrorDetail{{Code: 10000, Message: "Authentication error"}}}
		var bulk, singles int
		b := &deleteBatcher{
			sendBatch: func(context.Context, string, string, []string) ([]struct{}, error) { bulk++; return nil, refused },
			sendOne: func(_ context.Context, _, _ string, id string) (struct{}, error) {
				singles++
				if id == "BAD" {
					return struct{}{}, forbidden
				}
				return struct{}{}, nil
			},
		}
		ids := append(names(9), "BAD")
		errs := make([]error, len(ids))
		var wg sync.WaitGroup
		for i, id := range ids {
			wg.Go(func() { _, errs[i] = b.add(t.Context(), "account", "store", id) })
		}
		wg.Wait()
		for i, id := range ids {
			switch {
			case id == "BAD" && !errors.Is(errs[i], forbidden):
				t.Errorf("BAD: err = %v, want its own 403", errs[i])
			case id != "BAD" && errs[i] != nil:
				t.Errorf("%s: err = %v, want none", id, errs[i])
			}
		}
		if bulk != 1 || singles != len(ids) {
			t.Errorf("%d bulk and %d single requests, want 1 and %d", bulk, singles, len(ids))
		}
	})
}

// TestDestroyRequestsPerSecret destroys secrets as Terraform does (ten at a time, each delete
// started as an earlier one finishes) against the mock with 50 ms of latency, on synctest's fake
// clock, and counts the DELETEs in the mock's request log: at most N/5 + 5.
func TestDestroyRequestsPerSecret(t *testing.T) {
	const latency = 50 * time.Millisecond
	for _, tt := range []struct {
		name    string
		between time.Duration // Terraform's own work between starting one delete and the next
	}{
		{name: "Terraform as fast as the API"},
		{name: "Terraform slower than the API", between: 20 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				api := newMemAPI(t)
				storeID := api.createStore()
				secrets := api.createSecrets(storeID, names(100)...)
				api.clearRequests()
				api.transport.before = func(*http.Request) { time.Sleep(latency) }

				slots := make(chan struct{}, 10)
				var wg sync.WaitGroup
				for _, s := range secrets {
					slots <- struct{}{}
					wg.Go(func() {
						defer func() { <-slots }()
						if err := api.client.DeleteSecret(t.Context(), api.account, storeID, s.ID); err != nil {
							t.Error(err)
						}
					})
					time.Sleep(tt.between)
				}
				wg.Wait()
				api.transport.before = nil
				deletes := api.count(http.MethodDelete, "")
				t.Logf("%d secrets destroyed in %d requests", len(secrets), deletes)
				if limit := len(secrets)/5 + 5; deletes > limit {
					t.Errorf("%d DELETE requests for %d secrets, want at most %d", deletes, len(secrets), limit)
				}
				if listed, _ := api.client.ListSecrets(t.Context(), api.account, storeID, SecretFilter{}); len(listed) != 0 {
					t.Errorf("the store still holds %d secrets", len(listed))
				}
			})
		})
	}
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = secretName(i)
	}
	return out
}

// deleteAll deletes the secrets concurrently, at most parallel at a time, and returns each
// delete's error by secret name.
func deleteAll(ctx context.Context, api *memAPI, storeID string, secrets map[string]Secret, parallel int) map[string]error {
	var mu sync.Mutex
	errs := map[string]error{}
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for name, s := range secrets {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			err := api.client.DeleteSecret(ctx, api.account, storeID, s.ID)
			mu.Lock()
			errs[name] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(errs) != len(secrets) {
		panic(fmt.Sprintf("%d answers for %d deletes", len(errs), len(secrets)))
	}
	return errs
}
