package cloudflaremock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchRequest serves one API request in process and fails the benchmark unless it succeeds.
func benchRequest(b *testing.B, s *Server, method, path string, body any) []byte {
	b.Helper()
	var reader *bytes.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	} else {
		reader = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, path, reader)
	req.Header.Set("Authorization", "Bearer "+s.AdminToken())
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes()
}

// BenchmarkListSecretsPage is the listing a plan's shared read sends: page 3 of 100 out of a
// store of 1,000 secrets, sorted by name, served in process without latency (`make bench`).
func BenchmarkListSecretsPage(b *testing.B) {
	s, err := New(Config{SecretsQuota: 2000})
	if err != nil {
		b.Fatal(err)
	}
	account := "/client/v4/accounts/" + s.AccountID()
	var store struct {
		Result struct {
			ID string `json:"id"`
		} `json:"result"`
	}
	if err := json.Unmarshal(benchRequest(b, s, http.MethodPost, account+"/secrets_store/stores", map[string]string{"name": "bench"}), &store); err != nil {
		b.Fatal(err)
	}
	secrets := account + "/secrets_store/stores/" + store.Result.ID + "/secrets"
	for batch := range 10 {
		items := make([]map[string]any, 100)
		for i := range items {
			items[i] = map[string]any{"name": fmt.Sprintf("bench_secret_%04d", batch*100+i), "value": "v", "scopes": []string{"workers"}}
		}
		benchRequest(b, s, http.MethodPost, secrets, items)
	}
	page := secrets + "?page=3&per_page=100&order=name&direction=asc"
	var check struct {
		Result []json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(benchRequest(b, s, http.MethodGet, page, nil), &check); err != nil || len(check.Result) != 100 {
		b.Fatalf("page 3 held %d secrets (%v), want 100", len(check.Result), err)
	}
	b.ReportAllocs()
	served := 0
	for b.Loop() {
		benchRequest(b, s, http.MethodGet, page, nil)
		if served++; served%1000 == 0 {
			s.mu.Lock()
			s.log = nil // the request log would otherwise grow with b.N
			s.mu.Unlock()
		}
	}
}
