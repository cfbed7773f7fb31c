package cloudflaremock

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCreateSecrets(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	storeID := m.createStore()
	body := `[
		{"name":"b_second","value":"` + secretValue("1") + `","scopes":["workers","ai_gateway","workers"],"comment":"the second"},
		{"name":"A-first","value":"` + secretValue("2") + `","scopes":["workers"]},
		{"name":"c3","value":"` + secretValue("3") + `","scopes":["websearch","access","dex","containers"],"comment":"","unknown":true}
	]`
	r := m.api(http.MethodPost, "/secrets_store/stores/"+storeID+"/secrets", body)
	r.wantStatus(t, http.StatusOK)
	var created []secretView
	r.decodeResult(t, &created)

	const at = "2025-06-01T12:00:00.000000Z"
	want := []secretView{
		{Name: "b_second", Comment: "the second", Scopes: []string{"ai_gateway", "workers"}},
		{Name: "A-first", Comment: "", Scopes: []string{"workers"}},
		{Name: "c3", Comment: "", Scopes: []string{"access", "containers", "dex", "websearch"}},
	}
	if len(created) != len(want) {
		t.Fatalf("created %d secrets, want %d", len(created), len(want))
	}
	for i, got := range created {
		if !idPattern.MatchString(got.ID) {
			t.Errorf("secret id %q is not 32 lowercase hex", got.ID)
		}
		w := want[i]
		w.ID, w.StoreID, w.Status, w.Created, w.Modified = got.ID, storeID, "active", at, at
		if !slices.Equal(got.Scopes, w.Scopes) || got.Name != w.Name || got.Comment != w.Comment ||
			got.StoreID != w.StoreID || got.Status != w.Status || got.Created != w.Created || got.Modified != w.Modified {
			t.Errorf("secret %d: %+v, want %+v", i, got, w)
		}
	}
	// The raw answer has exactly the documented fields and a comment even when empty.
	var raw []map[string]json.RawMessage
	_ = json.Unmarshal(r.env.Result, &raw)
	for _, fields := range raw {
		var keys []string
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if want := []string{"comment", "created", "id", "modified", "name", "scopes", "status", "store_id"}; !slices.Equal(keys, want) {
			t.Errorf("secret fields %v, want %v", keys, want)
		}
	}
}

func TestCreateSecretValidation(t *testing.T) {
	ok := `{"name":"good","value":"` + secretValue("ok") + `","scopes":["workers"]}`
	item := func(name, value, scopes string) string {
		return `{"name":` + name + `,"value":` + value + `,"scopes":` + scopes + `}`
	}
	value := `"` + secretValue("v") + `"`
	largest := `"` + secretValue(strings.Repeat("x", 64<<10-len(secretValue("")))) + `"`
	tooLarge := `"` + secretValue(strings.Repeat("x", 64<<10-len(secretValue(""))+1)) + `"`
	tests := []struct {
		name    string
		body    string
		status  int
		code    int
		message string
	}{
		{"empty name", `[` + item(`""`, value, `["workers"]`) + `]`, 400, 1001, "secret_name_empty"},
		{"missing name", `[{"value":` + value + `,"scopes":["workers"]}]`, 400, 1001, "secret_name_empty"},
		{"name with space", `[` + item(`"two words"`, value, `["workers"]`) + `]`, 400, 1001, "secret_name_invalid"},
		{"name with dot", `[` + item(`"a.b"`, value, `["workers"]`) + `]`, 400, 1001, "secret_name_invalid"},
		{"name too long", `[` + item(`"`+strings.Repeat("n", 256)+`"`, value, `["workers"]`) + `]`, 400, 1001, "secret_name_too_long"},
		{"empty scopes", `[` + item(`"n"`, value, `[]`) + `]`, 400, 1001, "secret_scopes_empty"},
		{"missing scopes", `[{"name":"n","value":` + value + `}]`, 400, 1001, "secret_scopes_empty"},
		{"unknown scope", `[` + item(`"n"`, value, `["workers","pages"]`) + `]`, 400, 1001, "secret_scope_invalid"},
		{"empty value", `[` + item(`"n"`, `""`, `["workers"]`) + `]`, 400, 1001, "secret_value_empty"},
		{"missing value", `[{"name":"n","scopes":["workers"]}]`, 400, 1001, "secret_value_empty"},
		{"value over 64 KiB", `[` + item(`"n"`, tooLarge, `["workers"]`) + `]`, 400, 1001, "secret_value_too_large"},
		{"empty list", `[]`, 400, 1001, "secret_list_empty"},
		{"object instead of array", ok, 400, 1001, "invalid_json_body"},
		{"bad item after a good one", `[` + ok + `,` + item(`""`, value, `["workers"]`) + `]`, 400, 1001, "secret_name_empty"},
		{"same name twice", `[` + ok + `,` + ok + `]`, 409, 1003, "secret_name_already_exists"},
		{"name taken", `[` + item(`"existing"`, value, `["workers"]`) + `]`, 409, 1003, "secret_name_already_exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMockAPI(t, Config{})
			storeID := m.createStore()
			m.createSecret(storeID, "existing", secretValue("existing"), "workers")
			m.api(http.MethodPost, "/secrets_store/stores/"+storeID+"/secrets", tt.body).wantError(t, tt.status, tt.code, tt.message)
			r := m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets", "")
			if n := r.env.ResultInfo.TotalCount; n != 1 {
				t.Errorf("a rejected create changed the store: %d secrets, want 1", n)
			}
		})
	}

	t.Run("value of exactly 64 KiB", func(t *testing.T) {
		m := newMockAPI(t, Config{})
		storeID := m.createStore()
		m.api(http.MethodPost, "/secrets_store/stores/"+storeID+"/secrets", `[`+item(`"n"`, largest, `["workers"]`)+`]`).wantStatus(t, 200)
	})
	t.Run("unknown store", func(t *testing.T) {
		m := newMockAPI(t, Config{})
		m.api(http.MethodPost, "/secrets_store/stores/"+strings.Repeat("0", 32)+"/secrets", `[`+ok+`]`).
			wantError(t, 404, 1001, "store_not_found")
	})
}

func TestSecretQuota(t *testing.T) {
	m := newMockAPI(t, Config{SecretsQuota: 3})
	storeID := m.createStore()
	secrets := "/secrets_store/stores/" + storeID + "/secrets"
	first := m.createSecret(storeID, "one", secretValue("1"), "workers")
	m.createSecret(storeID, "two", secretValue("2"), "workers")

	two := `[{"name":"three","value":"` + secretValue("3") + `","scopes":["workers"]},{"name":"four","value":"` + secretValue("4") + `","scopes":["workers"]}]`
	m.api(http.MethodPost, secrets, two).wantError(t, 400, 1003, "quota_exceeded")
	assertQuota(t, m, 3, 2)

	m.createSecret(storeID, "three", secretValue("3"), "workers")
	assertQuota(t, m, 3, 3)
	m.api(http.MethodPost, secrets, `[{"name":"four","value":"`+secretValue("4")+`","scopes":["workers"]}]`).
		wantError(t, 400, 1003, "quota_exceeded")
	m.api(http.MethodPost, secrets+"/"+first.ID+"/duplicate", `{"name":"copy","scopes":["workers"]}`).
		wantError(t, 400, 1003, "quota_exceeded")

	m.api(http.MethodDelete, secrets+"/"+first.ID, "").wantStatus(t, 200)
	assertQuota(t, m, 3, 2)
	m.createSecret(storeID, "four", secretValue("4"), "workers")
}

func assertQuota(t *testing.T, m *mockAPI, quota, usage int) {
	t.Helper()
	r := m.api(http.MethodGet, "/secrets_store/quota", "")
	if r.env.ResultInfo != nil {
		t.Errorf("quota is not a list, yet has result_info")
	}
	if got, want := string(r.env.Result), `{"secrets":{"quota":`+strconv.Itoa(quota)+`,"usage":`+strconv.Itoa(usage)+`}}`; got != want {
		t.Errorf("quota %s, want %s", got, want)
	}
}

func TestListSecretsFilterAndOrder(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	storeID := m.createStore()
	type spec struct {
		name, comment string
		scopes        []string
	}
	for _, s := range []spec{
		{"stripe_key", "Payments PROD", []string{"workers"}},
		{"github_token", "ci", []string{"workers", "ai_gateway"}},
		{"openai", "AI gateway key for stripe", []string{"ai_gateway"}},
		{"zeta", "", []string{"access", "workers", "ai_gateway"}},
	} {
		body, _ := json.Marshal([]newSecretRequest{{Name: s.name, Value: secretValue(s.name), Scopes: s.scopes, Comment: s.comment}})
		m.api(http.MethodPost, "/secrets_store/stores/"+storeID+"/secrets", string(body)).wantStatus(t, 200)
		clock.Advance(time.Second)
	}

	tests := []struct {
		query string
		names []string
	}{
		{"", []string{"stripe_key", "github_token", "openai", "zeta"}},
		{"?direction=desc", []string{"zeta", "openai", "github_token", "stripe_key"}},
		{"?order=name", []string{"github_token", "openai", "stripe_key", "zeta"}},
		{"?order=name&direction=desc", []string{"zeta", "stripe_key", "openai", "github_token"}},
		{"?order=comment", []string{"zeta", "openai", "stripe_key", "github_token"}},
		{"?order=modified&direction=desc", []string{"zeta", "openai", "github_token", "stripe_key"}},
		{"?order=status", []string{"stripe_key", "github_token", "openai", "zeta"}},
		{"?search=STRIPE", []string{"stripe_key", "openai"}},
		{"?search=prod", []string{"stripe_key"}},
		{"?search=nothing", []string{}},
		{"?scopes=workers", []string{"stripe_key", "github_token", "zeta"}},
		{"?scopes=workers&scopes=ai_gateway", []string{"github_token", "zeta"}},
		{"?scopes=ai_gateway,workers", []string{"github_token", "zeta"}},
		{"?scopes=ai_gateway,%20access", []string{"zeta"}},
		{"?scopes=pages", []string{}},
		{"?scopes=", []string{"stripe_key", "github_token", "openai", "zeta"}},
		{"?search=A&scopes=ai_gateway&order=name", []string{"openai", "zeta"}},
		{"?order=name&per_page=2&page=2", []string{"stripe_key", "zeta"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var list []secretView
			m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets"+tt.query, "").decodeResult(t, &list)
			names := []string{}
			for _, s := range list {
				names = append(names, s.Name)
			}
			if !slices.Equal(names, tt.names) {
				t.Errorf("names %v, want %v", names, tt.names)
			}
		})
	}
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets?order=value", "").wantError(t, 400, 1001, "invalid_order")
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets?direction=sideways", "").wantError(t, 400, 1001, "invalid_direction")
	m.api(http.MethodGet, "/secrets_store/stores/"+strings.Repeat("1", 32)+"/secrets", "").wantError(t, 404, 1001, "store_not_found")
}

func TestGetSecret(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	created := m.createSecret(storeID, "api_key", secretValue("get"), "workers", "access")
	var got secretView
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets/"+created.ID, "").decodeResult(t, &got)
	if got.ID != created.ID || got.Name != "api_key" || !slices.Equal(got.Scopes, []string{"access", "workers"}) {
		t.Errorf("GET secret %+v, created %+v", got, created)
	}
	for _, id := range []string{strings.Repeat("9", 32), "garbage"} {
		for _, method := range []string{http.MethodGet, http.MethodDelete} {
			m.api(method, "/secrets_store/stores/"+storeID+"/secrets/"+id, "").wantError(t, 404, 1001, "secret_not_found")
		}
		m.api(http.MethodPatch, "/secrets_store/stores/"+storeID+"/secrets/"+id, `{"comment":"x"}`).
			wantError(t, 404, 1001, "secret_not_found")
	}
	m.api(http.MethodGet, "/secrets_store/stores/"+strings.Repeat("9", 32)+"/secrets/"+created.ID, "").
		wantError(t, 404, 1001, "store_not_found")
}

func TestPatchSecret(t *testing.T) {
	tests := []struct {
		name         string
		body         string
		wantComment  string
		wantScopes   []string
		wantValue    string // "" means unchanged
		wantModified bool
	}{
		{"value", `{"value":"` + secretValue("new") + `"}`, "first", []string{"workers"}, secretValue("new"), true},
		{"same value again", `{"value":"` + secretValue("old") + `"}`, "first", []string{"workers"}, "", true},
		{"comment", `{"comment":"second"}`, "second", []string{"workers"}, "", true},
		{"clear comment", `{"comment":""}`, "", []string{"workers"}, "", true},
		{"same comment", `{"comment":"first"}`, "first", []string{"workers"}, "", false},
		{"scopes sorted", `{"scopes":["workers","access"]}`, "first", []string{"access", "workers"}, "", true},
		{"same scopes", `{"scopes":["workers","workers"]}`, "first", []string{"workers"}, "", false},
		{"sdk form with current name", `{"name":"api_key","value":"` + secretValue("sdk") + `","scopes":["dex"]}`, "first", []string{"dex"}, secretValue("sdk"), true},
		{"unknown field ignored", `{"comment":"third","rotate":true}`, "third", []string{"workers"}, "", true},
		{"nulls change nothing", `{"value":null,"comment":null,"scopes":null}`, "first", []string{"workers"}, "", false},
		{"empty patch", `{}`, "first", []string{"workers"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			m := newMockAPI(t, Config{Now: clock.Now})
			storeID := m.createStore()
			path := "/secrets_store/stores/" + storeID + "/secrets"
			r := m.api(http.MethodPost, path, `[{"name":"api_key","value":"`+secretValue("old")+`","scopes":["workers"],"comment":"first"}]`)
			var created []secretView
			r.decodeResult(t, &created)
			before := created[0]
			clock.Advance(time.Minute)

			var patched secretView
			m.api(http.MethodPatch, path+"/"+before.ID, tt.body).decodeResult(t, &patched)
			if patched.Name != "api_key" || patched.Comment != tt.wantComment || !slices.Equal(patched.Scopes, tt.wantScopes) {
				t.Errorf("patched %+v, want comment %q scopes %v", patched, tt.wantComment, tt.wantScopes)
			}
			if patched.Created != before.Created {
				t.Errorf("created moved from %s to %s", before.Created, patched.Created)
			}
			if moved := patched.Modified != before.Modified; moved != tt.wantModified {
				t.Errorf("modified %s -> %s, want moved=%v", before.Modified, patched.Modified, tt.wantModified)
			}
			wantValue := cmp.Or(tt.wantValue, secretValue("old"))
			if got := m.valueDigest(before.ID); got != sha256Hex(wantValue) {
				t.Errorf("stored value digest %s, want the digest of %q", got, wantValue)
			}
			var got secretView
			m.api(http.MethodGet, path+"/"+before.ID, "").decodeResult(t, &got)
			if got.Modified != patched.Modified || got.Comment != patched.Comment {
				t.Errorf("GET after PATCH %+v, PATCH answered %+v", got, patched)
			}
		})
	}
}

func TestPatchSecretErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		message string
	}{
		{"rename", `{"name":"other_name"}`, "secret_rename_not_allowed"},
		{"rename with value", `{"name":"other_name","value":"` + secretValue("r") + `"}`, "secret_rename_not_allowed"},
		{"empty value", `{"value":""}`, "secret_value_empty"},
		{"value too large", `{"value":"` + secretValue(strings.Repeat("y", 64<<10)) + `"}`, "secret_value_too_large"},
		{"empty scopes", `{"scopes":[]}`, "secret_scopes_empty"},
		{"unknown scope", `{"scopes":["kv"]}`, "secret_scope_invalid"},
		{"array body", `[{"comment":"x"}]`, "invalid_json_body"},
		{"bad value after good comment", `{"comment":"changed","value":""}`, "secret_value_empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMockAPI(t, Config{})
			storeID := m.createStore()
			sec := m.createSecret(storeID, "api_key", secretValue("keep"), "workers")
			path := "/secrets_store/stores/" + storeID + "/secrets/" + sec.ID
			m.api(http.MethodPatch, path, tt.body).wantError(t, 400, 1001, tt.message)
			var after secretView
			m.api(http.MethodGet, path, "").decodeResult(t, &after)
			if after.Comment != sec.Comment || after.Modified != sec.Modified || m.valueDigest(sec.ID) != sha256Hex(secretValue("keep")) {
				t.Errorf("a rejected PATCH changed the secret: %+v", after)
			}
		})
	}
}

// TestModifiedStrictlyIncreases holds the clock still: every change must still move `modified`.
func TestModifiedStrictlyIncreases(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	storeID := m.createStore()
	sec := m.createSecret(storeID, "rotating", secretValue("0"), "workers")
	path := "/secrets_store/stores/" + storeID + "/secrets/" + sec.ID

	previous := parseTime(t, sec.Modified)
	for i, body := range []string{
		`{"value":"` + secretValue("1") + `"}`,
		`{"value":"` + secretValue("2") + `"}`,
		`{"comment":"now with a comment"}`,
		`{"scopes":["workers","dex"]}`,
		`{"value":"` + secretValue("2") + `"}`,
	} {
		var patched secretView
		m.api(http.MethodPatch, path, body).decodeResult(t, &patched)
		modified := parseTime(t, patched.Modified)
		if want := previous.Add(time.Microsecond); !modified.Equal(want) {
			t.Errorf("change %d: modified %s, want %s (one microsecond later)", i, patched.Modified, formatTime(want))
		}
		previous = modified
	}

	clock.Advance(time.Hour)
	var patched secretView
	m.api(http.MethodPatch, path, `{"comment":"later"}`).decodeResult(t, &patched)
	if got, want := patched.Modified, formatTime(clock.Now()); got != want {
		t.Errorf("once the clock moves on, modified is %s, want %s", got, want)
	}
}

func TestDeleteSecret(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	sec := m.createSecret(storeID, "gone", secretValue("gone"), "workers")
	path := "/secrets_store/stores/" + storeID + "/secrets/" + sec.ID

	r := m.api(http.MethodDelete, path, "")
	r.wantStatus(t, http.StatusOK)
	if string(r.env.Result) != "null" {
		t.Errorf("DELETE answered %s, want a null result", r.raw)
	}
	m.api(http.MethodGet, path, "").wantError(t, 404, 1001, "secret_not_found")
	m.api(http.MethodDelete, path, "").wantError(t, 404, 1001, "secret_not_found")
	// The name is free again.
	m.createSecret(storeID, "gone", secretValue("again"), "workers")
}

func TestBulkDeleteSecrets(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	path := "/secrets_store/stores/" + storeID + "/secrets"
	a := m.createSecret(storeID, "a", secretValue("a"), "workers")
	b := m.createSecret(storeID, "b", secretValue("b"), "workers")
	c := m.createSecret(storeID, "c", secretValue("c"), "workers")

	for _, tt := range []struct {
		name, body   string
		status, code int
		message      string
	}{
		{"no body (the SDK's form)", "", 400, 1001, "invalid_json_body"},
		{"an object", `{"ids":["` + a.ID + `"]}`, 400, 1001, "invalid_json_body"},
		{"no ids", `[]`, 400, 1001, "secret_ids_empty"},
		{"an id of the wrong type", `[{"id":1}]`, 400, 1001, "invalid_json_body"},
		{"one unknown id", `[{"id":"` + a.ID + `"},{"id":"` + strings.Repeat("e", 32) + `"}]`, 404, 1001, "secret_not_found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m.api(http.MethodDelete, path, tt.body).wantError(t, tt.status, tt.code, tt.message)
			if n := m.api(http.MethodGet, path, "").env.ResultInfo.TotalCount; n != 3 {
				t.Errorf("a rejected bulk delete left %d of 3 secrets", n)
			}
		})
	}

	r := m.api(http.MethodDelete, path, `[{"id":"`+c.ID+`"},{"id":"`+a.ID+`"},{"id":"`+c.ID+`"}]`)
	r.wantStatus(t, http.StatusOK)
	if string(r.env.Result) != "null" {
		t.Errorf("bulk delete answered %s, want a null result", r.raw)
	}
	var left []secretView
	m.api(http.MethodGet, path, "").decodeResult(t, &left)
	if len(left) != 1 || left[0].ID != b.ID {
		t.Errorf("after bulk delete the store holds %+v, want only %q", left, b.ID)
	}
}

func TestDuplicateSecret(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	storeID := m.createStore()
	path := "/secrets_store/stores/" + storeID + "/secrets"
	r := m.api(http.MethodPost, path, `[{"name":"stripe_key","value":"`+secretValue("dup")+`","scopes":["workers","access"],"comment":"v1"}]`)
	var created []secretView
	r.decodeResult(t, &created)
	original := created[0]
	clock.Advance(time.Minute)

	tests := []struct {
		name        string
		body        string
		wantName    string
		wantComment string
		wantScopes  []string
	}{
		{"copies the comment", `{"name":"stripe_key_v2","scopes":["access","workers"]}`, "stripe_key_v2", "v1", []string{"access", "workers"}},
		{"overrides them", `{"name":"stripe_key_v3","comment":"v3","scopes":["workers","ai_gateway"]}`, "stripe_key_v3", "v3", []string{"ai_gateway", "workers"}},
		{"empty comment", `{"name":"stripe_key_v4","comment":"","scopes":["access"]}`, "stripe_key_v4", "", []string{"access"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.api(http.MethodPost, path+"/"+original.ID+"/duplicate", tt.body)
			r.wantStatus(t, http.StatusOK)
			var dup secretView
			r.decodeResult(t, &dup)
			if dup.ID == original.ID || !idPattern.MatchString(dup.ID) {
				t.Errorf("duplicate id %q", dup.ID)
			}
			if dup.Name != tt.wantName || dup.Comment != tt.wantComment || !slices.Equal(dup.Scopes, tt.wantScopes) ||
				dup.Status != "active" || dup.StoreID != storeID || dup.Created != formatTime(clock.Now()) {
				t.Errorf("duplicate %+v", dup)
			}
			if m.valueDigest(dup.ID) != sha256Hex(secretValue("dup")) {
				t.Errorf("the duplicate does not hold the original's value")
			}
		})
	}

	for _, tt := range []struct {
		name, body   string
		status, code int
		message      string
	}{
		{"name taken", `{"name":"stripe_key_v2","scopes":["workers"]}`, 409, 1003, "secret_name_already_exists"},
		{"own name", `{"name":"stripe_key","scopes":["workers"]}`, 409, 1003, "secret_name_already_exists"},
		{"no name", `{"scopes":["workers"]}`, 400, 1001, "secret_name_empty"},
		{"no scopes", `{"name":"x"}`, 400, 1001, "secret_scopes_empty"},
		{"bad name", `{"name":"has space"}`, 400, 1001, "secret_name_invalid"},
		{"empty scopes", `{"name":"x","scopes":[]}`, 400, 1001, "secret_scopes_empty"},
		{"unknown scope", `{"name":"x","scopes":["r2"]}`, 400, 1001, "secret_scope_invalid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m.api(http.MethodPost, path+"/"+original.ID+"/duplicate", tt.body).wantError(t, tt.status, tt.code, tt.message)
		})
	}
	m.api(http.MethodPost, path+"/"+strings.Repeat("d", 32)+"/duplicate", `{"name":"x","scopes":["workers"]}`).wantError(t, 404, 1001, "secret_not_found")
	if n := m.api(http.MethodGet, path, "").env.ResultInfo.TotalCount; n != 4 {
		t.Errorf("store holds %d secrets, want the original and 3 duplicates", n)
	}
}

// valueDigest reads the stored value's SHA-256 through the control route.
func (m *mockAPI) valueDigest(secretID string) string {
	m.t.Helper()
	digest, err := NewControlClient(m.http.URL, m.http.Client()).SecretSHA256(m.t.Context(), secretID)
	if err != nil {
		m.t.Fatal(err)
	}
	return digest
}
