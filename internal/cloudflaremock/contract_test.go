package cloudflaremock

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloudflare/cloudflare-go/v7/accounts"
	"github.com/cloudflare/cloudflare-go/v7/packages/pagination"
	"github.com/cloudflare/cloudflare-go/v7/secrets_store"
	"github.com/cloudflare/cloudflare-go/v7/shared"
	"github.com/cloudflare/cloudflare-go/v7/user"
	"github.com/cloudflare/cloudflare-go/v7/workers"
)

// contractRow is one route and one kind of answer. Rows run in order against one mock, each
// building on what the earlier ones made; path and body may hold placeholders ({account},
// {store}, {secret}, ...) filled from what earlier rows captured.
type contractRow struct {
	name   string
	method string
	path   string // under /client/v4
	body   string
	// form sends the body as multipart: "upload" (a metadata part plus one module, as Wrangler
	// uploads) or "settings" (one settings part).
	form string
	// auth: "" is the admin token; "account weak" and "user weak" a token of that owner holding
	// only Workers Scripts Read; "none" sends no Authorization header; "unknown" a token the mock
	// never issued.
	auth   string
	status int
	// shape is a v7 response type (a pointer) the result must fit; list: the result is an array
	// of it; info: the answer carries result_info. With no shape the result must be null, except
	// where unchecked says why the description has no type to check against.
	shape     any
	list      bool
	info      bool
	unchecked string
	// raw checks an answer that is not an envelope instead.
	raw     func(t *testing.T, header http.Header, body string)
	capture func(c *contract, result json.RawMessage)
}

// contract is the state the rows share.
type contract struct {
	t    *testing.T
	m    *mockAPI
	vars map[string]string
	// weak holds, by owner ("account", "user"), the value of a token holding only Workers Scripts
	// Read.
	weak   map[string]string
	checks int
	// called holds "METHOD pattern" of every route a row reached.
	called map[string]bool
}

const contractZeroID = "00000000000000000000000000000000"

// resultInfoShape is Cloudflare's paging record as the Secrets Store description gives it.
var resultInfoShape = &secrets_store.StoreNewResponseEnvelopeResultInfo{}

// TestContract calls every route the mock serves for Secrets Store, Workers scripts and settings,
// and account and user API tokens, and checks each answer (successes and the main errors) against
// the shapes of Cloudflare's published API description, as cloudflare-go v7 carries them
// (contract_shape_test.go). Where the mock departs from the description on purpose, FACTS.md says
// so ("Where the mock and the description differ").
func TestContract(t *testing.T) {
	c := &contract{t: t, m: newMockAPI(t, Config{}), vars: map[string]string{"zero": contractZeroID}, called: map[string]bool{}}
	c.vars["account"] = c.m.mock.AccountID()
	c.weak = map[string]string{}
	for owner, base := range map[string]string{"account": "/accounts/" + c.vars["account"], "user": "/user"} {
		c.weak[owner] = c.m.tkCreate(t, base,
			tkBody("contract-weak", tkPolicy("allow", tkAccount(c.vars["account"]), "1a71c399035b4950a1bd1466bbe4f420"))).Value
	}

	rows := slices.Concat(secretsStoreContract(), workersContract(), tokensContract(), storeDeleteContract())
	for _, row := range rows {
		c.run(row)
	}
	for _, p := range c.m.mock.paths {
		for method, rt := range p.methods {
			if !c.called[method+" "+rt.pattern] {
				t.Errorf("no row calls %s %s: every route the mock serves needs a row", method, rt.pattern)
			}
		}
	}
	t.Logf("%d routes and answers checked, about %d JSON fields", len(rows), c.checks)
}

var placeholder = regexp.MustCompile(`\{[a-z0-9_]+\}`)

func (c *contract) fill(s string) string {
	return placeholder.ReplaceAllStringFunc(s, func(p string) string {
		v, ok := c.vars[strings.Trim(p, "{}")]
		if !ok {
			c.t.Fatalf("no value yet for %s: an earlier row should have captured it", p)
		}
		return v
	})
}

func (c *contract) run(row contractRow) {
	c.t.Helper()
	header := c.m.auth()
	switch row.auth {
	case "account weak", "user weak":
		header = tkBearer(c.weak[strings.TrimSuffix(row.auth, " weak")])
	case "none":
		header = http.Header{}
	case "unknown":
		header = tkBearer("never-issued-token-value")
	}
	body := c.fill(row.body)
	switch row.form {
	case "upload":
		body, header["Content-Type"] = c.multipart(metadataPart(c.t, body), modulePart("index.js", workerCode))
	case "settings":
		body, header["Content-Type"] = c.multipart(settingsPart(body))
	default:
		if body != "" {
			header.Set("Content-Type", "application/json")
		}
	}
	path := c.fill(row.path)
	if rt, _, apiErr := c.m.mock.match(row.method, strings.Split(path, "?")[0]); apiErr == nil {
		c.called[row.method+" "+rt.pattern] = true
	}
	res := c.m.fltDo(row.method, apiPrefix+path, body, header)
	if res.err != nil {
		c.t.Fatalf("%s: %v", row.name, res.err)
	}
	c.checks++
	if res.status != row.status {
		c.t.Errorf("%s: status %d, want %d: %.300s", row.name, res.status, row.status, res.raw)
	}
	if row.raw != nil {
		row.raw(c.t, res.header, res.raw)
		return
	}
	top, problems := envelopeProblems([]byte(res.raw), row.status < 400)
	result := top["result"]
	switch {
	case row.shape != nil && row.list:
		problems = append(problems, shapeListProblems("result", result, row.shape)...)
	case row.shape != nil:
		problems = append(problems, shapeProblems("result", result, row.shape)...)
	case row.unchecked == "" && string(result) != "null":
		problems = append(problems, "result is "+truncate(string(result))+", the description has null")
	}
	if _, has := top["result_info"]; has != row.info {
		problems = append(problems, "result_info present: "+map[bool]string{true: "yes", false: "no"}[has]+", want the opposite")
	} else if has {
		problems = append(problems, shapeProblems("result_info", top["result_info"], resultInfoShape)...)
	}
	c.checks += strings.Count(string(result), ":") + 1
	for _, p := range problems {
		c.t.Errorf("%s: %s", row.name, p)
	}
	if row.capture != nil && len(problems) == 0 && res.status < 400 {
		row.capture(c, result)
	}
}

func (c *contract) multipart(parts ...formPartSpec) (string, []string) {
	body, contentType := multipartBody(c.t, parts...)
	return body, []string{contentType}
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// captureID keeps the result's `id` (or, for an array, the id of element i) under name.
func captureID(name string, i int) func(*contract, json.RawMessage) {
	return func(c *contract, result json.RawMessage) {
		var one struct {
			ID string `json:"id"`
		}
		var many []struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(result, &many) == nil && i < len(many) {
			c.vars[name] = many[i].ID
		} else if json.Unmarshal(result, &one) == nil {
			c.vars[name] = one.ID
		}
	}
}

func secretsStoreContract() []contractRow {
	const stores = "/accounts/{account}/secrets_store/stores"
	const secrets = stores + "/{store}/secrets"
	create := `[{"name":"api_key","value":"` + secretValue("contract") + `","scopes":["workers"],"comment":"c"},` +
		`{"name":"other_key","value":"` + secretValue("contract") + `","scopes":["workers","ai_gateway"]}]`
	return []contractRow{
		{name: "POST stores: created", method: "POST", path: stores, body: `{"name":"default_secrets_store"}`, status: 200,
			shape: &secrets_store.StoreNewResponse{}, capture: captureID("store", 0)},
		{name: "POST stores: second store", method: "POST", path: stores, body: `{"name":"second"}`, status: 400},
		{name: "GET stores", method: "GET", path: stores, status: 200, shape: &secrets_store.StoreListResponse{}, list: true, info: true},
		{name: "GET store", method: "GET", path: stores + "/{store}", status: 200, shape: &secrets_store.StoreGetResponse{}},
		{name: "GET store: unknown", method: "GET", path: stores + "/{zero}", status: 404},
		{name: "POST secrets: created", method: "POST", path: secrets, body: create, status: 200,
			shape: &secrets_store.StoreSecretNewResponse{}, list: true,
			capture: func(c *contract, r json.RawMessage) { captureID("secret", 0)(c, r); captureID("secret2", 1)(c, r) }},
		{name: "POST secrets: name taken", method: "POST", path: secrets, body: create, status: 409},
		{name: "POST secrets: malformed body", method: "POST", path: secrets, body: `[{`, status: 400},
		{name: "GET secrets", method: "GET", path: secrets + "?per_page=10", status: 200,
			shape: &secrets_store.StoreSecretListResponse{}, list: true, info: true},
		{name: "GET secret", method: "GET", path: secrets + "/{secret}", status: 200, shape: &secrets_store.StoreSecretGetResponse{}},
		{name: "GET secret: unknown", method: "GET", path: secrets + "/{zero}", status: 404},
		{name: "PATCH secret", method: "PATCH", path: secrets + "/{secret}", body: `{"comment":"changed"}`, status: 200,
			shape: &secrets_store.StoreSecretEditResponse{}},
		{name: "PATCH secret: rename", method: "PATCH", path: secrets + "/{secret}", body: `{"name":"renamed"}`, status: 400},
		{name: "POST duplicate", method: "POST", path: secrets + "/{secret}/duplicate", body: `{"name":"api_key_copy","scopes":["workers"]}`,
			status: 200, shape: &secrets_store.StoreSecretDuplicateResponse{}, capture: captureID("copy", 0)},
		{name: "POST duplicate: no scopes", method: "POST", path: secrets + "/{secret}/duplicate", body: `{"name":"no_scopes"}`, status: 400},
		{name: "GET quota", method: "GET", path: "/accounts/{account}/secrets_store/quota", status: 200, shape: &secrets_store.QuotaGetResponse{}},
		{name: "DELETE secret", method: "DELETE", path: secrets + "/{copy}", status: 200},
		{name: "DELETE secret: already gone", method: "DELETE", path: secrets + "/{copy}", status: 404},
		{name: "DELETE secrets: the old {ids} body", method: "DELETE", path: secrets, body: `{"ids":["{secret2}"]}`, status: 400},
		{name: "DELETE secrets: an unknown id", method: "DELETE", path: secrets, body: `[{"id":"{secret2}"},{"id":"{zero}"}]`, status: 404},
		{name: "DELETE secrets", method: "DELETE", path: secrets, body: `[{"id":"{secret2}"}]`, status: 200},
		{name: "GET secrets: missing permission", method: "GET", path: secrets, auth: "account weak", status: 403},
		{name: "GET secrets: no Authorization header", method: "GET", path: secrets, auth: "none", status: 400},
		{name: "GET secrets: unknown token", method: "GET", path: secrets, auth: "unknown", status: 401},
		{name: "GET: unknown route", method: "GET", path: "/accounts/{account}/secrets_store/nothing_here", status: 404},
	}
}

func workersContract() []contractRow {
	const scripts = "/accounts/{account}/workers/scripts"
	const one = scripts + "/contract"
	upload := `{"main_module":"index.js","compatibility_date":"2025-06-01","bindings":[` +
		`{"type":"secrets_store_secret","name":"API_KEY","store_id":"{store}","secret_name":"api_key"},` +
		`{"type":"plain_text","name":"MODE","text":"contract"}]}`
	return []contractRow{
		{name: "PUT script: uploaded", method: "PUT", path: one, form: "upload", body: upload, status: 200, shape: &workers.ScriptUpdateResponse{}},
		{name: "PUT script: not multipart", method: "PUT", path: one, body: upload, status: 415},
		{name: "GET scripts", method: "GET", path: scripts, status: 200, shape: &workers.ScriptListResponse{}, list: true},
		{name: "GET script: download", method: "GET", path: one, status: 200, raw: checkScriptDownload},
		{name: "GET script: unknown", method: "GET", path: scripts + "/missing", status: 404},
		{name: "GET settings", method: "GET", path: one + "/settings", status: 200, shape: &workers.ScriptScriptAndVersionSettingGetResponse{}},
		{name: "PATCH settings", method: "PATCH", path: one + "/settings", form: "settings", body: `{"logpush":true}`, status: 200,
			shape: &workers.ScriptScriptAndVersionSettingEditResponse{}},
		{name: "PATCH settings: no settings part", method: "PATCH", path: one + "/settings", form: "upload", body: upload, status: 400},
		{name: "GET script-settings", method: "GET", path: one + "/script-settings", status: 200, shape: &workers.ScriptSetting{}},
		{name: "PATCH script-settings", method: "PATCH", path: one + "/script-settings", body: `{"logpush":false}`, status: 200,
			shape: &workers.ScriptSetting{}},
		{name: "GET account subdomain", method: "GET", path: "/accounts/{account}/workers/subdomain", status: 200, shape: &workers.SubdomainGetResponse{}},
		{name: "GET script subdomain", method: "GET", path: one + "/subdomain", status: 200, shape: &workers.ScriptSubdomainGetResponse{}},
		{name: "POST script subdomain", method: "POST", path: one + "/subdomain", body: `{"enabled":true}`, status: 200,
			shape: &workers.ScriptSubdomainNewResponse{}},
		{name: "GET deployments", method: "GET", path: one + "/deployments", status: 200, shape: &workers.ScriptDeploymentListResponse{}},
		{name: "POST versions", method: "POST", path: one + "/versions", form: "upload", body: upload, status: 200,
			shape: &workers.ScriptVersionNewResponse{}, capture: captureID("version", 0)},
		{name: "GET versions", method: "GET", path: one + "/versions", status: 200,
			shape: &pagination.V4PagePaginationResult[workers.ScriptVersionListResponse]{}, info: true},
		{name: "POST deployments", method: "POST", path: one + "/deployments", status: 200, shape: &workers.Deployment{},
			body: `{"strategy":"percentage","versions":[{"version_id":"{version}","percentage":100}]}`},
		{name: "POST deployments: unknown version", method: "POST", path: one + "/deployments", status: 400,
			body: `{"strategy":"percentage","versions":[{"version_id":"{zero}","percentage":100}]}`},
		{name: "GET script secrets", method: "GET", path: one + "/secrets", status: 200, shape: &workers.ScriptSecretListResponse{}, list: true},
		{name: "GET service", method: "GET", path: "/accounts/{account}/workers/services/contract", status: 200,
			unchecked: "the services route is not in the description cloudflare-go v7 is generated from"},
		{name: "GET service: unknown", method: "GET", path: "/accounts/{account}/workers/services/missing", status: 404},
		{name: "GET deployments by script", method: "GET", path: "/accounts/{account}/workers/deployments/by-script/contract", status: 200,
			unchecked: "the older deployments route is not in the description cloudflare-go v7 is generated from"},
		{name: "GET settings: missing permission", method: "GET", path: one + "/settings", auth: "unknown", status: 401},
		{name: "DELETE script", method: "DELETE", path: one, status: 200},
		{name: "DELETE script: already gone", method: "DELETE", path: one, status: 404},
	}
}

// checkScriptDownload: the description answers a download with the script's modules as a
// multipart form, with no metadata part.
func checkScriptDownload(t *testing.T, header http.Header, body string) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" {
		t.Errorf("GET script: download: Content-Type %q, the description has multipart/form-data", header.Get("Content-Type"))
		return
	}
	reader := multipart.NewReader(strings.NewReader(body), params["boundary"])
	var names []string
	for {
		part, err := reader.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("GET script: download: unreadable multipart: %v", err)
			return
		}
		content, _ := io.ReadAll(part)
		names = append(names, part.FormName())
		if part.FormName() == "index.js" && string(content) != workerCode {
			t.Errorf("GET script: download: index.js holds %q", content)
		}
	}
	if len(names) != 1 || names[0] != "index.js" {
		t.Errorf("GET script: download: parts %v, want the one module index.js and no metadata", names)
	}
}

// storeDeleteContract runs last: it deletes the store the other rows use.
func storeDeleteContract() []contractRow {
	const store = "/accounts/{account}/secrets_store/stores/{store}"
	return []contractRow{
		{name: "DELETE store: still holds secrets", method: "DELETE", path: store, status: 409},
		{name: "DELETE store: force", method: "DELETE", path: store + "?force=true", status: 200},
		{name: "DELETE store: already gone", method: "DELETE", path: store, status: 404},
	}
}

func tokensContract() []contractRow {
	var rows []contractRow
	for _, owner := range []struct {
		base, prefix string
		created      any
		deleted      any
		verified     any
		groups       any
	}{
		{"/accounts/{account}/tokens", "account", &accounts.TokenNewResponse{}, &accounts.TokenDeleteResponse{},
			&accounts.TokenVerifyResponse{}, &accounts.TokenPermissionGroupListResponse{}},
		{"/user/tokens", "user", &user.TokenNewResponse{}, &user.TokenDeleteResponse{},
			&user.TokenVerifyResponse{}, &user.TokenPermissionGroupListResponse{}},
	} {
		policy := `{"effect":"allow","permission_groups":[{"id":"5e33b7d77788455c9fdf18cbd38ee5a0"}],` +
			`"resources":{"com.cloudflare.api.account.{account}":"*"}}`
		body := `{"name":"contract","policies":[` + policy + `],"condition":{"request_ip":{"in":["192.0.2.0/24"]}},` +
			`"expires_on":"2999-01-01T00:00:00Z"}`
		token := owner.base + "/{" + owner.prefix + "_token}"
		p := owner.prefix + " "
		rows = append(rows,
			contractRow{name: p + "GET permission_groups", method: "GET", path: owner.base + "/permission_groups", status: 200,
				shape: owner.groups, list: true, info: true},
			contractRow{name: p + "POST token: created", method: "POST", path: owner.base, body: body, status: 200,
				shape: owner.created, capture: captureID(owner.prefix+"_token", 0)},
			contractRow{name: p + "POST token: no policies", method: "POST", path: owner.base, body: `{"name":"x","policies":[]}`, status: 400},
			contractRow{name: p + "GET tokens", method: "GET", path: owner.base, status: 200, shape: &shared.Token{}, list: true, info: true},
			contractRow{name: p + "GET tokens: with expired", method: "GET", path: owner.base + "?include_expired=true", status: 200,
				shape: &shared.Token{}, list: true, info: true},
			contractRow{name: p + "GET token", method: "GET", path: token, status: 200, shape: &shared.Token{}},
			contractRow{name: p + "GET token: unknown", method: "GET", path: owner.base + "/{zero}", status: 404},
			contractRow{name: p + "PUT token", method: "PUT", path: token, body: strings.Replace(body, `"contract"`, `"renamed"`, 1),
				status: 200, shape: &shared.Token{}},
			contractRow{name: p + "PUT token: status alone", method: "PUT", path: token, body: `{"status":"disabled"}`, status: 400},
			contractRow{name: p + "PUT token value: rolled", method: "PUT", path: token + "/value", body: `{}`, status: 200,
				shape: new(shared.TokenValue)},
			contractRow{name: p + "GET verify", method: "GET", path: owner.base + "/verify", status: 200, shape: owner.verified},
			contractRow{name: p + "GET tokens: missing permission", method: "GET", path: owner.base, auth: owner.prefix + " weak", status: 403},
			contractRow{name: p + "DELETE token", method: "DELETE", path: token, status: 200, shape: owner.deleted},
			contractRow{name: p + "DELETE token: already gone", method: "DELETE", path: token, status: 404},
		)
	}
	return rows
}
