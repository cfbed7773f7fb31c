package cloudflaremock

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestRequestLog(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	storeID := m.createStore()
	m.createSecret(storeID, "logged", secretValue("logged"), "workers")
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets?per_page=10&page=1", "")
	m.send(http.MethodGet, apiPrefix+"/accounts/"+m.mock.AccountID()+"/secrets_store/stores", "", nil)
	m.control(http.MethodGet, "/__mock/secrets/"+strings.Repeat("0", 32)+"/sha256") // control routes are not logged

	raw := m.control(http.MethodGet, "/__mock/requests")
	var entries []map[string]any
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		t.Fatalf("request log is not a JSON array: %v: %s", err, raw)
	}
	base := apiPrefix + "/accounts/" + m.mock.AccountID() + "/secrets_store/stores"
	want := []map[string]any{
		{"method": "POST", "path": base, "query": "", "status": 200.0, "time": "2025-06-01T12:00:00.000000Z"},
		{"method": "POST", "path": base + "/" + storeID + "/secrets", "query": "", "status": 200.0, "time": "2025-06-01T12:00:00.000000Z"},
		{"method": "GET", "path": base + "/" + storeID + "/secrets", "query": "per_page=10&page=1", "status": 200.0, "time": "2025-06-01T12:00:00.000000Z"},
		{"method": "GET", "path": base, "query": "", "status": 400.0, "time": "2025-06-01T12:00:00.000000Z"},
	}
	if len(entries) != len(want) {
		t.Fatalf("log has %d entries, want %d: %s", len(entries), len(want), raw)
	}
	for i := range want {
		if len(entries[i]) != len(want[i]) {
			t.Errorf("entry %d has fields %v, want exactly %v", i, entries[i], want[i])
		}
		for k, v := range want[i] {
			if entries[i][k] != v {
				t.Errorf("entry %d %s = %v, want %v", i, k, entries[i][k], v)
			}
		}
	}

	if got := m.control(http.MethodDelete, "/__mock/requests"); strings.TrimSpace(got) != `{"ok":true}` {
		t.Errorf("DELETE /__mock/requests answered %s", got)
	}
	if got := m.control(http.MethodGet, "/__mock/requests"); strings.TrimSpace(got) != `[]` {
		t.Errorf("log after clearing: %s, want []", got)
	}
}

// TestValueNeverLeaks walks every route that touches a value, including failures, and checks
// that no answer and no log line holds it. (The harness also checks every other test's answers.)
func TestValueNeverLeaks(t *testing.T) {
	m := newMockAPI(t, Config{SecretsQuota: 3})
	storeID := m.createStore()
	path := "/secrets_store/stores/" + storeID + "/secrets"
	value := secretValue("the-one-value")
	sec := m.createSecret(storeID, "leaky", value, "workers")

	answers := []response{
		m.api(http.MethodGet, path, ""),
		m.api(http.MethodGet, path+"/"+sec.ID, ""),
		m.api(http.MethodPatch, path+"/"+sec.ID, `{"value":"`+value+`2"}`),
		m.api(http.MethodPatch, path+"/"+sec.ID, `{"name":"renamed","value":"`+value+`"}`),
		m.api(http.MethodPatch, path+"/"+sec.ID, `{"value":"`+value+`","scopes":["nope"]}`),
		m.api(http.MethodPost, path, `[{"name":"leaky","value":"`+value+`","scopes":["workers"]}]`),
		m.api(http.MethodPost, path, `[{"name":"bad name","value":"`+value+`","scopes":["workers"]}]`),
		m.api(http.MethodPost, path, `[{"name":"x","value":"`+value+`"`),
		m.api(http.MethodPost, path+"/"+sec.ID+"/duplicate", `{"name":"leaky_copy"}`),
		m.api(http.MethodDelete, path+"/"+sec.ID, ""),
	}
	for i, r := range answers {
		if strings.Contains(r.raw, leakMarker) {
			t.Errorf("answer %d holds the value: %s", i, r.raw)
		}
	}
	if log := m.control(http.MethodGet, "/__mock/requests"); strings.Contains(log, leakMarker) {
		t.Errorf("the request log holds a value: %s", log)
	}
}

func TestSecretSHA256Route(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	value := secretValue("digest me")
	sec := m.createSecret(storeID, "digest", value, "workers")

	r := m.send(http.MethodGet, "/__mock/secrets/"+sec.ID+"/sha256", "", m.auth())
	if r.status != 200 || strings.TrimSpace(r.raw) != `{"sha256":"`+sha256Hex(value)+`"}` {
		t.Errorf("sha256 route answered %d %s", r.status, r.raw)
	}
	r = m.send(http.MethodGet, "/__mock/secrets/"+strings.Repeat("a", 32)+"/sha256", "", nil)
	if r.status != 404 || strings.TrimSpace(r.raw) != `{"error":"secret_not_found"}` {
		t.Errorf("sha256 of an unknown secret answered %d %s", r.status, r.raw)
	}
}

func TestReset(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	sec := m.createSecret(storeID, "temporary", secretValue("tmp"), "workers")

	if r := m.send(http.MethodGet, "/__mock/reset", "", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /__mock/reset answered %d, want 405", r.status)
	}
	if got := m.control(http.MethodPost, "/__mock/reset"); strings.TrimSpace(got) != `{"ok":true}` {
		t.Errorf("reset answered %s", got)
	}
	if got := m.control(http.MethodGet, "/__mock/requests"); strings.TrimSpace(got) != `[]` {
		t.Errorf("log after reset: %s, want []", got)
	}
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID, "").wantError(t, 404, 1001, "store_not_found")
	if r := m.send(http.MethodGet, "/__mock/secrets/"+sec.ID+"/sha256", "", nil); r.status != 404 {
		t.Errorf("secret survived reset: %d", r.status)
	}
	assertQuota(t, m, 100, 0)
	m.createStore()
}
