package cloudflaremock

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewDefaultsAndValidation(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatalf("New(Config{}): %v", err)
	}
	if s.AccountID() != DefaultAccountID || s.AdminToken() != DefaultAdminToken {
		t.Errorf("defaults: account %q token %q", s.AccountID(), s.AdminToken())
	}
	if !idPattern.MatchString(DefaultAccountID) {
		t.Errorf("DefaultAccountID %q is not 32 hex", DefaultAccountID)
	}

	for name, cfg := range map[string]Config{
		"account id not hex":    {AccountID: "not-an-account"},
		"account id upper case": {AccountID: strings.ToUpper(DefaultAccountID)},
		"token with whitespace": {AdminToken: "two words"},
		"negative quota":        {SecretsQuota: -1},
		"negative latency":      {Latency: -time.Second},
		"state file unreadable": {StateFile: t.TempDir()},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(cfg); err == nil {
				t.Errorf("New(%+v) succeeded, want an error", cfg)
			}
		})
	}
}

func TestAuthentication(t *testing.T) {
	m := newMockAPI(t, Config{})
	otherAccount := strings.Repeat("ab", 16)
	badHeader := []errorItem{
		{Code: 6003, Message: "Invalid request headers"},
		{Code: 6111, Message: "Invalid format for Authorization header"},
	}
	tests := []struct {
		name    string
		account string
		header  http.Header
		status  int
		errors  []errorItem
	}{
		{"no header", "", nil, 400, badHeader},
		{"not bearer", "", http.Header{"Authorization": {"Basic dXNlcjpwYXNz"}}, 400, badHeader},
		{"bearer without token", "", http.Header{"Authorization": {"Bearer"}}, 400, badHeader},
		{"bearer with empty token", "", http.Header{"Authorization": {"Bearer "}}, 400, badHeader},
		{"token with a space", "", http.Header{"Authorization": {"Bearer a b"}}, 400, badHeader},
		{"unknown token", "", http.Header{"Authorization": {"Bearer not-the-token"}}, 401, []errorItem{{1000, "Invalid API Token"}}},
		{"other account", otherAccount, m.auth(), 403, []errorItem{{10000, "Authentication error"}}},
		{"admin token", "", m.auth(), 200, []errorItem{}},
		{"scheme is case-insensitive", "", http.Header{"Authorization": {"bearer " + DefaultAdminToken}}, 200, []errorItem{}},
	}
	for _, tt := range tests {
		for _, path := range []string{"/secrets_store/stores", "/secrets_store/quota"} {
			t.Run(tt.name+path, func(t *testing.T) {
				account := cmp.Or(tt.account, m.mock.AccountID())
				r := m.send(http.MethodGet, apiPrefix+"/accounts/"+account+path, "", tt.header)
				r.wantStatus(t, tt.status)
				if !slices.Equal(r.env.Errors, tt.errors) {
					t.Errorf("errors %+v, want %+v", r.env.Errors, tt.errors)
				}
				if r.env.Success != (tt.status == 200) {
					t.Errorf("success %v with status %d", r.env.Success, r.status)
				}
			})
		}
	}
}

// TestEnvelopeShape checks the exact keys of success, list and error answers.
func TestEnvelopeShape(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	tests := []struct {
		name       string
		method     string
		path       string
		status     int
		wantKeys   []string
		wantResult string // a JSON kind: object, array, null
	}{
		{"get one", http.MethodGet, "/secrets_store/stores/" + storeID, 200,
			[]string{"errors", "messages", "result", "success"}, "object"},
		{"list", http.MethodGet, "/secrets_store/stores", 200,
			[]string{"errors", "messages", "result", "result_info", "success"}, "array"},
		{"error", http.MethodGet, "/secrets_store/stores/" + strings.Repeat("0", 32), 404,
			[]string{"errors", "messages", "result", "success"}, "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.api(tt.method, tt.path, "")
			r.wantStatus(t, tt.status)
			var top map[string]json.RawMessage
			if err := json.Unmarshal([]byte(r.raw), &top); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range top {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if !slices.Equal(keys, tt.wantKeys) {
				t.Errorf("keys %v, want %v", keys, tt.wantKeys)
			}
			if string(top["messages"]) != "[]" {
				t.Errorf("messages %s, want []", top["messages"])
			}
			if tt.status < 400 && string(top["errors"]) != "[]" {
				t.Errorf("errors %s, want []", top["errors"])
			}
			if kind := jsonKind(top["result"]); kind != tt.wantResult {
				t.Errorf("result is %s, want %s", kind, tt.wantResult)
			}
			if info, ok := top["result_info"]; ok {
				var fields map[string]json.RawMessage
				_ = json.Unmarshal(info, &fields)
				for _, k := range []string{"page", "per_page", "count", "total_count", "total_pages"} {
					if _, ok := fields[k]; !ok {
						t.Errorf("result_info lacks %q: %s", k, info)
					}
				}
			}
		})
	}
}

func jsonKind(raw json.RawMessage) string {
	switch {
	case string(raw) == "null":
		return "null"
	case strings.HasPrefix(string(raw), "["):
		return "array"
	case strings.HasPrefix(string(raw), "{"):
		return "object"
	}
	return "other"
}

func TestRouting(t *testing.T) {
	m := newMockAPI(t, Config{})
	account := "/accounts/" + m.mock.AccountID()
	tests := []struct {
		name    string
		method  string
		path    string
		header  http.Header
		status  int
		code    int
		message string
	}{
		{"unknown path", http.MethodGet, apiPrefix + account + "/nope", m.auth(), 404, 7003,
			"Could not route to " + account + "/nope, perhaps your object identifier is invalid?"},
		{"unknown path needs no token", http.MethodGet, apiPrefix + account + "/nope", nil, 404, 7003,
			"Could not route to " + account + "/nope, perhaps your object identifier is invalid?"},
		{"trailing slash", http.MethodGet, apiPrefix + account + "/secrets_store/stores/", m.auth(), 404, 7003,
			"Could not route to " + account + "/secrets_store/stores/, perhaps your object identifier is invalid?"},
		{"api root", http.MethodGet, apiPrefix, m.auth(), 404, 7003,
			"Could not route to /, perhaps your object identifier is invalid?"},
		{"outside the api", http.MethodGet, "/elsewhere", m.auth(), 404, 7003,
			"Could not route to /elsewhere, perhaps your object identifier is invalid?"},
		{"wrong method on stores", http.MethodPut, apiPrefix + account + "/secrets_store/stores", m.auth(), 405, 10405, "Method not allowed"},
		{"wrong method on quota", http.MethodDelete, apiPrefix + account + "/secrets_store/quota", m.auth(), 405, 10405, "Method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.send(tt.method, tt.path, "", tt.header)
			if !strings.HasPrefix(tt.path, apiPrefix) {
				_ = json.Unmarshal([]byte(r.raw), &r.env)
			}
			r.wantError(t, tt.status, tt.code, tt.message)
		})
	}
}

func TestJSONBodyWhateverContentType(t *testing.T) {
	m := newMockAPI(t, Config{})
	for _, contentType := range []string{"text/plain;charset=UTF-8", "application/octet-stream", ""} {
		t.Run(cmp.Or(contentType, "none"), func(t *testing.T) {
			m.control(http.MethodPost, "/__mock/reset")
			header := m.auth()
			if contentType != "" {
				header.Set("Content-Type", contentType)
			}
			r := m.send(http.MethodPost, apiPrefix+"/accounts/"+m.mock.AccountID()+"/secrets_store/stores",
				`{"name":"wrangler_store"}`, header)
			r.wantStatus(t, http.StatusOK)
		})
	}
}

func TestInvalidJSONBody(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	sec := m.createSecret(storeID, "target", secretValue("target"), "workers")
	secrets := "/secrets_store/stores/" + storeID + "/secrets"
	routes := []struct{ method, path string }{
		{http.MethodPost, "/secrets_store/stores"},
		{http.MethodPost, secrets},
		{http.MethodPatch, secrets + "/" + sec.ID},
		{http.MethodDelete, secrets},
		{http.MethodPost, secrets + "/" + sec.ID + "/duplicate"},
	}
	bodies := map[string]string{
		"empty":         "",
		"truncated":     `{"name":`,
		"not json":      `name=x`,
		"trailing data": `{"name":"x"} {}`,
		"wrong types":   `{"name":7,"value":[],"scopes":"workers","ids":{}}`,
	}
	for _, rt := range routes {
		for name, body := range bodies {
			if rt.method == http.MethodPost && rt.path == secrets && name == "wrong types" {
				// The bulk create wants an array; an object is the wrong shape too.
				body = `{"name":"x"}`
			}
			t.Run(rt.method+" "+rt.path+" "+name, func(t *testing.T) {
				m.api(rt.method, rt.path, body).wantError(t, 400, 1001, "invalid_json_body")
			})
		}
	}
}

func TestPagination(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	var items []newSecretRequest
	for i := range 45 {
		items = append(items, newSecretRequest{Name: fmt.Sprintf("s%02d", i), Value: secretValue("p"), Scopes: []string{"workers"}})
	}
	body, _ := json.Marshal(items)
	m.api(http.MethodPost, "/secrets_store/stores/"+storeID+"/secrets", string(body)).wantStatus(t, 200)

	tests := []struct {
		query     string
		info      resultInfo
		firstName string
	}{
		{"", resultInfo{Page: 1, PerPage: 20, Count: 20, TotalCount: 45, TotalPages: 3}, "s00"},
		{"?page=3", resultInfo{Page: 3, PerPage: 20, Count: 5, TotalCount: 45, TotalPages: 3}, "s40"},
		{"?page=4", resultInfo{Page: 4, PerPage: 20, Count: 0, TotalCount: 45, TotalPages: 3}, ""},
		{"?page=99&per_page=100", resultInfo{Page: 99, PerPage: 100, Count: 0, TotalCount: 45, TotalPages: 1}, ""},
		{"?per_page=10&page=1", resultInfo{Page: 1, PerPage: 10, Count: 10, TotalCount: 45, TotalPages: 5}, "s00"},
		{"?per_page=100", resultInfo{Page: 1, PerPage: 100, Count: 45, TotalCount: 45, TotalPages: 1}, "s00"},
		{"?per_page=1&page=45", resultInfo{Page: 45, PerPage: 1, Count: 1, TotalCount: 45, TotalPages: 45}, "s44"},
	}
	for _, tt := range tests {
		t.Run("secrets"+tt.query, func(t *testing.T) {
			r := m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets"+tt.query, "")
			var page []secretView
			r.decodeResult(t, &page)
			if string(r.env.Result) == "null" {
				t.Errorf("an empty page must be [], got null")
			}
			if *r.env.ResultInfo != tt.info {
				t.Errorf("result_info %+v, want %+v", *r.env.ResultInfo, tt.info)
			}
			if len(page) != tt.info.Count {
				t.Errorf("%d items, result_info.count %d", len(page), tt.info.Count)
			}
			if len(page) > 0 && page[0].Name != tt.firstName {
				t.Errorf("first item %q, want %q", page[0].Name, tt.firstName)
			}
		})
	}

	for _, tt := range []struct{ query, message string }{
		{"?page=0", "invalid_page"},
		{"?page=-1", "invalid_page"},
		{"?page=two", "invalid_page"},
		{"?per_page=0", "invalid_per_page"},
		{"?per_page=101", "invalid_per_page"},
		{"?per_page=ten", "invalid_per_page"},
	} {
		for _, path := range []string{"/secrets_store/stores", "/secrets_store/stores/" + storeID + "/secrets"} {
			t.Run(path+tt.query, func(t *testing.T) {
				m.api(http.MethodGet, path+tt.query, "").wantError(t, 400, 1001, tt.message)
			})
		}
	}
}

// TestConcurrentCreates runs under -race: creates race each other and the quota still holds.
func TestConcurrentCreates(t *testing.T) {
	const quota, workers = 25, 60
	m := newMockAPI(t, Config{SecretsQuota: quota})
	storeID := m.createStore()

	statuses := make([]int, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			body := fmt.Sprintf(`[{"name":"c%d","value":%q,"scopes":["workers"]}]`, i, secretValue("c"))
			statuses[i] = m.api(http.MethodPost, "/secrets_store/stores/"+storeID+"/secrets", body).status
			m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets?per_page=100", "")
		})
	}
	wg.Wait()

	created := 0
	for _, status := range statuses {
		switch status {
		case 200:
			created++
		case 400:
		default:
			t.Errorf("unexpected status %d", status)
		}
	}
	if created != quota {
		t.Errorf("%d creates succeeded, want exactly the quota %d", created, quota)
	}
	r := m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets?per_page=100", "")
	if r.env.ResultInfo.TotalCount != quota {
		t.Errorf("store holds %d secrets, want %d", r.env.ResultInfo.TotalCount, quota)
	}
}

func TestLatency(t *testing.T) {
	const latency = 30 * time.Millisecond
	m := newMockAPI(t, Config{Latency: latency})
	start := time.Now()
	m.api(http.MethodGet, "/secrets_store/stores", "").wantStatus(t, 200)
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("request took %s, want at least %s", elapsed, latency)
	}
}
