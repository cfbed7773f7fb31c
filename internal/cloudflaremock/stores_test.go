package cloudflaremock

import (
	"net/http"
	"strings"
	"testing"
)

func TestCreateStoreBodyForms(t *testing.T) {
	clock := newFakeClock()
	tests := []struct {
		name      string
		body      string
		wantArray bool
	}{
		{"wrangler object", `{"name":"default_secrets_store"}`, false},
		{"sdk one-element array", `[{"name":"default_secrets_store"}]`, true},
		{"array with leading space", " \n[{\"name\":\"default_secrets_store\"}]", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMockAPI(t, Config{Now: clock.Now})
			r := m.api(http.MethodPost, "/secrets_store/stores", tt.body)
			r.wantStatus(t, http.StatusOK)
			var st storeView
			if tt.wantArray {
				var stores []storeView
				r.decodeResult(t, &stores)
				if len(stores) != 1 {
					t.Fatalf("result has %d stores, want 1", len(stores))
				}
				st = stores[0]
			} else {
				r.decodeResult(t, &st)
			}
			want := storeView{
				ID:        st.ID,
				Name:      "default_secrets_store",
				Created:   "2025-06-01T12:00:00.000000Z",
				Modified:  "2025-06-01T12:00:00.000000Z",
				AccountID: m.mock.AccountID(),
			}
			if st != want {
				t.Errorf("store %+v, want %+v", st, want)
			}
			if !idPattern.MatchString(st.ID) {
				t.Errorf("store id %q is not 32 lowercase hex", st.ID)
			}
		})
	}
}

func TestCreateStoreErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		status  int
		code    int
		message string
	}{
		{"empty name", `{"name":""}`, 400, 1001, "store_name_empty"},
		{"no name", `{}`, 400, 1001, "store_name_empty"},
		{"null body", `null`, 400, 1001, "store_name_empty"},
		{"empty array", `[]`, 400, 1001, "store_name_empty"},
		{"empty name in array", `[{"name":""}]`, 400, 1001, "store_name_empty"},
		{"name too long", `{"name":"` + strings.Repeat("n", 256) + `"}`, 400, 1001, "store_name_too_long"},
		{"two stores at once", `[{"name":"a"},{"name":"b"}]`, 400, 1003, "maximum_stores_exceeded"},
		{"bad json", `{"name"`, 400, 1001, "invalid_json_body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMockAPI(t, Config{})
			m.api(http.MethodPost, "/secrets_store/stores", tt.body).wantError(t, tt.status, tt.code, tt.message)
			r := m.api(http.MethodGet, "/secrets_store/stores", "")
			if r.env.ResultInfo.TotalCount != 0 {
				t.Errorf("a failed create left %d stores", r.env.ResultInfo.TotalCount)
			}
		})
	}
}

func TestOneStorePerAccount(t *testing.T) {
	m := newMockAPI(t, Config{})
	m.createStore()
	for _, body := range []string{`{"name":"second"}`, `[{"name":"second"}]`} {
		m.api(http.MethodPost, "/secrets_store/stores", body).wantError(t, 400, 1003, "maximum_stores_exceeded")
	}
}

func TestStoreGetListDelete(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()

	var got storeView
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID, "").decodeResult(t, &got)
	if got.ID != storeID || got.Name != "default_secrets_store" || got.AccountID != m.mock.AccountID() {
		t.Errorf("GET store: %+v", got)
	}

	var list []storeView
	r := m.api(http.MethodGet, "/secrets_store/stores?order=name&direction=desc", "")
	r.decodeResult(t, &list)
	if len(list) != 1 || list[0] != got {
		t.Errorf("list %+v, want [%+v]", list, got)
	}
	if want := (resultInfo{Page: 1, PerPage: 20, Count: 1, TotalCount: 1, TotalPages: 1}); *r.env.ResultInfo != want {
		t.Errorf("result_info %+v, want %+v", *r.env.ResultInfo, want)
	}
	m.api(http.MethodGet, "/secrets_store/stores?order=size", "").wantError(t, 400, 1001, "invalid_order")
	m.api(http.MethodGet, "/secrets_store/stores?direction=up", "").wantError(t, 400, 1001, "invalid_direction")

	for _, id := range []string{strings.Repeat("f", 32), "not-an-id"} {
		m.api(http.MethodGet, "/secrets_store/stores/"+id, "").wantError(t, 404, 1001, "store_not_found")
		m.api(http.MethodDelete, "/secrets_store/stores/"+id, "").wantError(t, 404, 1001, "store_not_found")
	}

	r = m.api(http.MethodDelete, "/secrets_store/stores/"+storeID, "")
	r.wantStatus(t, http.StatusOK)
	if string(r.env.Result) != "null" {
		t.Errorf("DELETE answered %s, want a null result", r.raw)
	}
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID, "").wantError(t, 404, 1001, "store_not_found")
	// The slot is free again.
	m.createStore()
}

func TestDeleteNonEmptyStore(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	sec := m.createSecret(storeID, "kept", secretValue("kept"), "workers")

	for _, query := range []string{"", "?force=false"} {
		m.api(http.MethodDelete, "/secrets_store/stores/"+storeID+query, "").wantError(t, 409, 1003, "store_not_empty")
	}
	// force is true or false, as the SDKs send it; nothing else forces or is taken for false.
	for _, query := range []string{"?force=maybe", "?force=1", "?force=TRUE"} {
		m.api(http.MethodDelete, "/secrets_store/stores/"+storeID+query, "").wantError(t, 400, 1001, "invalid_force")
	}
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets/"+sec.ID, "").wantStatus(t, 200)

	m.api(http.MethodDelete, "/secrets_store/stores/"+storeID+"?force=true", "").wantStatus(t, 200)
	if body := m.send(http.MethodGet, "/__mock/secrets/"+sec.ID+"/sha256", "", nil); body.status != 404 {
		t.Errorf("force delete left the secret behind: %d %s", body.status, body.raw)
	}
	var quota struct {
		Secrets struct{ Quota, Usage int } `json:"secrets"`
	}
	m.api(http.MethodGet, "/secrets_store/quota", "").decodeResult(t, &quota)
	if quota.Secrets.Usage != 0 {
		t.Errorf("usage %d after force delete, want 0", quota.Secrets.Usage)
	}
}
