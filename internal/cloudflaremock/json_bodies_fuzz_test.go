package cloudflaremock

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzSecretNameOK is the name rule of FACTS.md, Secrets: quota and limits, written out: 1 to 255
// letters, digits, _ or -.
func fuzzSecretNameOK(name string) bool {
	if name == "" || len(name) > maxSecretNameLength {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		allowed := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
		if !allowed {
			return false
		}
	}
	return true
}

// fuzzScopesFrom splits a comma-separated fuzzed list; "" is no scopes at all.
func fuzzScopesFrom(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func fuzzScopesOK(scopes []string) bool {
	if len(scopes) == 0 {
		return false
	}
	for _, s := range scopes {
		if !slices.Contains([]string{"access", "ai_gateway", "containers", "dex", "websearch", "workers"}, fuzzViaJSON(s)) {
			return false
		}
	}
	return true
}

func fuzzSortedUnique(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, fuzzViaJSON(v))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// FuzzSecretCreateBody fuzzes the bulk create (POST .../stores/{id}/secrets): the raw body as
// sent, and a well-formed array of 1 to 3 secrets built from fuzzed fields. The well-formed
// request succeeds exactly when every name, value and scope list is valid and no name repeats
// (400 code 1001 / 409 otherwise); a created secret stores exactly the value sent; no answer
// carries the value.
func FuzzSecretCreateBody(f *testing.F) {
	f.Add([]byte(`[{"name":"stripe_key","value":"sk_live","scopes":["workers"]}]`), "stripe_key", "sk_live", "", "workers", uint8(0))
	f.Add([]byte(`{"name":"x"}`), "bad name", "v", "comment", "workers,ai_gateway", uint8(1))
	f.Add([]byte(`[]`), "a", "", "", "workers", uint8(2))
	f.Add([]byte(`[{"name":1}]`), "dup", "v", "", "workers", uint8(5))
	f.Add([]byte(`[{"name":"a","value":"b","scopes":"workers"}]`), "a", "v", "", "Workers", uint8(0))
	f.Add([]byte(`[{"name":"a","value":"b","scopes":["workers"]}] trailing`), strings.Repeat("n", 254), "\xff", "\x00", "workers,workers", uint8(2))
	f.Add([]byte(`[null]`), "n", strings.Repeat("v", maxSecretValueBytes), "", ",", uint8(0))
	f.Add([]byte("\xef\xbb\xbf[]"), "n", "", "", "", uint8(0))
	f.Fuzz(func(t *testing.T, raw []byte, name, value, comment, scopes string, shape uint8) {
		m := newFuzzMock(t, fuzzWithSecret)
		m.do(http.MethodPost, m.accountPath(m.secretsPath()), "", fuzzAdminHeader("application/json"), raw)
		m = newFuzzMock(t, fuzzWithSecret) // what the raw body created must not decide the next answer

		type item struct {
			Name    string   `json:"name"`
			Value   string   `json:"value"`
			Scopes  []string `json:"scopes"`
			Comment string   `json:"comment,omitempty"`
		}
		count := 1 + int(shape%3)
		items := make([]item, count)
		shapeOK := true
		for i := range items {
			n := name
			if i > 0 && shape&4 == 0 { // distinct names unless asked for a repeat
				n = name + "_" + string(rune('0'+i))
			}
			items[i] = item{Name: n, Value: fuzzValueMarker + value, Scopes: fuzzScopesFrom(scopes), Comment: comment}
			sent := fuzzViaJSON(items[i].Value)
			shapeOK = shapeOK && fuzzSecretNameOK(fuzzViaJSON(n)) && len(sent) <= maxSecretValueBytes && fuzzScopesOK(items[i].Scopes)
		}
		names := map[string]bool{fuzzSecretName: true}
		repeated := false
		for _, it := range items {
			repeated = repeated || names[fuzzViaJSON(it.Name)]
			names[fuzzViaJSON(it.Name)] = true
		}
		a := m.apiJSON(http.MethodPost, m.secretsPath(), string(fuzzJSON(t, items)))
		fuzzNoLeak(t, "create", a.body, name, comment, scopes)
		switch {
		case !shapeOK:
			if a.status != http.StatusBadRequest {
				t.Fatalf("invalid secrets %q: got %d, want 400: %s", fuzzJSON(t, items), a.status, a.body)
			}
		case repeated:
			if a.status != http.StatusConflict {
				t.Fatalf("repeated names %q: got %d, want 409: %s", fuzzJSON(t, items), a.status, a.body)
			}
		default:
			if a.status != http.StatusOK {
				t.Fatalf("valid secrets %q: got %d, want 200: %s", fuzzJSON(t, items), a.status, a.body)
			}
			var created []secretView
			if err := json.Unmarshal(a.result, &created); err != nil || len(created) != count {
				t.Fatalf("created %s, want %d secrets", a.result, count)
			}
			for i, sec := range created {
				if sec.Name != fuzzViaJSON(items[i].Name) || sec.Comment != fuzzViaJSON(comment) || sec.Status != statusActive ||
					!slices.Equal(sec.Scopes, fuzzSortedUnique(items[i].Scopes)) || !hexID.MatchString(sec.ID) {
					t.Fatalf("created %+v from %+v", sec, items[i])
				}
				if got, want := m.storedSHA256(sec.ID), sha256Hex(fuzzViaJSON(items[i].Value)); got != want {
					t.Fatalf("secret %s stores another value than the one sent", sec.ID)
				}
				one := m.do(http.MethodGet, m.accountPath(m.secretsPath()+"/"+sec.ID), "", fuzzAdminHeader(""), nil)
				fuzzNoLeak(t, "get", one.body, name, comment)
			}
			list := m.do(http.MethodGet, m.accountPath(m.secretsPath()), "per_page=100", fuzzAdminHeader(""), nil)
			fuzzNoLeak(t, "list", list.body, name, comment)
		}
		m.fuzzCheckLog(name, comment)
	})
}

// FuzzSecretPatchBody fuzzes PATCH .../secrets/{id}: the raw body, and a JSON object whose
// fields (name, value, comment, scopes) are each absent, null or fuzzed (present picks). A
// rename, an empty or oversized value or bad scopes is a 400; anything else is a 200 that stores
// exactly the value sent (or keeps the old one). No answer carries a value.
func FuzzSecretPatchBody(f *testing.F) {
	f.Add([]byte(`{"value":"new"}`), fuzzSecretName, "rotated", "c", "workers", uint8(2))
	f.Add([]byte(`{}`), "renamed", "", "", "", uint8(1))
	f.Add([]byte(`[]`), fuzzSecretName, "", "comment", "dex,workers", uint8(15))
	f.Add([]byte(`{"scopes":null,"name":null}`), "", "v", "", "nope", uint8(8))
	f.Add([]byte(`{"value":12}`), "", "", "", "", uint8(255))
	f.Add([]byte(`{"value":"a","value":"b"}`), "", "", "", "", uint8(0))
	f.Add([]byte(`null`), "", "", "", "", uint8(0))
	f.Fuzz(func(t *testing.T, raw []byte, name, value, comment, scopes string, present uint8) {
		m := newFuzzMock(t, fuzzWithSecret)
		path := m.secretsPath() + "/" + m.secretID
		m.do(http.MethodPatch, m.accountPath(path), "", fuzzAdminHeader("application/json"), raw)
		m.fuzzCheckLog(name, comment)
		// The raw body may have changed the secret; start again from a fresh one.
		m = newFuzzMock(t, fuzzWithSecret)
		path = m.secretsPath() + "/" + m.secretID

		body := map[string]any{}
		field := func(bit uint8, key string, v any) bool { // reports whether a non-null value is sent
			switch {
			case present&(1<<bit) == 0:
				return false
			case present&(1<<(bit+4)) != 0:
				body[key] = nil
				return false
			default:
				body[key] = v
				return true
			}
		}
		hasName := field(0, "name", name)
		hasValue := field(1, "value", fuzzValueMarker+value)
		hasComment := field(2, "comment", comment)
		hasScopes := field(3, "scopes", fuzzScopesFrom(scopes))
		sentValue := fuzzViaJSON(fuzzValueMarker + value)
		wantOK := (!hasName || fuzzViaJSON(name) == fuzzSecretName) &&
			(!hasValue || len(sentValue) <= maxSecretValueBytes) &&
			(!hasScopes || fuzzScopesOK(fuzzScopesFrom(scopes)))

		a := m.apiJSON(http.MethodPatch, path, string(fuzzJSON(t, body)))
		fuzzNoLeak(t, "patch", a.body, name, comment, scopes)
		if (a.status == http.StatusOK) != wantOK || (!wantOK && a.status != http.StatusBadRequest) {
			t.Fatalf("PATCH %s: got %d, want ok=%v: %s", fuzzJSON(t, body), a.status, wantOK, a.body)
		}
		want := fuzzSetupValue
		if wantOK && hasValue {
			want = sentValue
		}
		if m.storedSHA256(m.secretID) != sha256Hex(want) {
			t.Fatalf("PATCH %s (status %d) left another value than expected", fuzzJSON(t, body), a.status)
		}
		if wantOK {
			var sec secretView
			if err := json.Unmarshal(a.result, &sec); err != nil {
				t.Fatalf("PATCH answer: %s", a.body)
			}
			wantScopes, wantComment := []string{"ai_gateway", "workers"}, "set up"
			if hasScopes {
				wantScopes = fuzzSortedUnique(fuzzScopesFrom(scopes))
			}
			if hasComment {
				wantComment = fuzzViaJSON(comment)
			}
			if sec.Name != fuzzSecretName || !slices.Equal(sec.Scopes, wantScopes) || sec.Comment != wantComment {
				t.Fatalf("PATCH %s gave %+v", fuzzJSON(t, body), sec)
			}
		}
		m.fuzzCheckLog(name, comment)
	})
}

// FuzzStoreCreateBody fuzzes POST .../secrets_store/stores: the raw body, and both well-formed
// shapes (Wrangler's object, cloudflare-go's array of 0 to 2). A store needs a name of 1 to 255
// bytes and there is one per account; the answer has the shape of the request.
func FuzzStoreCreateBody(f *testing.F) {
	f.Add([]byte(`{"name":"default_secrets_store"}`), "default_secrets_store", uint8(0))
	f.Add([]byte(`[{"name":"a"}]`), "a", uint8(3))
	f.Add([]byte(`[]`), "", uint8(1))
	f.Add([]byte(`[{"name":"a"},{"name":"b"}]`), "two", uint8(5))
	f.Add([]byte(` [{"name":1}]`), strings.Repeat("s", 256), uint8(0))
	f.Add([]byte(`{"name":"\ud800"}`), "\xff\xfe", uint8(3))
	f.Add([]byte(`"name"`), "ü", uint8(0))
	f.Fuzz(func(t *testing.T, raw []byte, name string, shape uint8) {
		m := newFuzzMock(t, fuzzEmpty)
		m.do(http.MethodPost, m.accountPath("/secrets_store/stores"), "", fuzzAdminHeader("application/json"), raw)

		m = newFuzzMock(t, fuzzEmpty)
		arrayForm := shape&1 != 0
		count := 1
		var body []byte
		if arrayForm {
			count = int(shape>>1) % 3
			items := make([]map[string]string, count)
			for i := range items {
				items[i] = map[string]string{"name": name}
			}
			body = fuzzJSON(t, items)
		} else {
			body = fuzzJSON(t, map[string]string{"name": name})
		}
		sent := fuzzViaJSON(name)
		wantOK := count == 1 && sent != "" && len(sent) <= maxStoreNameLength
		a := m.apiJSON(http.MethodPost, "/secrets_store/stores", string(body))
		if (a.status == http.StatusOK) != wantOK || (!wantOK && a.status != http.StatusBadRequest) {
			t.Fatalf("POST %s: got %d, want ok=%v: %s", body, a.status, wantOK, a.body)
		}
		if !wantOK {
			return
		}
		var got storeView
		if arrayForm {
			var views []storeView
			if err := json.Unmarshal(a.result, &views); err != nil || len(views) != 1 {
				t.Fatalf("an array request got %s", a.result)
			}
			got = views[0]
		} else if err := json.Unmarshal(a.result, &got); err != nil {
			t.Fatalf("an object request got %s", a.result)
		}
		if got.Name != sent || !hexID.MatchString(got.ID) || got.AccountID != m.s.AccountID() {
			t.Fatalf("created %+v from name %q", got, sent)
		}
		if again := m.apiJSON(http.MethodPost, "/secrets_store/stores", string(body)); again.status != http.StatusBadRequest {
			t.Fatalf("a second store: got %d, want 400 (one store per account): %s", again.status, again.body)
		}
	})
}

var fuzzTokenValuePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{40}$`)

// FuzzTokenCreateBody fuzzes POST .../tokens (account-owned or, with shape bit 0, /user/tokens):
// the raw body, and a well-formed token request built from fuzzed fields. The mock may only
// accept what is valid (non-blank name, allow/deny, a known permission group, a known resource
// key, CIDRs, RFC 3339 times, active/disabled); a created token answers its value once, 40
// characters, and never again on get or list; every time it answers is RFC 3339 a client can
// parse back.
func FuzzTokenCreateBody(f *testing.F) {
	account := "com.cloudflare.api.account." + DefaultAccountID
	f.Add([]byte(`{"name":"ci","policies":[]}`), "CI deploy", "allow", "e086da7e2179491d91ee5f35b3ca210a", account, `"*"`, "198.51.100.0/24", "", "2030-01-01T00:00:00Z", "", uint8(0))
	f.Add([]byte(`[]`), " ", "deny", "5e33b7d77788455c9fdf18cbd38ee5a0", "com.cloudflare.api.account.*", `"*"`, "", "", "", "disabled", uint8(1))
	f.Add([]byte(`{"name":"x","policies":[{"id":"p"}]}`), "x", "allow", "nope", account, `{"com.cloudflare.api.account.zone.*":"*"}`, "::/0", "2030-01-01T00:00:00Z", "2029-01-01T00:00:00Z", "expired", uint8(0))
	f.Add([]byte(`{"name":null}`), "x", "allow", "e086da7e2179491d91ee5f35b3ca210a", account, `{}`, "1.2.3.4", "", "9999-12-31T23:59:59-23:59", "", uint8(0))
	f.Add([]byte(`{}`), "x", "allow", "e086da7e2179491d91ee5f35b3ca210a", account, `"*"`, "", "0000-01-01T00:00:00+01:00", "", "", uint8(0))
	f.Add([]byte("{\"name\":\"\xff\"}"), strings.Repeat("é", 121), "Allow", "", "com.cloudflare.api.user", `1`, "", "", "", "", uint8(1))
	f.Fuzz(func(t *testing.T, raw []byte, name, effect, groupID, resourceKey, resourceValue, cidr, notBefore, expiresOn, status string, shape uint8) {
		m := newFuzzMock(t, fuzzEmpty)
		base := m.accountPath("/tokens")
		if shape&1 != 0 {
			base = apiPrefix + "/user/tokens"
		}
		m.do(http.MethodPost, base, "", fuzzAdminHeader("application/json"), raw)

		var value any = resourceValue
		if json.Valid([]byte(resourceValue)) {
			value = json.RawMessage(resourceValue)
		}
		body := map[string]any{
			"name": name,
			"policies": []map[string]any{{
				"effect":            effect,
				"permission_groups": []map[string]string{{"id": groupID}},
				"resources":         map[string]any{resourceKey: value},
			}},
		}
		optional := map[string]string{"not_before": notBefore, "expires_on": expiresOn, "status": status}
		for key, v := range optional {
			if v != "" {
				body[key] = v
			}
		}
		if cidr != "" {
			body["condition"] = map[string]any{"request_ip": map[string][]string{"in": {cidr}}}
		}
		a := m.do(http.MethodPost, base, "", fuzzAdminHeader("application/json"), fuzzJSON(t, body))
		if a.status != http.StatusOK {
			return
		}
		// Accepted: it must have been valid.
		sentName := fuzzViaJSON(name)
		_, cidrErr := netip.ParsePrefix(fuzzViaJSON(cidr))
		_, nbfErr := time.Parse(time.RFC3339, fuzzViaJSON(cmp.Or(notBefore, "2000-01-01T00:00:00Z")))
		_, expErr := time.Parse(time.RFC3339, fuzzViaJSON(cmp.Or(expiresOn, "2000-01-01T00:00:00Z")))
		if strings.TrimSpace(sentName) == "" || utf8.RuneCountInString(sentName) > maxTokenNameLength ||
			(effect != "allow" && effect != "deny") || permissionGroupByID[groupID] == nil ||
			!accountResourceKey.MatchString(resourceKey) && !zoneResourceKey.MatchString(resourceKey) ||
			cidr != "" && cidrErr != nil || nbfErr != nil || expErr != nil ||
			status != "" && status != tokenActive && status != tokenDisabled {
			t.Fatalf("the mock accepted an invalid token request %s: %s", fuzzJSON(t, body), a.body)
		}
		var created struct {
			ID         string `json:"id"`
			Value      string `json:"value"`
			IssuedOn   string `json:"issued_on"`
			ModifiedOn string `json:"modified_on"`
			NotBefore  string `json:"not_before"`
			ExpiresOn  string `json:"expires_on"`
			Status     string `json:"status"`
		}
		if err := json.Unmarshal(a.result, &created); err != nil || !hexID.MatchString(created.ID) || !fuzzTokenValuePattern.MatchString(created.Value) {
			t.Fatalf("created token: %s", a.body)
		}
		for field, v := range map[string]string{"issued_on": created.IssuedOn, "modified_on": created.ModifiedOn,
			"not_before": created.NotBefore, "expires_on": created.ExpiresOn} {
			if _, err := time.Parse(time.RFC3339, v); err != nil && (v != "" || field == "issued_on" || field == "modified_on") {
				t.Fatalf("the token's %s %q does not parse as RFC 3339 (request %s)", field, v, fuzzJSON(t, body))
			}
		}
		for _, q := range []string{"/" + created.ID, ""} {
			again := m.do(http.MethodGet, base+q, "", fuzzAdminHeader(""), nil)
			if again.status != http.StatusOK || strings.Contains(again.body, created.Value) {
				t.Fatalf("GET %s: %d, and the token value must not come back: %s", base+q, again.status, again.body)
			}
		}
	})
}
