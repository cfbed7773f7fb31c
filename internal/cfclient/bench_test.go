package cfclient

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// Micro-benchmarks of the client's hot paths (`make bench` runs them; BENCHMARKS.md has the
// numbers). None of them touches a network or sleeps beyond the batch window.

func benchSecrets(n int) map[string]Secret {
	secrets := make(map[string]Secret, n)
	for i := range n {
		id := fmt.Sprintf("%032x", i)
		secrets[id] = Secret{ID: id, StoreID: "store", Name: fmt.Sprintf("bench_secret_%04d", i), Scopes: []string{"workers"},
			Status: "active", Created: "2025-06-01T12:00:00Z", Modified: "2025-06-01T12:00:00Z"}
	}
	return secrets
}

// BenchmarkSharedLoadsGetHit is a secret Read once the store's listing is loaded: what each of
// the N reads of a plan costs after the first.
func BenchmarkSharedLoadsGetHit(b *testing.B) {
	var loads sharedLoads[map[string]Secret]
	secrets := benchSecrets(1000)
	fetch := func(context.Context) (map[string]Secret, error) { return secrets, nil }
	ctx := context.Background()
	if _, err := loads.get(ctx, "account/store", fetch); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loads.get(ctx, "account/store", fetch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSharedLoadsGetHitParallel is the same with readers on every CPU contending for the
// one mutex, as Terraform's parallel refresh does.
func BenchmarkSharedLoadsGetHitParallel(b *testing.B) {
	var loads sharedLoads[map[string]Secret]
	secrets := benchSecrets(1000)
	fetch := func(context.Context) (map[string]Secret, error) { return secrets, nil } //nolint:unparam // the signature sharedLoads.get takes
	if _, err := loads.get(context.Background(), "account/store", fetch); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := loads.get(ctx, "account/store", fetch); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// listEnvelope is a page of 100 secrets as Cloudflare answers a listing: the body the TRACE log
// masks most often.
func listEnvelope(b *testing.B) []byte {
	b.Helper()
	secrets := benchSecrets(100)
	page := make([]Secret, 0, len(secrets))
	for _, s := range secrets {
		page = append(page, s)
	}
	raw, err := json.Marshal(map[string]any{
		"success": true, "errors": []any{}, "messages": []any{}, "result": page,
		"result_info": resultInfo{Page: 1, PerPage: 100, Count: 100, TotalCount: 1000},
	})
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// createBody is a bulk create of 10 secrets: values that must be masked at any depth.
func createBody(b *testing.B) []byte {
	b.Helper()
	items := make([]NewSecret, 10)
	for i := range items {
		items[i] = NewSecret{Name: fmt.Sprintf("bench_secret_%04d", i), Value: "not-a-secret-benchmark-value", Scopes: []string{"workers"}}
	}
	raw, err := json.Marshal(items)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkMaskJSON is the masking walk alone over a decoded listing envelope. Masking is
// idempotent, so the same decoded value is walked every time: every key is still visited.
func BenchmarkMaskJSON(b *testing.B) {
	var decoded any
	if err := json.Unmarshal(listEnvelope(b), &decoded); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		maskJSON(decoded)
	}
}

// BenchmarkBodyForLog is what logging one body costs: decode, mask, encode.
func BenchmarkBodyForLog(b *testing.B) {
	for _, c := range []struct {
		name string
		raw  []byte
	}{{"list_page_100", listEnvelope(b)}, {"bulk_create_10", createBody(b)}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.raw)))
			b.ReportAllocs()
			for b.Loop() {
				if out := bodyForLog("application/json", c.raw, false); out == "" {
					b.Fatal("nothing logged")
				}
			}
		})
	}
}

// fakeSend answers a bulk create at once, as a zero-latency API would.
func fakeSend(requests *atomic.Int64) func(context.Context, string, string, []NewSecret) ([]Secret, error) {
	return func(_ context.Context, _, storeID string, secrets []NewSecret) ([]Secret, error) {
		requests.Add(1)
		out := make([]Secret, len(secrets))
		for i, s := range secrets {
			out[i] = Secret{ID: s.Name, StoreID: storeID, Name: s.Name, Scopes: s.Scopes, Status: "active"}
		}
		return out, nil
	}
}

// BenchmarkCreateBatcher measures rounds of creates arriving together, one round after another
// as in an apply. "full_100" fills a batch, which goes out at once: the batcher's own overhead
// per secret. "parallel_10" is Terraform's default parallelism: each round goes out as soon as
// all ten have joined. "lone" is one create per round (terraform -parallelism=1): after the first
// rounds show that no other create comes, each goes out at once.
func BenchmarkCreateBatcher(b *testing.B) {
	for _, concurrent := range []int{1, 10, maxBatch} {
		name := fmt.Sprintf("parallel_%d", concurrent)
		switch concurrent {
		case 1:
			name = "lone"
		case maxBatch:
			name = "full_100"
		}
		b.Run(name, func(b *testing.B) {
			var requests atomic.Int64
			batcher := createBatcher{sendBatch: fakeSend(&requests)}
			secret := NewSecret{Name: "bench_secret", Value: "v", Scopes: []string{"workers"}}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				var wg sync.WaitGroup
				for range concurrent {
					wg.Go(func() {
						if _, err := batcher.add(ctx, "account", "store", secret); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
			}
			b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*concurrent), "ns/secret")
		})
	}
}

// BenchmarkApplyEdits100 merges 100 binding edits (each adding or replacing one Secrets Store
// binding, as cfsecrets_worker_binding does) into a script's 100 existing bindings: the work of
// one merged PATCH when a whole apply's bindings of one Worker queue up together.
func BenchmarkApplyEdits100(b *testing.B) {
	current := make([]Binding, 0, 100)
	for i := range 100 {
		if i%2 == 0 {
			current = append(current, NewSecretsStoreBinding(fmt.Sprintf("SECRET_%04d", i), "store", fmt.Sprintf("bench_secret_%04d", i)))
			continue
		}
		var other Binding
		if err := json.Unmarshal(fmt.Appendf(nil, `{"type":"plain_text","name":"VAR_%04d","text":"value"}`, i), &other); err != nil {
			b.Fatal(err)
		}
		current = append(current, other)
	}
	edits := make([]*bindingEdit, 100)
	for i := range edits {
		// Half replace an existing binding (SECRET_0000, SECRET_0002, ...), half add a new one.
		name := fmt.Sprintf("SECRET_%04d", i*2)
		if i >= 50 {
			name = fmt.Sprintf("NEW_SECRET_%04d", i)
		}
		want := NewSecretsStoreBinding(name, "store", fmt.Sprintf("bench_secret_%04d_v2", i))
		edits[i] = &bindingEdit{done: make(chan error, 1), change: func(bindings []Binding) ([]Binding, error) {
			j := slices.IndexFunc(bindings, func(b Binding) bool { return b.Name == want.Name })
			if j < 0 {
				return append(bindings, want), nil
			}
			bindings[j] = want
			return bindings, nil
		}}
	}
	b.ReportAllocs()
	for b.Loop() {
		merged, accepted := applyEdits(current, edits)
		if len(accepted) != len(edits) || len(merged) != 150 {
			b.Fatalf("merged %d bindings from %d accepted edits, want 150 from %d", len(merged), len(accepted), len(edits))
		}
	}
}
