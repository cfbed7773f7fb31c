package cloudflaremock

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// fuzzListRoute is a list route and the query parameters it reads.
type fuzzListRoute struct {
	path                       func(m *fuzzMock) string
	paged, ordered, directable bool
}

var fuzzListRoutes = []fuzzListRoute{
	{path: func(m *fuzzMock) string { return m.accountPath("/secrets_store/stores") }, paged: true, ordered: true, directable: true},
	{path: func(m *fuzzMock) string { return m.accountPath(m.secretsPath()) }, paged: true, ordered: true, directable: true},
	{path: func(m *fuzzMock) string { return m.accountPath("/tokens") }, paged: true, directable: true},
	{path: func(*fuzzMock) string { return apiPrefix + "/user/tokens" }, paged: true, directable: true},
	{path: func(m *fuzzMock) string { return m.accountPath("/workers/scripts/" + fuzzScriptName + "/versions") }, paged: true},
	{path: func(m *fuzzMock) string { return m.accountPath("/workers/scripts") }},
	{path: func(m *fuzzMock) string { return m.accountPath("/tokens/permission_groups") }, paged: true},
	{path: func(*fuzzMock) string { return apiPrefix + "/user/tokens/permission_groups" }, paged: true},
	{path: func(m *fuzzMock) string { return m.accountPath("/secrets_store/quota") }},
}

// FuzzListQuery fuzzes the query strings of every list route (route picks one): the raw query as
// sent, and a query of fuzzed page, per_page, order, direction, search and scopes (each left out
// when empty; scopes also repeated). A well-formed query succeeds exactly when page is a whole
// number >= 1, per_page one from 1 to 100, order one of name, comment, created, modified or
// status (on the Secrets Store lists) and direction asc or desc (where the route reads them);
// otherwise it is a 400. A successful page has the page and size asked for and consistent
// result_info, and no list answers a secret value.
func FuzzListQuery(f *testing.F) {
	f.Add(uint8(1), "page=1&per_page=20", "1", "20", "name", "asc", "fuzz", "workers")
	f.Add(uint8(0), "page=0", "0", "101", "size", "up", "", "")
	f.Add(uint8(1), "page=2&per_page=1&order=comment&direction=desc", "2", "1", "comment", "desc", "SET", "workers,ai_gateway")
	f.Add(uint8(2), "direction=DESC", "+1", "-1", "", "DESC", "", "")
	f.Add(uint8(4), "per_page=abc", " 1", "1e2", "", "", "", "")
	f.Add(uint8(6), "name=Workers%20Scripts%20Write&scope=com.cloudflare.api.account", "", "", "", "", "", "")
	f.Add(uint8(1), "%zz&page=%", "99999999999999999999", "100", "status", "", "%", " , ,dex")
	f.Add(uint8(3), "page=1;per_page=2", "1", "100", "", "", "\x00", "\xff")
	f.Add(uint8(1), "page=9223372036854775807&per_page=2", "9223372036854775807", "2", "", "", "", "")
	f.Add(uint8(7), "page=461168601842738791&per_page=20", "461168601842738791", "20", "", "", "", "")
	f.Fuzz(func(t *testing.T, route uint8, rawQuery, page, perPage, order, direction, search, scopes string) {
		m := newFuzzMock(t, fuzzWithWorker)
		m.do(http.MethodPost, m.accountPath(m.secretsPath()), "", fuzzAdminHeader("application/json"),
			[]byte(`[{"name":"second","value":"`+fuzzValueMarker+` 2","scopes":["dex"],"comment":"Set Up Too"},`+
				`{"name":"third","value":"`+fuzzValueMarker+` 3","scopes":["workers"]}]`))
		m.mustOK(m.apiJSON(http.MethodPost, "/tokens", `{"name":"t","policies":[{"effect":"allow",`+
			`"permission_groups":[{"id":"e086da7e2179491d91ee5f35b3ca210a"}],"resources":{"com.cloudflare.api.account.`+DefaultAccountID+`":"*"}}]}`))
		rt := fuzzListRoutes[int(route)%len(fuzzListRoutes)]
		path := rt.path(m)

		a := m.do(http.MethodGet, path, rawQuery, fuzzAdminHeader(""), nil)
		fuzzNoLeak(t, "GET "+path+"?"+rawQuery, a.body, rawQuery)

		q := url.Values{}
		for key, v := range map[string]string{"page": page, "per_page": perPage, "order": order, "direction": direction, "search": search} {
			if v != "" {
				q.Set(key, v)
			}
		}
		if scopes != "" {
			q["scopes"] = strings.SplitN(scopes, ",", 2) // both forms: repeated and comma-separated
		}
		pageN, pageErr := strconv.Atoi(page)
		perPageN, perPageErr := strconv.Atoi(perPage)
		wantOK := true
		if rt.paged {
			wantOK = wantOK && (page == "" || pageErr == nil && pageN >= 1) && (perPage == "" || perPageErr == nil && perPageN >= 1 && perPageN <= maxPerPage)
		}
		if rt.ordered {
			wantOK = wantOK && (order == "" || slices.Contains(orderFields, order))
		}
		if rt.directable {
			wantOK = wantOK && (direction == "" || direction == "asc" || direction == "desc")
		}
		a = m.do(http.MethodGet, path, q.Encode(), fuzzAdminHeader(""), nil)
		fuzzNoLeak(t, "GET "+path+"?"+q.Encode(), a.body, search, scopes)
		if (a.status == http.StatusOK) != wantOK || (!wantOK && a.status != http.StatusBadRequest) {
			t.Fatalf("GET %s?%s: got %d, want ok=%v: %s", path, q.Encode(), a.status, wantOK, a.body)
		}
		if wantOK && rt.paged {
			if a.info == nil {
				t.Fatalf("GET %s?%s: a page without result_info: %s", path, q.Encode(), a.body)
			}
			if page != "" && a.info.Page != pageN || page == "" && a.info.Page != 1 {
				t.Fatalf("GET %s?%s: page %d answered", path, q.Encode(), a.info.Page)
			}
			if perPage != "" && a.info.PerPage != perPageN {
				t.Fatalf("GET %s?%s: per_page %d answered", path, q.Encode(), a.info.PerPage)
			}
		}
		m.fuzzCheckLog(rawQuery, search, scopes)
	})
}

// FuzzAPIRequest fuzzes whole requests: method, path (under the account with shape bit 0;
// "{store}", "{secret}" and "{script}" name the set-up objects), Authorization and Content-Type
// headers and body, against a mock holding a store, a secret and a Worker. Whatever arrives,
// the answer is a proper envelope without a 5xx, no answer and no request-log line carries a
// secret value sent in a body, and the admin token never comes back.
func FuzzAPIRequest(f *testing.F) {
	admin := "Bearer " + DefaultAdminToken
	f.Add("GET", "/secrets_store/stores/{store}/secrets/{secret}", admin, "", []byte(nil), uint8(1))
	f.Add("PATCH", "/secrets_store/stores/{store}/secrets/{secret}", admin, "text/plain", []byte(`{"value":"`+fuzzValueMarker+`"}`), uint8(1))
	f.Add("DELETE", "/secrets_store/stores/{store}/secrets", admin, "", []byte(`[{"id":"{secret}"}]`), uint8(1))
	f.Add("POST", "/secrets_store/stores/{store}/secrets/{secret}/duplicate", admin, "", []byte(`{"name":"copy","scopes":null}`), uint8(1))
	f.Add("DELETE", "/secrets_store/stores/{store}", admin, "", []byte(nil), uint8(1))
	f.Add("PUT", "/client/v4/user/tokens/verify", "bearer  x", "", []byte(nil), uint8(0))
	f.Add("GET", "/client/v4/accounts//secrets_store/stores", "Basic abc", "", []byte(nil), uint8(0))
	f.Add("POST", "/workers/scripts/{script}/deployments", admin, "", []byte(`{"strategy":"percentage","versions":[{"version_id":"x","percentage":100}]}`), uint8(1))
	f.Add("POST", "/workers/scripts/{script}/subdomain", admin, "", []byte(`{"enabled":true}`), uint8(1))
	f.Add("PATCH", "/workers/scripts/{script}/script-settings", admin, "", []byte(`{"observability":[],"tags":["a"]}`), uint8(1))
	f.Add("GET", "/workers/scripts/{script}", admin, "", []byte(nil), uint8(1))
	f.Add("PUT", "/tokens/x/value", admin, "", []byte(`{}`), uint8(1))
	f.Add("get", "/client/v4", "", "", []byte(nil), uint8(0))
	f.Add("GET", "/client/v4/../__mock/requests", admin, "", []byte(nil), uint8(0))
	f.Add("\x00", "\xff/%", "Bearer \t", "\n", []byte("\x00"), uint8(1))
	f.Fuzz(func(t *testing.T, method, path, authorization, contentType string, body []byte, shape uint8) {
		m := newFuzzMock(t, fuzzWithWorker)
		path = strings.NewReplacer("{store}", m.storeID, "{secret}", m.secretID, "{script}", fuzzScriptName).Replace(path)
		body = []byte(strings.NewReplacer("{store}", m.storeID, "{secret}", m.secretID).Replace(string(body)))
		if shape&1 != 0 {
			path = m.accountPath(path)
		}
		if path == controlPrefix || strings.HasPrefix(path, controlPrefix+"/") {
			return // the test-control routes are not the API; they can, for one, inject faults
		}
		header := http.Header{}
		if authorization != "" {
			header.Set("Authorization", authorization)
		}
		if contentType != "" {
			header.Set("Content-Type", contentType)
		}
		a := m.do(method, path, "", header, body)
		fuzzNoLeak(t, method+" "+path, a.body, path, authorization, contentType)
		if strings.Contains(a.body, DefaultAdminToken) && !strings.Contains(path, DefaultAdminToken) {
			t.Fatalf("%s %s: the answer holds the admin token: %s", method, path, a.body)
		}
		m.fuzzCheckLog(path, method)
		m.fuzzReadBack(path, authorization, contentType)
	})
}
