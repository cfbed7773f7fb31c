package cloudflaremock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/accounts"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/secrets_store"
	"github.com/cloudflare/cloudflare-go/v4/shared"
	"github.com/cloudflare/cloudflare-go/v4/user"
)

// Helpers for the token tests (prefixed tk so they cannot collide with other areas' helpers).

var tokenValuePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{40}$`)

func tkBearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

func tkAccount(account string) map[string]any {
	return map[string]any{"com.cloudflare.api.account." + account: "*"}
}

func tkPolicy(effect string, resources map[string]any, groups ...string) map[string]any {
	pgs := []map[string]string{}
	for _, g := range groups {
		pgs = append(pgs, map[string]string{"id": g})
	}
	return map[string]any{"effect": effect, "permission_groups": pgs, "resources": resources}
}

func tkBody(name string, policies ...map[string]any) map[string]any {
	return map[string]any{"name": name, "policies": policies}
}

func tkReadFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func tkJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// tkCreate creates a token with the admin token under base ("/accounts/<id>" or "/user").
func (m *mockAPI) tkCreate(t *testing.T, base string, body map[string]any) createdTokenView {
	t.Helper()
	r := m.send(http.MethodPost, apiPrefix+base+"/tokens", tkJSON(body), m.auth())
	r.wantStatus(t, http.StatusOK)
	var created createdTokenView
	r.decodeResult(t, &created)
	if !tokenValuePattern.MatchString(created.Value) {
		t.Fatalf("token value %q does not look like a Cloudflare token", created.Value)
	}
	return created
}

// tkGet reads a token with the admin token and returns its raw JSON and decoded view.
func (m *mockAPI) tkGet(t *testing.T, base, id string) (string, tokenView) {
	t.Helper()
	r := m.send(http.MethodGet, apiPrefix+base+"/tokens/"+id, "", m.auth())
	var v tokenView
	r.decodeResult(t, &v)
	return string(r.env.Result), v
}

func (m *mockAPI) tkVerify(base, token string) response {
	m.t.Helper()
	return m.send(http.MethodGet, apiPrefix+base+"/tokens/verify", "", tkBearer(token))
}

// tkBodiesHolding counts the response bodies seen so far that contain s.
func (m *mockAPI) tkBodiesHolding(s string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, b := range m.bodies {
		if strings.Contains(b, s) {
			n++
		}
	}
	return n
}

func TestTokenShapes(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	account := m.mock.AccountID()
	base := "/accounts/" + account

	body := tkBody("ci deploy", tkPolicy("allow", tkAccount(account), pgWorkersScriptsWrite, pgSecretsStoreRead))
	body["not_before"] = "2025-06-01T11:00:00Z"
	body["expires_on"] = "2025-07-01T02:00:00.123456+02:00"
	body["condition"] = map[string]any{"request_ip": map[string]any{"in": []string{"127.0.0.0/8", "2001:db8::/32"}}}
	r := m.send(http.MethodPost, apiPrefix+base+"/tokens", tkJSON(body), m.auth())
	r.wantStatus(t, 200)
	var created createdTokenView
	r.decodeResult(t, &created)
	if !idPattern.MatchString(created.ID) || !tokenValuePattern.MatchString(created.Value) {
		t.Fatalf("id %q value shape wrong", created.ID)
	}
	if len(created.Policies) != 1 || !idPattern.MatchString(created.Policies[0].ID) || created.Policies[0].ID == created.ID {
		t.Fatalf("policy ids: %+v", created.Policies)
	}
	policyID := created.Policies[0].ID

	wantGet := fmt.Sprintf(`{"id":"%s","name":"ci deploy","status":"active",`+
		`"issued_on":"2025-06-01T12:00:00Z","modified_on":"2025-06-01T12:00:00Z",`+
		`"not_before":"2025-06-01T11:00:00Z","expires_on":"2025-07-01T00:00:00Z",`+
		`"policies":[{"id":"%s","effect":"allow","permission_groups":[`+
		`{"id":"%s","name":"Workers Scripts Write"},{"id":"%s","name":"Account Secrets Store Read"}],`+
		`"resources":{"com.cloudflare.api.account.%s":"*"}}],`+
		`"condition":{"request_ip":{"in":["127.0.0.0/8","2001:db8::/32"],"not_in":[]}}}`,
		created.ID, policyID, pgWorkersScriptsWrite, pgSecretsStoreRead, account)
	wantCreate := strings.TrimSuffix(wantGet, "}") + `,"value":"` + created.Value + `"}`
	if string(r.env.Result) != wantCreate {
		t.Errorf("create result\n got %s\nwant %s", r.env.Result, wantCreate)
	}
	if got, _ := m.tkGet(t, base, created.ID); got != wantGet {
		t.Errorf("get result\n got %s\nwant %s", got, wantGet)
	}

	// After a use, last_used_on appears (time of the use).
	clock.Advance(90 * time.Second)
	m.tkVerify(base, created.Value).wantStatus(t, 200)
	_, v := m.tkGet(t, base, created.ID)
	if v.LastUsedOn != "2025-06-01T12:01:30Z" {
		t.Errorf("last_used_on %q after a use at 12:01:30", v.LastUsedOn)
	}

	// A minimal token: no times, no condition, and a user-owned one has the same shape.
	for _, b := range []string{base, "/user"} {
		minimal := m.tkCreate(t, b, tkBody("minimal", tkPolicy("deny", map[string]any{"com.cloudflare.api.account.zone.*": "*"}, tkGroupID(t, "DNS Write"))))
		got, _ := m.tkGet(t, b, minimal.ID)
		want := fmt.Sprintf(`{"id":"%s","name":"minimal","status":"active","issued_on":"2025-06-01T12:01:30Z",`+
			`"modified_on":"2025-06-01T12:01:30Z","policies":[{"id":"%s","effect":"deny","permission_groups":`+
			`[{"id":"4755a26eedb94da69e1066d98aa820be","name":"DNS Write"}],"resources":{"com.cloudflare.api.account.zone.*":"*"}}],`+
			`"condition":{}}`, minimal.ID, minimal.Policies[0].ID)
		if got != want {
			t.Errorf("%s minimal token\n got %s\nwant %s", b, got, want)
		}
	}
}

func TestTokenValidation(t *testing.T) {
	m := newMockAPI(t, Config{})
	account := m.mock.AccountID()
	other := strings.Repeat("ab", 16)
	zone := strings.Repeat("cd", 16)
	acctKey := "com.cloudflare.api.account." + account
	valid := func() map[string]any { return tkBody("ok", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead)) }
	with := func(mod func(b map[string]any)) string {
		b := valid()
		mod(b)
		return tkJSON(b)
	}
	withPolicy := func(mod func(p map[string]any)) string {
		return with(func(b map[string]any) { mod(b["policies"].([]map[string]any)[0]) })
	}
	withResources := func(res map[string]any) string {
		return withPolicy(func(p map[string]any) { p["resources"] = res })
	}
	withIP := func(rule map[string]any) string {
		return with(func(b map[string]any) { b["condition"] = map[string]any{"request_ip": rule} })
	}
	const malformed = "Malformed JSON in request body"
	tests := []struct {
		name    string
		body    string
		only    string // "account" or "user": run on that base only
		status  int
		code    int
		message string
	}{
		{"valid", with(func(map[string]any) {}), "", 200, 0, ""},
		{"truncated json", `{"name":`, "", 400, 6007, malformed},
		{"array body", `[` + with(func(map[string]any) {}) + `]`, "", 400, 6007, malformed},
		{"empty body", ``, "", 400, 6007, malformed},
		{"name of the wrong type", `{"name":7,"policies":[]}`, "", 400, 6007, malformed},
		{"policies of the wrong type", `{"name":"x","policies":{}}`, "", 400, 6007, malformed},
		{"no name", with(func(b map[string]any) { delete(b, "name") }), "", 400, 1001, "Token name is required"},
		{"blank name", with(func(b map[string]any) { b["name"] = "  " }), "", 400, 1001, "Token name is required"},
		{"name at the limit", with(func(b map[string]any) { b["name"] = strings.Repeat("é", 120) }), "", 200, 0, ""},
		{"name too long", with(func(b map[string]any) { b["name"] = strings.Repeat("n", 121) }), "", 400, 1001, "Token name must be at most 120 characters"},
		{"no policies", with(func(b map[string]any) { delete(b, "policies") }), "", 400, 1001, "Token must have at least one policy"},
		{"empty policies", with(func(b map[string]any) { b["policies"] = []any{} }), "", 400, 1001, "Token must have at least one policy"},
		{"policy with an id", withPolicy(func(p map[string]any) { p["id"] = strings.Repeat("1", 32) }), "", 400, 1001,
			"Reusing existing policies is not supported by token creation"},
		{"unknown effect", withPolicy(func(p map[string]any) { p["effect"] = "permit" }), "", 400, 1001, "Policy effect must be allow or deny"},
		{"effect upper case", withPolicy(func(p map[string]any) { p["effect"] = "Allow" }), "", 400, 1001, "Policy effect must be allow or deny"},
		{"no effect", withPolicy(func(p map[string]any) { delete(p, "effect") }), "", 400, 1001, "Policy effect must be allow or deny"},
		{"no permission groups", withPolicy(func(p map[string]any) { p["permission_groups"] = []any{} }), "", 400, 1001,
			"Policy must have at least one permission group"},
		{"unknown permission group", withPolicy(func(p map[string]any) {
			p["permission_groups"] = []map[string]string{{"id": pgSecretsStoreRead}, {"id": strings.Repeat("0", 32)}}
		}), "", 400, 1001, "Permission group does not exist"},
		{"permission group without id", withPolicy(func(p map[string]any) { p["permission_groups"] = []map[string]string{{"name": "DNS Write"}} }),
			"", 400, 1001, "Permission group does not exist"},
		{"no resources", withPolicy(func(p map[string]any) { delete(p, "resources") }), "", 400, 1001, "Policy must have at least one resource"},
		{"empty resources", withResources(map[string]any{}), "", 400, 1001, "Policy must have at least one resource"},
		{"resource key without id", withResources(map[string]any{"com.cloudflare.api.account": "*"}), "", 400, 1001, "Invalid resource key in policy resources"},
		{"resource key upper-case id", withResources(map[string]any{"com.cloudflare.api.account." + strings.ToUpper(account): "*"}), "", 400, 1001,
			"Invalid resource key in policy resources"},
		{"resource key short id", withResources(map[string]any{"com.cloudflare.api.account.abc": "*"}), "", 400, 1001, "Invalid resource key in policy resources"},
		{"user resource key", withResources(map[string]any{"com.cloudflare.api.user." + account: "*"}), "", 400, 1001, "Invalid resource key in policy resources"},
		{"resource value not *", withResources(map[string]any{acctKey: "read"}), "", 400, 1001, "Invalid resource value in policy resources"},
		{"resource value a number", withResources(map[string]any{acctKey: 1}), "", 400, 1001, "Invalid resource value in policy resources"},
		{"zone value not *", withResources(map[string]any{"com.cloudflare.api.account.zone." + zone: "all"}), "", 400, 1001, "Invalid resource value in policy resources"},
		{"another account", withResources(map[string]any{"com.cloudflare.api.account." + other: "*"}), "", 400, 1001,
			"Policy resources name an account the token owner cannot access"},
		{"all accounts on an account token", withResources(map[string]any{"com.cloudflare.api.account.*": "*"}), "account", 400, 1001,
			"Policy resources name an account the token owner cannot access"},
		{"all accounts on a user token", withResources(map[string]any{"com.cloudflare.api.account.*": "*"}), "user", 200, 0, ""},
		{"all zones", withResources(map[string]any{"com.cloudflare.api.account.zone.*": "*"}), "", 200, 0, ""},
		{"one zone", withResources(map[string]any{"com.cloudflare.api.account.zone." + zone: "*"}), "", 200, 0, ""},
		{"zones nested under the account", withResources(map[string]any{acctKey: map[string]string{"com.cloudflare.api.account.zone.*": "*"}}), "", 200, 0, ""},
		{"nested non-zone key", withResources(map[string]any{acctKey: map[string]string{acctKey: "*"}}), "", 400, 1001, "Invalid resource key in policy resources"},
		{"nested value not *", withResources(map[string]any{acctKey: map[string]string{"com.cloudflare.api.account.zone.*": "read"}}), "", 400, 1001,
			"Invalid resource value in policy resources"},
		{"nested empty", withResources(map[string]any{acctKey: map[string]string{}}), "", 400, 1001, "Invalid resource value in policy resources"},
		{"second policy invalid", with(func(b map[string]any) {
			b["policies"] = []map[string]any{tkPolicy("allow", tkAccount(account), pgSecretsStoreRead), tkPolicy("deny", map[string]any{}, pgSecretsStoreRead)}
		}), "", 400, 1001, "Policy must have at least one resource"},
		{"bad CIDR in in", withIP(map[string]any{"in": []string{"198.51.100.0/24", "not-a-cidr"}}), "", 400, 1001, "Invalid CIDR in condition.request_ip"},
		{"bad CIDR in not_in", withIP(map[string]any{"not_in": []string{"198.51.100.0/33"}}), "", 400, 1001, "Invalid CIDR in condition.request_ip"},
		{"bare address", withIP(map[string]any{"in": []string{"198.51.100.7"}}), "", 400, 1001, "Invalid CIDR in condition.request_ip"},
		{"CIDR with host bits", withIP(map[string]any{"in": []string{"123.123.123.100/24"}, "not_in": []string{"2606:4700::/32"}}), "", 200, 0, ""},
		{"empty condition", with(func(b map[string]any) { b["condition"] = map[string]any{} }), "", 200, 0, ""},
		{"not_before a date only", with(func(b map[string]any) { b["not_before"] = "2025-06-01" }), "", 400, 1001, "not_before must be an RFC 3339 date-time"},
		{"not_before empty", with(func(b map[string]any) { b["not_before"] = "" }), "", 400, 1001, "not_before must be an RFC 3339 date-time"},
		{"expires_on without zone", with(func(b map[string]any) { b["expires_on"] = "2030-01-01T00:00:00" }), "", 400, 1001, "expires_on must be an RFC 3339 date-time"},
		{"expires_on a number", with(func(b map[string]any) { b["expires_on"] = 1 }), "", 400, 6007, malformed},
		{"expires before not_before", with(func(b map[string]any) {
			b["not_before"], b["expires_on"] = "2030-01-02T00:00:00Z", "2030-01-01T00:00:00Z"
		}), "", 400, 1001, "expires_on must be later than not_before"},
		{"expires at not_before", with(func(b map[string]any) {
			b["not_before"], b["expires_on"] = "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z"
		}), "", 400, 1001, "expires_on must be later than not_before"},
		{"null times", with(func(b map[string]any) { b["not_before"], b["expires_on"] = nil, nil }), "", 200, 0, ""},
		{"status disabled", with(func(b map[string]any) { b["status"] = "disabled" }), "", 200, 0, ""},
		{"status expired", with(func(b map[string]any) { b["status"] = "expired" }), "", 400, 1001, "Token status must be active or disabled"},
		{"status unknown", with(func(b map[string]any) { b["status"] = "revoked" }), "", 400, 1001, "Token status must be active or disabled"},
	}
	for _, kind := range []string{"account", "user"} {
		base := map[string]string{"account": "/accounts/" + account, "user": "/user"}[kind]
		created := 0
		for _, tt := range tests {
			if tt.only != "" && tt.only != kind {
				continue
			}
			t.Run(kind+" "+tt.name, func(t *testing.T) {
				r := m.send(http.MethodPost, apiPrefix+base+"/tokens", tt.body, m.auth())
				if tt.status == 200 {
					r.wantStatus(t, 200)
					created++
					return
				}
				r.wantError(t, tt.status, tt.code, tt.message)
			})
		}
		// Failed creates leave nothing behind.
		r := m.send(http.MethodGet, apiPrefix+base+"/tokens?per_page=100", "", m.auth())
		if r.env.ResultInfo.TotalCount != created {
			t.Errorf("%s: %d tokens exist, want the %d valid creates", kind, r.env.ResultInfo.TotalCount, created)
		}
	}
}

func TestTokenLifecycle(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	account := m.mock.AccountID()
	for _, base := range []string{"/accounts/" + account, "/user"} {
		t.Run(base, func(t *testing.T) {
			m.control(http.MethodPost, "/__mock/reset")
			var tokens []createdTokenView
			for _, name := range []string{"a", "b", "c"} {
				tokens = append(tokens, m.tkCreate(t, base, tkBody(name, tkPolicy("allow", tkAccount(account), pgSecretsStoreRead))))
			}
			list := func(query string) ([]string, resultInfo, string) {
				r := m.send(http.MethodGet, apiPrefix+base+"/tokens"+query, "", m.auth())
				var views []tokenView
				r.decodeResult(t, &views)
				var names []string
				for _, v := range views {
					names = append(names, v.Name)
				}
				return names, *r.env.ResultInfo, string(r.env.Result)
			}
			if names, info, raw := list(""); !slices.Equal(names, []string{"a", "b", "c"}) ||
				info != (resultInfo{Page: 1, PerPage: 20, Count: 3, TotalCount: 3, TotalPages: 1}) || strings.Contains(raw, `"value"`) {
				t.Errorf("list: %v %+v %s", names, info, raw)
			}
			if names, _, _ := list("?direction=desc"); !slices.Equal(names, []string{"c", "b", "a"}) {
				t.Errorf("desc list: %v", names)
			}
			if names, info, _ := list("?per_page=2&page=2"); !slices.Equal(names, []string{"c"}) || info.TotalPages != 2 {
				t.Errorf("page 2: %v %+v", names, info)
			}
			if _, _, raw := list("?page=3&per_page=2"); raw != "[]" {
				t.Errorf("a page past the end is %s, want []", raw)
			}
			m.send(http.MethodGet, apiPrefix+base+"/tokens?direction=up", "", m.auth()).wantError(t, 400, 1001, "invalid_direction")
			m.send(http.MethodGet, apiPrefix+base+"/tokens?page=0", "", m.auth()).wantError(t, 400, 1001, "invalid_page")

			for _, id := range []string{strings.Repeat("0", 32), "not-an-id"} {
				for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
					m.send(method, apiPrefix+base+"/tokens/"+id, tkJSON(tkBody("x", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead))), m.auth()).
						wantError(t, 404, 1003, "Token not found")
				}
				m.send(http.MethodPut, apiPrefix+base+"/tokens/"+id+"/value", "{}", m.auth()).wantError(t, 404, 1003, "Token not found")
			}

			// Update: full body; a policy carrying its current id keeps it, one without gets a new
			// one.
			a := tokens[0]
			clock.Advance(time.Hour)
			keep := tkPolicy("allow", tkAccount(account), pgSecretsStoreWrite)
			keep["id"] = a.Policies[0].ID
			update := tkBody("a renamed", keep, tkPolicy("deny", tkAccount(account), pgWorkersScriptsRead))
			update["expires_on"] = "2030-01-01T00:00:00Z"
			r := m.send(http.MethodPut, apiPrefix+base+"/tokens/"+a.ID, tkJSON(update), m.auth())
			var updated tokenView
			r.decodeResult(t, &updated)
			if strings.Contains(string(r.env.Result), `"value"`) {
				t.Errorf("update answered a value: %s", r.env.Result)
			}
			if updated.Name != "a renamed" || updated.IssuedOn != a.IssuedOn || updated.ModifiedOn != clock.Now().UTC().Format(time.RFC3339) ||
				updated.ExpiresOn != "2030-01-01T00:00:00Z" || len(updated.Policies) != 2 ||
				updated.Policies[0].ID != a.Policies[0].ID || updated.Policies[0].PermissionGroups[0].ID != pgSecretsStoreWrite ||
				updated.Policies[1].ID == a.Policies[0].ID || !idPattern.MatchString(updated.Policies[1].ID) || updated.Policies[1].Effect != "deny" {
				t.Errorf("updated token %+v", updated)
			}
			if _, got := m.tkGet(t, base, a.ID); got.Name != "a renamed" || got.ModifiedOn != updated.ModifiedOn {
				t.Errorf("update not kept: %+v", got)
			}
			// The value is unchanged by an update.
			wantVerify(t, m, base, a)
			// Full replacement: what the body leaves out is cleared.
			r = m.send(http.MethodPut, apiPrefix+base+"/tokens/"+a.ID, tkJSON(tkBody("a", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead))), m.auth())
			updated = tokenView{}
			r.decodeResult(t, &updated)
			if updated.ExpiresOn != "" || len(updated.Policies) != 1 || updated.Policies[0].ID == a.Policies[0].ID {
				t.Errorf("after a full replacement %+v", updated)
			}

			// Update-only validation.
			unknown := tkPolicy("allow", tkAccount(account), pgSecretsStoreRead)
			unknown["id"] = strings.Repeat("9", 32)
			m.send(http.MethodPut, apiPrefix+base+"/tokens/"+a.ID, tkJSON(tkBody("a", unknown)), m.auth()).
				wantError(t, 400, 1001, "Policy id does not belong to this token")
			current := updated.Policies[0].ID
			twice1, twice2 := tkPolicy("allow", tkAccount(account), pgSecretsStoreRead), tkPolicy("allow", tkAccount(account), pgSecretsStoreRead)
			twice1["id"], twice2["id"] = current, current
			m.send(http.MethodPut, apiPrefix+base+"/tokens/"+a.ID, tkJSON(tkBody("a", twice1, twice2)), m.auth()).
				wantError(t, 400, 1001, "Policy id does not belong to this token")
			m.send(http.MethodPut, apiPrefix+base+"/tokens/"+a.ID, `{"name":`, m.auth()).wantError(t, 400, 6007, "Malformed JSON in request body")
			m.send(http.MethodPut, apiPrefix+base+"/tokens/"+a.ID, `{"policies":[]}`, m.auth()).wantError(t, 400, 1001, "Token name is required")
			if _, got := m.tkGet(t, base, a.ID); got.Name != "a" || got.Policies[0].ID != current {
				t.Errorf("a failed update changed the token: %+v", got)
			}

			// Delete answers {"id"}; the token and its value are gone.
			b := tokens[1]
			r = m.send(http.MethodDelete, apiPrefix+base+"/tokens/"+b.ID, "", m.auth())
			r.wantStatus(t, 200)
			if string(r.env.Result) != `{"id":"`+b.ID+`"}` {
				t.Errorf("delete result %s", r.env.Result)
			}
			m.send(http.MethodGet, apiPrefix+base+"/tokens/"+b.ID, "", m.auth()).wantError(t, 404, 1003, "Token not found")
			m.send(http.MethodDelete, apiPrefix+base+"/tokens/"+b.ID, "", m.auth()).wantError(t, 404, 1003, "Token not found")
			m.tkVerify(base, b.Value).wantError(t, 401, 1000, "Invalid API Token")
			if names, _, _ := list(""); !slices.Equal(names, []string{"a", "c"}) {
				t.Errorf("after delete: %v", names)
			}
		})
	}

	t.Run("owners are separate", func(t *testing.T) {
		userToken := m.tkCreate(t, "/user", tkBody("u", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead)))
		accountToken := m.tkCreate(t, "/accounts/"+account, tkBody("a", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead)))
		m.send(http.MethodGet, apiPrefix+"/accounts/"+account+"/tokens/"+userToken.ID, "", m.auth()).wantError(t, 404, 1003, "Token not found")
		m.send(http.MethodGet, apiPrefix+"/user/tokens/"+accountToken.ID, "", m.auth()).wantError(t, 404, 1003, "Token not found")
		m.send(http.MethodDelete, apiPrefix+"/user/tokens/"+accountToken.ID, "", m.auth()).wantError(t, 404, 1003, "Token not found")
	})

	t.Run("routing", func(t *testing.T) {
		for _, path := range []string{"/accounts/" + account + "/tokens/verify", "/user/tokens/verify", "/user/tokens/permission_groups"} {
			m.send(http.MethodPut, apiPrefix+path, "{}", m.auth()).wantError(t, 405, 10405, "Method not allowed")
		}
		m.send(http.MethodPatch, apiPrefix+"/user/tokens", "{}", m.auth()).wantError(t, 405, 10405, "Method not allowed")
		if r := m.send(http.MethodGet, apiPrefix+"/user/tokens", "", nil); r.status != 400 || r.env.Errors[0].Code != 6003 {
			t.Errorf("no Authorization header: %d %s", r.status, r.raw)
		}
	})
}

func wantVerify(t *testing.T, m *mockAPI, base string, tok createdTokenView) {
	t.Helper()
	r := m.tkVerify(base, tok.Value)
	var v tokenVerifyView
	r.decodeResult(t, &v)
	if v.ID != tok.ID || v.Status != "active" {
		t.Errorf("verify of %s answered %s", tok.ID, r.raw)
	}
}

func TestTokenRoll(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	account := m.mock.AccountID()
	for _, base := range []string{"/accounts/" + account, "/user"} {
		t.Run(base, func(t *testing.T) {
			tok := m.tkCreate(t, base, tkBody("rolling", tkPolicy("allow", tkAccount(account), pgAPITokensWrite)))
			clock.Advance(time.Minute)
			r := m.send(http.MethodPut, apiPrefix+base+"/tokens/"+tok.ID+"/value", "{}", m.auth())
			r.wantStatus(t, 200)
			var value string
			r.decodeResult(t, &value)
			if !tokenValuePattern.MatchString(value) || value == tok.Value || string(r.env.Result) != `"`+value+`"` {
				t.Fatalf("roll answered %s", r.env.Result)
			}
			m.tkVerify(base, tok.Value).wantError(t, 401, 1000, "Invalid API Token")
			m.send(http.MethodGet, apiPrefix+"/accounts/"+account+"/secrets_store/stores", "", tkBearer(tok.Value)).
				wantError(t, 401, 1000, "Invalid API Token")
			wantVerify(t, m, base, createdTokenView{tokenView: tokenView{ID: tok.ID}, Value: value})
			_, v := m.tkGet(t, base, tok.ID)
			if v.ModifiedOn == tok.ModifiedOn || v.IssuedOn != tok.IssuedOn {
				t.Errorf("after a roll issued_on %s modified_on %s (created %s)", v.IssuedOn, v.ModifiedOn, tok.ModifiedOn)
			}

			// A token holding API Tokens Write may roll itself; its own old value then fails.
			r = m.send(http.MethodPut, apiPrefix+base+"/tokens/"+tok.ID+"/value", `{}`, tkBearer(value))
			var third string
			r.decodeResult(t, &third)
			m.tkVerify(base, value).wantError(t, 401, 1000, "Invalid API Token")
			wantVerify(t, m, base, createdTokenView{tokenView: tokenView{ID: tok.ID}, Value: third})

			for _, body := range []string{"", "null", "[]", `"x"`, `{`} {
				m.send(http.MethodPut, apiPrefix+base+"/tokens/"+tok.ID+"/value", body, m.auth()).
					wantError(t, 400, 6007, "Malformed JSON in request body")
			}
			wantVerify(t, m, base, createdTokenView{tokenView: tokenView{ID: tok.ID}, Value: third})
		})
	}
}

func TestTokenVerify(t *testing.T) {
	m := newMockAPI(t, Config{})
	account := m.mock.AccountID()
	accountBase := "/accounts/" + account
	zoneOnly := tkPolicy("allow", map[string]any{"com.cloudflare.api.account.zone.*": "*"}, tkGroupID(t, "DNS Read"))
	accountToken := m.tkCreate(t, accountBase, tkBody("acct", zoneOnly))
	timed := tkBody("timed", zoneOnly)
	timed["not_before"], timed["expires_on"] = "2020-01-01T00:00:00Z", "2999-01-01T00:00:00Z"
	timedToken := m.tkCreate(t, accountBase, timed)
	userToken := m.tkCreate(t, "/user", tkBody("user", zoneOnly))
	const messages = `[{"code":10000,"message":"This API Token is valid and active"}]`

	tests := []struct {
		name   string
		base   string
		token  string
		result string // "" for an error
	}{
		{"account token, no permission needed", accountBase, accountToken.Value, `{"id":"` + accountToken.ID + `","status":"active"}`},
		{"times are reported", accountBase, timedToken.Value,
			`{"id":"` + timedToken.ID + `","status":"active","not_before":"2020-01-01T00:00:00Z","expires_on":"2999-01-01T00:00:00Z"}`},
		{"user token", "/user", userToken.Value, `{"id":"` + userToken.ID + `","status":"active"}`},
		{"admin on the account", accountBase, m.mock.AdminToken(), `{"id":"` + m.mock.adminTokenID() + `","status":"active"}`},
		{"admin as the user", "/user", m.mock.AdminToken(), `{"id":"` + m.mock.adminTokenID() + `","status":"active"}`},
		{"account token on /user", "/user", accountToken.Value, ""},
		{"user token on the account route", accountBase, userToken.Value, ""},
		{"account token on another account", "/accounts/" + strings.Repeat("ab", 16), accountToken.Value, ""},
		{"unknown token", accountBase, strings.Repeat("x", 40), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.tkVerify(tt.base, tt.token)
			if tt.result == "" {
				r.wantError(t, 401, 1000, "Invalid API Token")
				return
			}
			r.wantStatus(t, 200)
			var top map[string]json.RawMessage
			_ = json.Unmarshal([]byte(r.raw), &top)
			if string(top["result"]) != tt.result || string(top["messages"]) != messages || string(top["errors"]) != "[]" {
				t.Errorf("verify answered %s", r.raw)
			}
		})
	}
	other, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if other.adminTokenID() != m.mock.adminTokenID() || !idPattern.MatchString(other.adminTokenID()) {
		t.Errorf("the admin token's id must be stable 32 hex")
	}
}

// TestTokenPermissions: what a token may do follows its policies, on every /client/v4 route.
func TestTokenPermissions(t *testing.T) {
	m := newMockAPI(t, Config{})
	account := m.mock.AccountID()
	other := strings.Repeat("ab", 16)
	storeID := m.createStore()
	m.createSecret(storeID, "existing", secretValue("existing"), "workers")
	acct := tkAccount(account)
	acctBase := "/accounts/" + account
	tokensRead := tkGroupID(t, "Account API Tokens Read")

	type tkSpec struct {
		base     string
		policies []map[string]any
	}
	specs := map[string]tkSpec{
		"secrets read":       {acctBase, []map[string]any{tkPolicy("allow", acct, pgSecretsStoreRead)}},
		"secrets write":      {acctBase, []map[string]any{tkPolicy("allow", acct, pgSecretsStoreWrite)}},
		"write minus read":   {acctBase, []map[string]any{tkPolicy("allow", acct, pgSecretsStoreWrite), tkPolicy("deny", acct, pgSecretsStoreRead)}},
		"write denied":       {acctBase, []map[string]any{tkPolicy("allow", acct, pgSecretsStoreWrite), tkPolicy("deny", acct, pgSecretsStoreWrite)}},
		"zones only":         {acctBase, []map[string]any{tkPolicy("allow", map[string]any{"com.cloudflare.api.account.zone.*": "*"}, pgSecretsStoreWrite, pgAPITokensWrite)}},
		"zones under acct":   {acctBase, []map[string]any{tkPolicy("allow", map[string]any{"com.cloudflare.api.account." + account: map[string]string{"com.cloudflare.api.account.zone.*": "*"}}, pgSecretsStoreWrite)}},
		"tokens read":        {acctBase, []map[string]any{tkPolicy("allow", acct, tokensRead)}},
		"tokens write":       {acctBase, []map[string]any{tkPolicy("allow", acct, pgAPITokensWrite)}},
		"user all accounts":  {"/user", []map[string]any{tkPolicy("allow", map[string]any{"com.cloudflare.api.account.*": "*"}, pgSecretsStoreRead, pgAPITokensWrite)}},
		"user secrets read":  {"/user", []map[string]any{tkPolicy("allow", acct, pgSecretsStoreRead)}},
		"user zone tokens":   {"/user", []map[string]any{tkPolicy("allow", map[string]any{"com.cloudflare.api.account.zone.*": "*"}, pgAPITokensWrite)}},
		"workers deploy":     {acctBase, []map[string]any{tkPolicy("allow", acct, pgWorkersScriptsWrite, pgSecretsStoreRead)}},
		"workers, no tokens": {acctBase, []map[string]any{tkPolicy("allow", acct, pgWorkersScriptsWrite)}},
	}
	values := map[string]string{}
	for name, spec := range specs {
		values[name] = m.tkCreate(t, spec.base, tkBody(name, spec.policies...)).Value
	}
	newSecret := func() string {
		return `[{"name":"n` + newID()[:8] + `","value":"` + secretValue("perm") + `","scopes":["workers"]}]`
	}
	newToken := tkJSON(tkBody("child", tkPolicy("allow", acct, pgSecretsStoreRead)))
	secrets := "/accounts/" + account + "/secrets_store/stores/" + storeID + "/secrets"
	const (
		allowed   = 0
		forbidden = 10000
		tokenDeny = 9109
		invalid   = 1000
	)
	tests := []struct {
		token  string
		method string
		path   string
		body   func() string
		want   int
	}{
		{"secrets read", http.MethodGet, secrets, nil, allowed},
		{"secrets read", http.MethodGet, "/accounts/" + account + "/secrets_store/quota", nil, allowed},
		{"secrets read", http.MethodPost, secrets, newSecret, forbidden},
		{"secrets read", http.MethodDelete, "/accounts/" + account + "/secrets_store/stores/" + storeID, nil, forbidden},
		{"secrets read", http.MethodGet, "/accounts/" + other + "/secrets_store/stores", nil, forbidden},
		{"secrets read", http.MethodPost, "/accounts/" + account + "/tokens", func() string { return newToken }, tokenDeny},
		{"secrets read", http.MethodGet, "/accounts/" + account + "/tokens", nil, tokenDeny},
		{"secrets read", http.MethodGet, "/user/tokens", nil, invalid},
		{"secrets write", http.MethodPost, secrets, newSecret, allowed},
		{"secrets write", http.MethodGet, secrets, nil, allowed},
		{"write minus read", http.MethodPost, secrets, newSecret, allowed},
		{"write minus read", http.MethodGet, secrets, nil, forbidden},
		{"write denied", http.MethodGet, secrets, nil, forbidden},
		{"write denied", http.MethodPost, secrets, newSecret, forbidden},
		{"zones only", http.MethodGet, secrets, nil, forbidden},
		{"zones only", http.MethodGet, "/accounts/" + account + "/tokens", nil, tokenDeny},
		{"zones under acct", http.MethodGet, secrets, nil, forbidden},
		{"tokens read", http.MethodGet, "/accounts/" + account + "/tokens", nil, allowed},
		{"tokens read", http.MethodGet, "/accounts/" + account + "/tokens/permission_groups", nil, allowed},
		{"tokens read", http.MethodPost, "/accounts/" + account + "/tokens", func() string { return newToken }, tokenDeny},
		{"tokens read", http.MethodGet, secrets, nil, forbidden},
		{"tokens write", http.MethodPost, "/accounts/" + account + "/tokens", func() string { return newToken }, allowed},
		{"tokens write", http.MethodGet, "/accounts/" + account + "/tokens", nil, allowed},
		{"tokens write", http.MethodPost, "/accounts/" + other + "/tokens", func() string { return newToken }, tokenDeny},
		{"tokens write", http.MethodPost, "/user/tokens", func() string { return newToken }, invalid},
		{"user all accounts", http.MethodGet, secrets, nil, allowed},
		{"user all accounts", http.MethodPost, secrets, newSecret, forbidden},
		{"user all accounts", http.MethodGet, "/accounts/" + other + "/secrets_store/stores", nil, forbidden},
		{"user all accounts", http.MethodPost, "/user/tokens", func() string { return newToken }, allowed},
		{"user all accounts", http.MethodPost, "/accounts/" + account + "/tokens", func() string { return newToken }, allowed},
		{"user all accounts", http.MethodGet, "/user/tokens/permission_groups", nil, allowed},
		{"user secrets read", http.MethodGet, secrets, nil, allowed},
		{"user secrets read", http.MethodGet, "/user/tokens", nil, tokenDeny},
		{"user secrets read", http.MethodPost, "/user/tokens", func() string { return newToken }, tokenDeny},
		{"user zone tokens", http.MethodGet, "/user/tokens", nil, tokenDeny},
		{"workers deploy", http.MethodGet, secrets, nil, allowed},
		{"workers, no tokens", http.MethodGet, secrets, nil, forbidden},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %s", tt.token, tt.method, tt.path), func(t *testing.T) {
			body := ""
			if tt.body != nil {
				body = tt.body()
			}
			r := m.send(tt.method, apiPrefix+tt.path, body, tkBearer(values[tt.token]))
			switch tt.want {
			case allowed:
				if r.status >= 300 {
					t.Errorf("refused: %d %s", r.status, r.raw)
				}
			case forbidden:
				r.wantError(t, 403, 10000, "Authentication error")
			case tokenDeny:
				r.wantError(t, 403, 9109, "Unauthorized to access requested resource")
			case invalid:
				r.wantError(t, 401, 1000, "Invalid API Token")
			}
		})
	}

	t.Run("grant seen by handlers", func(t *testing.T) {
		// The Workers binding check asks c.grant.allows(permSecretsStoreRead) on the route's
		// account.
		m.mock.mu.Lock()
		defer m.mock.mu.Unlock()
		tok := m.mock.tokenByValue(values["workers deploy"])
		g := grant{accountID: account, tokenID: tok.ID, permissions: m.mock.tokenPermissions(tok, account, true)}
		if !g.allows(permSecretsStoreRead) || !g.allows(permWorkersScriptsWrite) || g.allows(permSecretsStoreWrite) {
			t.Errorf("workers deploy grant %+v", g)
		}
		if (grant{}).allows(permSecretsStoreRead) || !(grant{admin: true}).allows(permSecretsStoreWrite) {
			t.Errorf("zero grant must allow nothing, admin everything")
		}
	})
}

func TestTokenValidity(t *testing.T) {
	clock := newFakeClock() // 2025-06-01T12:00:00Z
	m := newMockAPI(t, Config{Now: clock.Now})
	account := m.mock.AccountID()
	base := "/accounts/" + account
	storeID := m.createStore()
	stores := apiPrefix + base + "/secrets_store/stores/" + storeID
	read := func(mod func(b map[string]any)) createdTokenView {
		b := tkBody("validity", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead))
		if mod != nil {
			mod(b)
		}
		return m.tkCreate(t, base, b)
	}
	use := func(tok createdTokenView) response { return m.send(http.MethodGet, stores, "", tkBearer(tok.Value)) }
	status := func(tok createdTokenView) string {
		_, v := m.tkGet(t, base, tok.ID)
		return v.Status
	}
	const invalidMsg = "Invalid API Token"

	t.Run("expires with the clock", func(t *testing.T) {
		tok := read(func(b map[string]any) { b["expires_on"] = "2025-06-01T12:30:00Z" })
		use(tok).wantStatus(t, 200)
		clock.Advance(29*time.Minute + 59*time.Second)
		use(tok).wantStatus(t, 200)
		clock.Advance(time.Second) // expires_on itself is already too late
		use(tok).wantError(t, 401, 1000, invalidMsg)
		m.tkVerify(base, tok.Value).wantError(t, 401, 1000, invalidMsg)
		if got := status(tok); got != "expired" {
			t.Errorf("status %q, want expired", got)
		}
		r := m.send(http.MethodGet, apiPrefix+base+"/tokens?include_expired=true", "", m.auth())
		if !strings.Contains(r.raw, `"id":"`+tok.ID+`","name":"validity","status":"expired"`) {
			t.Errorf("the list with include_expired does not show the token expired: %s", r.raw)
		}
		// Without include_expired an expired token is not listed (FACTS.md, "Tokens: list").
		for _, query := range []string{"", "?include_expired=false"} {
			if r := m.send(http.MethodGet, apiPrefix+base+"/tokens"+query, "", m.auth()); strings.Contains(r.raw, tok.ID) {
				t.Errorf("the list%s shows the expired token: %s", query, r.raw)
			}
		}
		for _, query := range []string{"maybe", "1", "TRUE"} {
			m.send(http.MethodGet, apiPrefix+base+"/tokens?include_expired="+query, "", m.auth()).
				wantError(t, 400, 1001, "include_expired must be true or false")
		}
	})

	t.Run("not yet valid", func(t *testing.T) {
		nb := clock.Now().Add(time.Hour).Format(time.RFC3339)
		tok := read(func(b map[string]any) { b["not_before"] = nb })
		use(tok).wantError(t, 401, 1000, invalidMsg)
		if got := status(tok); got != "active" {
			t.Errorf("status %q before not_before, want active", got)
		}
		clock.Advance(time.Hour)
		use(tok).wantStatus(t, 200)
	})

	t.Run("disabled and enabled again", func(t *testing.T) {
		tok := read(nil)
		body := tkBody("validity", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead))
		body["status"] = "disabled"
		m.send(http.MethodPut, apiPrefix+base+"/tokens/"+tok.ID, tkJSON(body), m.auth()).wantStatus(t, 200)
		use(tok).wantError(t, 401, 1000, invalidMsg)
		m.tkVerify(base, tok.Value).wantError(t, 401, 1000, invalidMsg)
		if got := status(tok); got != "disabled" {
			t.Errorf("status %q, want disabled", got)
		}
		delete(body, "status") // absent: unchanged
		m.send(http.MethodPut, apiPrefix+base+"/tokens/"+tok.ID, tkJSON(body), m.auth()).wantStatus(t, 200)
		use(tok).wantError(t, 401, 1000, invalidMsg)
		body["status"] = "active"
		m.send(http.MethodPut, apiPrefix+base+"/tokens/"+tok.ID, tkJSON(body), m.auth()).wantStatus(t, 200)
		use(tok).wantStatus(t, 200)
	})

	t.Run("expire control route", func(t *testing.T) {
		tok := read(nil)
		use(tok).wantStatus(t, 200)
		r := m.send(http.MethodPost, "/__mock/tokens/"+tok.ID+"/expire", "", nil)
		want := `{"expires_on":"` + clock.Now().UTC().Format(time.RFC3339) + `","id":"` + tok.ID + `"}`
		if r.status != 200 || strings.TrimSpace(r.raw) != want {
			t.Errorf("expire answered %d %s, want %s", r.status, r.raw, want)
		}
		use(tok).wantError(t, 401, 1000, invalidMsg)
		_, v := m.tkGet(t, base, tok.ID)
		if v.Status != "expired" || v.ExpiresOn != clock.Now().UTC().Format(time.RFC3339) {
			t.Errorf("after expire: %+v", v)
		}
		r = m.send(http.MethodPost, "/__mock/tokens/"+strings.Repeat("0", 32)+"/expire", "", nil)
		if r.status != 404 || strings.TrimSpace(r.raw) != `{"error":"token_not_found"}` {
			t.Errorf("expire of an unknown token answered %d %s", r.status, r.raw)
		}
		if r := m.send(http.MethodGet, "/__mock/tokens/"+tok.ID+"/expire", "", nil); r.status != http.StatusMethodNotAllowed {
			t.Errorf("GET expire answered %d", r.status)
		}
	})

	t.Run("client IP", func(t *testing.T) {
		const location = "Cannot use the access token from location: 127.0.0.1"
		tests := []struct {
			name    string
			rule    map[string]any
			allowed bool
		}{
			{"not_in loopback", map[string]any{"not_in": []string{"127.0.0.0/8"}}, false},
			{"in elsewhere", map[string]any{"in": []string{"10.0.0.0/8", "2001:db8::/32"}}, false},
			{"in loopback", map[string]any{"in": []string{"127.0.0.1/32"}}, true},
			{"in with host bits", map[string]any{"in": []string{"127.1.2.3/8"}}, true},
			{"in IPv6 loopback only", map[string]any{"in": []string{"::1/128"}}, false},
			{"in but excepted", map[string]any{"in": []string{"10.0.0.0/8", "127.0.0.0/8"}, "not_in": []string{"127.0.0.1/32"}}, false},
			{"not_in elsewhere", map[string]any{"not_in": []string{"192.0.2.0/24"}}, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tok := read(func(b map[string]any) { b["condition"] = map[string]any{"request_ip": tt.rule} })
				if tt.allowed {
					use(tok).wantStatus(t, 200)
					m.tkVerify(base, tok.Value).wantStatus(t, 200)
					return
				}
				use(tok).wantError(t, 403, 9109, location)
				m.tkVerify(base, tok.Value).wantError(t, 403, 9109, location)
				m.send(http.MethodGet, apiPrefix+base+"/tokens", "", tkBearer(tok.Value)).wantError(t, 403, 9109, location)
			})
		}
		// Validity is checked before location.
		tok := read(func(b map[string]any) {
			b["condition"] = map[string]any{"request_ip": map[string]any{"not_in": []string{"127.0.0.0/8"}}}
		})
		m.send(http.MethodPost, "/__mock/tokens/"+tok.ID+"/expire", "", nil)
		use(tok).wantError(t, 401, 1000, invalidMsg)
	})

	t.Run("last_used_on", func(t *testing.T) {
		tok := read(func(b map[string]any) { b["not_before"] = clock.Now().Add(time.Minute).Format(time.RFC3339) })
		lastUsed := func() string {
			_, v := m.tkGet(t, base, tok.ID)
			return v.LastUsedOn
		}
		use(tok).wantError(t, 401, 1000, invalidMsg)
		if got := lastUsed(); got != "" {
			t.Errorf("a refused token has last_used_on %q", got)
		}
		clock.Advance(time.Minute)
		use(tok).wantStatus(t, 200)
		first := clock.Now().UTC().Format(time.RFC3339)
		if got := lastUsed(); got != first {
			t.Errorf("last_used_on %q, want %q", got, first)
		}
		clock.Advance(time.Minute)
		// Authenticated but lacking the permission: still a use.
		m.send(http.MethodPost, stores+"/secrets", `[]`, tkBearer(tok.Value)).wantError(t, 403, 10000, "Authentication error")
		if got, want := lastUsed(), clock.Now().UTC().Format(time.RFC3339); got != want {
			t.Errorf("last_used_on %q, want %q", got, want)
		}
	})
}

// TestTokenValuesNeverLeak: a token value appears in exactly one answer, the create or roll that
// made it, and never in the request log or the state file; neither does the admin token.
func TestTokenValuesNeverLeak(t *testing.T) {
	stateFile := t.TempDir() + "/state.json"
	m := newMockAPI(t, Config{StateFile: stateFile})
	account := m.mock.AccountID()
	base := "/accounts/" + account
	writer := m.tkCreate(t, base, tkBody("writer", tkPolicy("allow", tkAccount(account), pgAPITokensWrite, pgSecretsStoreRead)))
	values := []string{writer.Value}

	// The writer creates, lists, reads, updates, rolls, verifies and deletes tokens.
	r := m.send(http.MethodPost, apiPrefix+base+"/tokens", tkJSON(tkBody("child", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead))), tkBearer(writer.Value))
	var child createdTokenView
	r.decodeResult(t, &child)
	values = append(values, child.Value)
	m.send(http.MethodGet, apiPrefix+base+"/tokens", "", tkBearer(writer.Value)).wantStatus(t, 200)
	m.send(http.MethodGet, apiPrefix+base+"/tokens/"+child.ID, "", tkBearer(writer.Value)).wantStatus(t, 200)
	m.send(http.MethodPut, apiPrefix+base+"/tokens/"+child.ID, tkJSON(tkBody("child2", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead))), tkBearer(writer.Value)).wantStatus(t, 200)
	m.send(http.MethodPut, apiPrefix+base+"/tokens/"+child.ID, `{"name":"`+child.Value+`"`, tkBearer(writer.Value)).wantStatus(t, 400)
	r = m.send(http.MethodPut, apiPrefix+base+"/tokens/"+child.ID+"/value", "{}", tkBearer(writer.Value))
	var rolled string
	r.decodeResult(t, &rolled)
	values = append(values, rolled)
	m.tkVerify(base, child.Value).wantStatus(t, 401)
	m.tkVerify(base, rolled).wantStatus(t, 200)
	m.tkVerify("/user", rolled).wantStatus(t, 401)
	m.send(http.MethodGet, apiPrefix+base+"/secrets_store/stores?x="+"q", "", tkBearer(rolled)).wantStatus(t, 200)
	m.send(http.MethodPost, "/__mock/tokens/"+child.ID+"/expire", "", nil)
	m.tkVerify(base, rolled).wantStatus(t, 401)
	m.send(http.MethodDelete, apiPrefix+base+"/tokens/"+child.ID, "", tkBearer(writer.Value)).wantStatus(t, 200)
	m.send(http.MethodGet, apiPrefix+"/user/tokens/permission_groups", "", m.auth()).wantStatus(t, 200)

	for i, v := range values {
		if n := m.tkBodiesHolding(v); n != 1 {
			t.Errorf("value %d appears in %d answers, want exactly the one that issued it", i, n)
		}
	}
	if n := m.tkBodiesHolding(m.mock.AdminToken()); n != 0 {
		t.Errorf("the admin token appears in %d answers", n)
	}
	log := m.control(http.MethodGet, "/__mock/requests")
	state := tkReadFile(t, stateFile)
	for i, v := range values {
		if strings.Contains(log, v) {
			t.Errorf("value %d is in the request log", i)
		}
		if strings.Contains(state, v) {
			t.Errorf("value %d is in the state file", i)
		}
	}
	if !strings.Contains(state, sha256Hex(writer.Value)) {
		t.Errorf("the state file does not hold the writer's digest")
	}
}

func TestTokenStateFileRoundTrip(t *testing.T) {
	stateFile := t.TempDir() + "/state.json"
	clock := newFakeClock()
	first := newMockAPI(t, Config{StateFile: stateFile, Now: clock.Now})
	account := first.mock.AccountID()
	base := "/accounts/" + account

	acctBody := tkBody("persisted", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead), tkPolicy("deny", tkAccount(account), pgWorkersScriptsRead))
	acctBody["expires_on"] = "2030-01-01T00:00:00Z"
	acctBody["condition"] = map[string]any{"request_ip": map[string]any{"in": []string{"127.0.0.0/8"}}}
	acctToken := first.tkCreate(t, base, acctBody)
	userToken := first.tkCreate(t, "/user", tkBody("user", tkPolicy("allow", tkAccount(account), pgAPITokensWrite)))
	clock.Advance(time.Minute)
	first.tkVerify(base, acctToken.Value).wantStatus(t, 200) // sets last_used_on
	// A write saves the state, last_used_on included.
	r := first.send(http.MethodPut, apiPrefix+"/user/tokens/"+userToken.ID+"/value", "{}", first.auth())
	var userValue string
	r.decodeResult(t, &userValue)
	wantAcct, _ := first.tkGet(t, base, acctToken.ID)
	wantUser, _ := first.tkGet(t, "/user", userToken.ID)

	second := newMockAPI(t, Config{StateFile: stateFile, Now: clock.Now})
	if got, _ := second.tkGet(t, base, acctToken.ID); got != wantAcct {
		t.Errorf("after reload\n got %s\nwant %s", got, wantAcct)
	}
	if got, _ := second.tkGet(t, "/user", userToken.ID); got != wantUser {
		t.Errorf("after reload\n got %s\nwant %s", got, wantUser)
	}
	wantVerify(t, second, base, acctToken)
	second.tkVerify("/user", userToken.Value).wantError(t, 401, 1000, "Invalid API Token")
	wantVerify(t, second, "/user", createdTokenView{tokenView: tokenView{ID: userToken.ID}, Value: userValue})
	// Creation order survives.
	third := second.tkCreate(t, "/user", tkBody("later", tkPolicy("allow", tkAccount(account), pgSecretsStoreRead)))
	var list []tokenView
	second.send(http.MethodGet, apiPrefix+"/user/tokens", "", second.auth()).decodeResult(t, &list)
	if len(list) != 2 || list[0].ID != userToken.ID || list[1].ID != third.ID {
		t.Errorf("user tokens after reload: %+v", list)
	}

	second.control(http.MethodPost, "/__mock/reset")
	fourth := newMockAPI(t, Config{StateFile: stateFile})
	fourth.tkVerify(base, acctToken.Value).wantError(t, 401, 1000, "Invalid API Token")
}

// TestTokenConcurrency runs under -race: tokens are created, used, rolled and expired at once.
func TestTokenConcurrency(t *testing.T) {
	m := newMockAPI(t, Config{})
	account := m.mock.AccountID()
	base := "/accounts/" + account
	writer := m.tkCreate(t, base, tkBody("writer", tkPolicy("allow", tkAccount(account), pgAPITokensWrite)))
	const workers = 24
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			body := tkJSON(tkBody(fmt.Sprintf("worker %d", i), tkPolicy("allow", tkAccount(account), pgSecretsStoreRead)))
			r := m.send(http.MethodPost, apiPrefix+base+"/tokens", body, tkBearer(writer.Value))
			var tok createdTokenView
			if err := json.Unmarshal(r.env.Result, &tok); err != nil || r.status != 200 {
				t.Errorf("create: %d %s", r.status, r.raw)
				return
			}
			if got := m.tkVerify(base, tok.Value).status; got != 200 {
				t.Errorf("verify: %d", got)
			}
			m.send(http.MethodGet, apiPrefix+base+"/tokens?per_page=100", "", tkBearer(writer.Value))
			r = m.send(http.MethodPut, apiPrefix+base+"/tokens/"+tok.ID+"/value", "{}", tkBearer(writer.Value))
			var value string
			if err := json.Unmarshal(r.env.Result, &value); err != nil {
				t.Errorf("roll: %s", r.raw)
				return
			}
			if got := m.tkVerify(base, tok.Value).status; got != 401 {
				t.Errorf("old value after roll: %d", got)
			}
			if got := m.send(http.MethodGet, apiPrefix+base+"/secrets_store/stores", "", tkBearer(value)).status; got != 200 {
				t.Errorf("new value: %d", got)
			}
			if i%3 == 0 {
				m.send(http.MethodPost, "/__mock/tokens/"+tok.ID+"/expire", "", nil)
				if got := m.tkVerify(base, value).status; got != 401 {
					t.Errorf("expired value: %d", got)
				}
			}
		})
	}
	wg.Wait()
	r := m.send(http.MethodGet, apiPrefix+base+"/tokens?include_expired=true", "", m.auth())
	if r.env.ResultInfo.TotalCount != workers+1 {
		t.Errorf("%d tokens, want %d", r.env.ResultInfo.TotalCount, workers+1)
	}
}

// TestTokenSDKCompatibility drives cloudflare-go v4.6.0's token services against the mock: its
// request shapes and its decoding of our answers (value only on create and roll, the roll's bare
// string, verify, permission groups as a single page).
func TestTokenSDKCompatibility(t *testing.T) {
	m := newMockAPI(t, Config{})
	account := m.mock.AccountID()
	ctx := context.Background()
	clientFor := func(token string) *cloudflare.Client {
		return cloudflare.NewClient(
			option.WithBaseURL(m.http.URL+"/client/v4/"),
			option.WithAPIToken(token),
			option.WithMaxRetries(0),
		)
	}
	admin := clientFor(m.mock.AdminToken())

	groups, err := admin.Accounts.Tokens.PermissionGroups.List(ctx, accounts.TokenPermissionGroupListParams{
		AccountID: cloudflare.F(account),
		Name:      cloudflare.F("Account Secrets Store Read"),
		Scope:     cloudflare.F(scopeAccount),
	})
	if err != nil || len(groups.Result) != 1 || groups.Result[0].ID != pgSecretsStoreRead {
		t.Fatalf("PermissionGroups.List: %v %+v", err, groups)
	}
	all := admin.User.Tokens.PermissionGroups.ListAutoPaging(ctx, user.TokenPermissionGroupListParams{})
	n := 0
	for all.Next() {
		n++
	}
	if all.Err() != nil || n != len(permissionGroups) {
		t.Errorf("user permission groups: %d, %v", n, all.Err())
	}

	expires := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	policies := []shared.TokenPolicyParam{{
		Effect:           cloudflare.F(shared.TokenPolicyEffectAllow),
		PermissionGroups: cloudflare.F([]shared.TokenPolicyPermissionGroupParam{{ID: cloudflare.F(pgSecretsStoreRead)}, {ID: cloudflare.F(pgWorkersScriptsWrite)}}),
		Resources: cloudflare.F(map[string]shared.TokenPolicyResourcesUnionParam{
			"com.cloudflare.api.account." + account: shared.UnionString("*"),
		}),
	}}
	created, err := admin.Accounts.Tokens.New(ctx, accounts.TokenNewParams{
		AccountID: cloudflare.F(account),
		Name:      cloudflare.F("sdk token"),
		Policies:  cloudflare.F(policies),
		ExpiresOn: cloudflare.F(expires),
		Condition: cloudflare.F(accounts.TokenNewParamsCondition{RequestIP: cloudflare.F(accounts.TokenNewParamsConditionRequestIP{
			In: cloudflare.F([]shared.TokenConditionCIDRListParam{"127.0.0.0/8"}),
		})}),
	})
	if err != nil {
		t.Fatalf("Tokens.New: %v", err)
	}
	if !tokenValuePattern.MatchString(created.Value) || created.Status != accounts.TokenNewResponseStatusActive ||
		!created.ExpiresOn.Equal(expires) || len(created.Policies) != 1 ||
		created.Policies[0].PermissionGroups[1].Name != "Workers Scripts Write" ||
		!slices.Equal(created.Condition.RequestIP.In, []string{"127.0.0.0/8"}) {
		t.Fatalf("Tokens.New decoded %+v", created)
	}

	tokenClient := clientFor(created.Value)
	verified, err := tokenClient.Accounts.Tokens.Verify(ctx, accounts.TokenVerifyParams{AccountID: cloudflare.F(account)})
	if err != nil || verified.ID != created.ID || verified.Status != accounts.TokenVerifyResponseStatusActive || !verified.ExpiresOn.Equal(expires) {
		t.Fatalf("Tokens.Verify: %v %+v", err, verified)
	}
	stores, err := tokenClient.SecretsStore.Stores.List(ctx, secrets_store.StoreListParams{AccountID: cloudflare.F(account)})
	if err != nil || len(stores.Result) != 0 {
		t.Errorf("a Secrets Store Read token lists stores: %v", err)
	}
	_, err = tokenClient.Accounts.Tokens.New(ctx, accounts.TokenNewParams{AccountID: cloudflare.F(account), Name: cloudflare.F("x"), Policies: cloudflare.F(policies)})
	var apiErr *cloudflare.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden || !strings.Contains(apiErr.Error(), "9109") {
		t.Errorf("create without API Tokens Write: %v", err)
	}

	got, err := admin.Accounts.Tokens.Get(ctx, created.ID, accounts.TokenGetParams{AccountID: cloudflare.F(account)})
	if err != nil || got.Name != "sdk token" || got.Policies[0].ID != created.Policies[0].ID || !got.LastUsedOn.After(time.Time{}) ||
		got.Policies[0].Resources["com.cloudflare.api.account."+account] != shared.UnionString("*") {
		t.Fatalf("Tokens.Get: %v %+v", err, got)
	}
	if strings.Contains(got.JSON.RawJSON(), created.Value) {
		t.Errorf("Tokens.Get returned the value")
	}

	rolled, err := admin.Accounts.Tokens.Value.Update(ctx, created.ID, accounts.TokenValueUpdateParams{
		AccountID: cloudflare.F(account),
		Body:      map[string]any{},
	})
	if err != nil || !tokenValuePattern.MatchString(*rolled) || *rolled == created.Value {
		t.Fatalf("Tokens.Value.Update: %v", err)
	}
	if _, err := tokenClient.Accounts.Tokens.Verify(ctx, accounts.TokenVerifyParams{AccountID: cloudflare.F(account)}); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old value still verifies: %v", err)
	}
	if _, err := clientFor(*rolled).Accounts.Tokens.Verify(ctx, accounts.TokenVerifyParams{AccountID: cloudflare.F(account)}); err != nil {
		t.Errorf("the new value does not verify: %v", err)
	}

	updated, err := admin.Accounts.Tokens.Update(ctx, created.ID, accounts.TokenUpdateParams{
		AccountID: cloudflare.F(account),
		Token: shared.TokenParam{
			Name:     cloudflare.F("sdk token v2"),
			Policies: cloudflare.F(policies),
			Status:   cloudflare.F(shared.TokenStatusDisabled),
		},
	})
	if err != nil || updated.Name != "sdk token v2" || updated.Status != shared.TokenStatusDisabled || !updated.ExpiresOn.IsZero() {
		t.Fatalf("Tokens.Update: %v %+v", err, updated)
	}

	page := admin.Accounts.Tokens.ListAutoPaging(ctx, accounts.TokenListParams{AccountID: cloudflare.F(account)})
	var names []string
	for page.Next() {
		names = append(names, page.Current().Name)
	}
	if page.Err() != nil || !slices.Equal(names, []string{"sdk token v2"}) {
		t.Errorf("Tokens.ListAutoPaging: %v %v", names, page.Err())
	}

	deleted, err := admin.Accounts.Tokens.Delete(ctx, created.ID, accounts.TokenDeleteParams{AccountID: cloudflare.F(account)})
	if err != nil || deleted.ID != created.ID {
		t.Fatalf("Tokens.Delete: %v %+v", err, deleted)
	}

	userCreated, err := admin.User.Tokens.New(ctx, user.TokenNewParams{Name: cloudflare.F("user sdk"), Policies: cloudflare.F(policies)})
	if err != nil || !tokenValuePattern.MatchString(userCreated.Value) {
		t.Fatalf("User.Tokens.New: %v", err)
	}
	userVerified, err := clientFor(userCreated.Value).User.Tokens.Verify(ctx)
	if err != nil || userVerified.ID != userCreated.ID {
		t.Errorf("User.Tokens.Verify: %v %+v", err, userVerified)
	}
}

// TestTokenWorkersDeploy runs the deploy of FACTS.md, Workers: the binding check, end to end with
// real tokens: the Workers binding check sees the token's grant on the account.
func TestTokenWorkersDeploy(t *testing.T) {
	m := newMockAPI(t, Config{})
	account := m.mock.AccountID()
	base := "/accounts/" + account
	storeID := m.createStore()
	m.createSecret(storeID, "stripe_key", secretValue("stripe"), "workers")
	deploy := m.tkCreate(t, base, tkBody("deploy", tkPolicy("allow", tkAccount(account), pgWorkersScriptsWrite, pgSecretsStoreRead))).Value
	scriptsOnly := m.tkCreate(t, base, tkBody("scripts", tkPolicy("allow", tkAccount(account), pgWorkersScriptsWrite))).Value
	readOnly := m.tkCreate(t, base, tkBody("read", tkPolicy("allow", tkAccount(account), pgWorkersScriptsRead, pgSecretsStoreRead))).Value

	meta := fmt.Sprintf(`{"main_module":"index.js","compatibility_date":"2025-01-01","bindings":[`+
		`{"type":"secrets_store_secret","name":"API_KEY","store_id":"%s","secret_name":"stripe_key"}]}`, storeID)
	upload := func(token string) response {
		return m.sendMultipart(http.MethodPut, workerURL("/scripts/deploy-story"), tkBearer(token),
			metadataPart(t, meta), modulePart("index.js", workerCode))
	}
	upload(scriptsOnly).wantError(t, 400, 10021,
		"failed to fetch secrets store binding due to authorization error - check deploy permissions and secret scopes")
	upload(readOnly).wantError(t, 403, 10000, "Authentication error")
	upload(deploy).wantStatus(t, 200)
	m.send(http.MethodGet, apiPrefix+base+"/workers/scripts", "", tkBearer(readOnly)).wantStatus(t, 200)
	m.send(http.MethodGet, apiPrefix+base+"/workers/scripts", "", tkBearer(m.tkCreate(t, base,
		tkBody("secrets", tkPolicy("allow", tkAccount(account), pgSecretsStoreWrite))).Value)).wantError(t, 403, 10000, "Authentication error")
}
