package cloudflaremock

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Cloudflare's ids (FACTS.md, Tokens: permission groups).
const (
	pgWorkersScriptsWrite = "e086da7e2179491d91ee5f35b3ca210a"
	pgWorkersScriptsRead  = "1a71c399035b4950a1bd1466bbe4f420"
	pgSecretsStoreWrite   = "adc8fa2bc6124928a8b3314dc63a1235"
	pgSecretsStoreRead    = "5e33b7d77788455c9fdf18cbd38ee5a0"
	pgAPITokensWrite      = "5bc3f8b21c554832afc660159ab75fa4"
)

// tkGroupID finds a catalogue group by its exact name.
func tkGroupID(t *testing.T, name string) string {
	t.Helper()
	for _, pg := range permissionGroups {
		if pg.Name == name {
			return pg.ID
		}
	}
	t.Fatalf("no permission group %q", name)
	return ""
}

func TestPermissionGroupCatalogue(t *testing.T) {
	want := map[string]string{
		"Workers Scripts Write":       pgWorkersScriptsWrite,
		"Workers Scripts Read":        pgWorkersScriptsRead,
		"Account Secrets Store Write": pgSecretsStoreWrite,
		"Account Secrets Store Read":  pgSecretsStoreRead,
		"Account API Tokens Write":    pgAPITokensWrite,
	}
	for name, id := range want {
		if got := tkGroupID(t, name); got != id {
			t.Errorf("%s has id %s, want the real id %s", name, got, id)
		}
	}
	accounts, zones := 0, 0
	names := map[string]bool{} // name and scopes
	for _, pg := range permissionGroups {
		if !idPattern.MatchString(pg.ID) {
			t.Errorf("%s: id %q is not 32 hex", pg.Name, pg.ID)
		}
		key := pg.Name + " " + strings.Join(pg.Scopes, ",")
		if names[key] {
			t.Errorf("name %q used twice at scopes %v", pg.Name, pg.Scopes)
		}
		names[key] = true
		switch {
		case slices.Equal(pg.Scopes, []string{scopeAccount}):
			accounts++
		case slices.Equal(pg.Scopes, []string{scopeZone}):
			zones++
		default:
			t.Errorf("%s: unexpected scopes %v", pg.Name, pg.Scopes)
		}
	}
	if accounts < 25 || zones < 5 {
		t.Errorf("catalogue has %d account and %d zone groups, want a realistic spread", accounts, zones)
	}
}

// TestPermissionGroupNamesAtTwoScopes: like Cloudflare's, the catalogue has groups of the same
// name at account and at zone scope, with their real ids, the zone one listed first.
func TestPermissionGroupNamesAtTwoScopes(t *testing.T) {
	m := newMockAPI(t, Config{})
	for name, want := range map[string]string{
		"Logs Read": `[{"id":"c4a30cd58c5d42619c86a3c36c441e2d","name":"Logs Read","scopes":["com.cloudflare.api.account.zone"]},` +
			`{"id":"6a315a56f18441e59ed03352369ae956","name":"Logs Read","scopes":["com.cloudflare.api.account"]}]`,
		"Logs Write": `[{"id":"3e0b5820118e47f3922f7c989e673882","name":"Logs Write","scopes":["com.cloudflare.api.account.zone"]},` +
			`{"id":"96163bd1b0784f62b3e44ed8c2ab1eb6","name":"Logs Write","scopes":["com.cloudflare.api.account"]}]`,
		"DNS Write": `[{"id":"4755a26eedb94da69e1066d98aa820be","name":"DNS Write","scopes":["com.cloudflare.api.account.zone"]}]`,
	} {
		r := m.send(http.MethodGet, apiPrefix+"/user/tokens/permission_groups?name="+url.QueryEscape(name), "", m.auth())
		if string(r.env.Result) != want {
			t.Errorf("%s: result %s, want %s", name, r.env.Result, want)
		}
	}
	r := m.send(http.MethodGet, apiPrefix+"/user/tokens/permission_groups?name="+url.QueryEscape("Logs Write")+"&scope="+scopeAccount, "", m.auth())
	if want := `[{"id":"96163bd1b0784f62b3e44ed8c2ab1eb6","name":"Logs Write","scopes":["com.cloudflare.api.account"]}]`; string(r.env.Result) != want {
		t.Errorf("Logs Write at account scope: result %s, want %s", r.env.Result, want)
	}
}

// TestPermissionGroupGrants pins what each group grants in the mock.
func TestPermissionGroupGrants(t *testing.T) {
	tests := map[string][]string{
		"Workers Scripts Write":       {"workers_scripts.read", "workers_scripts.write"},
		"Workers Scripts Read":        {"workers_scripts.read"},
		"Account Secrets Store Write": {"secrets_store.read", "secrets_store.write"},
		"Account Secrets Store Read":  {"secrets_store.read"},
		"Account API Tokens Write":    {"api_tokens.read", "api_tokens.write"},
		"Account API Tokens Read":     {"api_tokens.read"},
		"Workers KV Storage Write":    nil,
		"DNS Write":                   nil,
	}
	for name, grants := range tests {
		pg := permissionGroupByID[tkGroupID(t, name)]
		if got := slices.Sorted(slices.Values(pg.grants)); !slices.Equal(got, grants) {
			t.Errorf("%s grants %v, want %v", name, got, grants)
		}
	}
	if permSecretsStoreRead != "secrets_store.read" || permAPITokensWrite != "api_tokens.write" || permAPITokensRead != "api_tokens.read" ||
		permWorkersScriptsRead != "workers_scripts.read" || permWorkersScriptsWrite != "workers_scripts.write" {
		t.Errorf("permission constants changed")
	}
}

func TestPermissionGroupsList(t *testing.T) {
	m := newMockAPI(t, Config{})
	total := len(permissionGroups)
	tests := []struct {
		name  string
		query string
		info  resultInfo
		want  []string // names, in order; nil: do not check
	}{
		{"everything in one page", "", resultInfo{Page: 1, PerPage: total, Count: total, TotalCount: total, TotalPages: 1}, nil},
		{"exact name", "?name=" + url.QueryEscape("Workers Scripts Write"),
			resultInfo{Page: 1, PerPage: 1, Count: 1, TotalCount: 1, TotalPages: 1}, []string{"Workers Scripts Write"}},
		{"name with scope", "?name=" + url.QueryEscape("Account Secrets Store Read") + "&scope=" + scopeAccount,
			resultInfo{Page: 1, PerPage: 1, Count: 1, TotalCount: 1, TotalPages: 1}, []string{"Account Secrets Store Read"}},
		{"name with the wrong scope", "?name=" + url.QueryEscape("Account Secrets Store Read") + "&scope=" + scopeZone,
			resultInfo{Page: 1, PerPage: 1, Count: 0, TotalCount: 0, TotalPages: 0}, []string{}},
		{"name is case-sensitive", "?name=" + url.QueryEscape("workers scripts write"),
			resultInfo{Page: 1, PerPage: 1, Count: 0, TotalCount: 0, TotalPages: 0}, []string{}},
		{"name is not a substring search", "?name=Workers",
			resultInfo{Page: 1, PerPage: 1, Count: 0, TotalCount: 0, TotalPages: 0}, []string{}},
		{"empty name filters nothing", "?name=", resultInfo{Page: 1, PerPage: total, Count: total, TotalCount: total, TotalPages: 1}, nil},
		{"zone scope", "?scope=" + scopeZone, resultInfo{Page: 1, PerPage: 10, Count: 10, TotalCount: 10, TotalPages: 1},
			[]string{"Cache Purge", "DNS Read", "DNS Write", "Logs Read", "Logs Write", "Workers Routes Read", "Workers Routes Write",
				"Zone Read", "Zone Settings Write", "Zone Write"}},
		{"paged", "?per_page=10&page=2", resultInfo{Page: 2, PerPage: 10, Count: 10, TotalCount: total, TotalPages: (total + 9) / 10}, nil},
		{"page only", "?page=1", resultInfo{Page: 1, PerPage: 20, Count: 20, TotalCount: total, TotalPages: (total + 19) / 20}, nil},
	}
	for _, base := range []string{"/accounts/" + m.mock.AccountID(), "/user"} {
		for _, tt := range tests {
			t.Run(base+" "+tt.name, func(t *testing.T) {
				r := m.send(http.MethodGet, apiPrefix+base+"/tokens/permission_groups"+tt.query, "", m.auth())
				var groups []permissionGroupView
				r.decodeResult(t, &groups)
				if string(r.env.Result) == "null" {
					t.Fatalf("result must be an array")
				}
				if *r.env.ResultInfo != tt.info {
					t.Errorf("result_info %+v, want %+v", *r.env.ResultInfo, tt.info)
				}
				var names []string
				for _, g := range groups {
					names = append(names, g.Name)
					if pg := permissionGroupByID[g.ID]; pg == nil || pg.Name != g.Name || !slices.Equal(pg.Scopes, g.Scopes) {
						t.Errorf("group %+v does not match the catalogue", g)
					}
				}
				if tt.want != nil && !slices.Equal(names, tt.want) { // Equal counts nil and empty as equal
					t.Errorf("names %v, want %v", names, tt.want)
				}
			})
		}
	}

	t.Run("exact shape", func(t *testing.T) {
		r := m.send(http.MethodGet, apiPrefix+"/user/tokens/permission_groups?name="+url.QueryEscape("Account API Tokens Write"), "", m.auth())
		want := `[{"id":"5bc3f8b21c554832afc660159ab75fa4","name":"Account API Tokens Write","scopes":["com.cloudflare.api.account"]}]`
		if string(r.env.Result) != want {
			t.Errorf("result %s, want %s", r.env.Result, want)
		}
	})
	t.Run("bad paging", func(t *testing.T) {
		m.send(http.MethodGet, apiPrefix+"/user/tokens/permission_groups?per_page=101", "", m.auth()).
			wantError(t, 400, 1001, "invalid_per_page")
	})
	t.Run("wrong method", func(t *testing.T) {
		m.send(http.MethodPost, apiPrefix+"/user/tokens/permission_groups", "{}", m.auth()).
			wantError(t, 405, 10405, "Method not allowed")
	})
}

// TestPermissionGroupsNeedTokensRead: listing needs API Tokens Read (or Write); without it the
// answer is the token routes' 9109.
func TestPermissionGroupsNeedTokensRead(t *testing.T) {
	m := newMockAPI(t, Config{})
	account := m.mock.AccountID()
	secretsOnly := m.tkCreate(t, "/accounts/"+account, tkBody("secrets", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead))).Value
	tokensRead := m.tkCreate(t, "/accounts/"+account, tkBody("read", tkPolicy("allow", tkAccount(account), tkGroupID(t, "Account API Tokens Read")))).Value
	tokensWrite := m.tkCreate(t, "/accounts/"+account, tkBody("write", tkPolicy("allow", tkAccount(account), pgAPITokensWrite))).Value
	path := apiPrefix + "/accounts/" + account + "/tokens/permission_groups"
	m.send(http.MethodGet, path, "", tkBearer(secretsOnly)).wantError(t, 403, 9109, "Unauthorized to access requested resource")
	m.send(http.MethodGet, path, "", tkBearer(tokensRead)).wantStatus(t, 200)
	m.send(http.MethodGet, path, "", tkBearer(tokensWrite)).wantStatus(t, 200)
}
