package cloudflaremock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/workers"
)

// ---- helpers ----

const (
	workerCode      = "export default { async fetch() { return new Response(\"hi\"); } };\n"
	moduleType      = "application/javascript+module"
	wranglerAgent   = "wrangler/4.20.0"
	bindingCheckMsg = "failed to fetch secrets store binding due to authorization error - check deploy permissions and secret scopes"
)

// formPartSpec is one part of a test's multipart body.
type formPartSpec struct {
	name, filename, contentType, body string
}

func modulePart(name, code string) formPartSpec {
	return formPartSpec{name: name, filename: name, contentType: moduleType, body: code}
}

func metadataPart(t *testing.T, meta any) formPartSpec {
	t.Helper()
	raw, ok := meta.(string)
	if !ok {
		b, err := json.Marshal(meta)
		if err != nil {
			t.Fatalf("metadata: %v", err)
		}
		raw = string(b)
	}
	return formPartSpec{name: "metadata", contentType: "application/json", body: raw}
}

func settingsPart(settings string) formPartSpec {
	return formPartSpec{name: "settings", filename: "blob", contentType: "application/json", body: settings}
}

// multipartBody encodes parts the way a browser FormData (and so Wrangler) does.
func multipartBody(t *testing.T, parts ...formPartSpec) (body, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disposition := fmt.Sprintf("form-data; name=%q", p.name)
		if p.filename != "" {
			disposition += fmt.Sprintf("; filename=%q", p.filename)
		}
		h.Set("Content-Disposition", disposition)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(pw, p.body)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), w.FormDataContentType()
}

// workerURL is an account-relative path under /workers.
func workerURL(path string) string { return "/workers" + path }

// sendMultipart sends parts to an account-relative path with the admin token.
func (m *mockAPI) sendMultipart(method, path string, header http.Header, parts ...formPartSpec) response {
	m.t.Helper()
	body, contentType := multipartBody(m.t, parts...)
	h := m.auth()
	h.Set("Content-Type", contentType)
	for k, vs := range header {
		h[k] = vs
	}
	return m.send(method, apiPrefix+"/accounts/"+m.mock.AccountID()+path, body, h)
}

// upload PUTs a module Worker; query is appended to the script path ("" for none).
func (m *mockAPI) upload(script, query string, meta any, modules ...formPartSpec) response {
	m.t.Helper()
	if len(modules) == 0 {
		modules = []formPartSpec{modulePart("index.js", workerCode)}
	}
	path := workerURL("/scripts/" + script)
	if query != "" {
		path += "?" + query
	}
	return m.sendMultipart(http.MethodPut, path, nil, append([]formPartSpec{metadataPart(m.t, meta)}, modules...)...)
}

// deploy uploads a Worker with these bindings and fails the test unless it succeeds.
func (m *mockAPI) deploy(script string, bindings ...string) {
	m.t.Helper()
	meta := `{"main_module":"index.js","compatibility_date":"2025-06-01","bindings":[` + strings.Join(bindings, ",") + `]}`
	m.upload(script, "", meta).wantStatus(m.t, http.StatusOK)
}

func (m *mockAPI) patchSettings(script, settings string) response {
	m.t.Helper()
	return m.sendMultipart(http.MethodPatch, workerURL("/scripts/"+script+"/settings"), nil, settingsPart(settings))
}

// settings reads GET .../settings, result decoded loosely.
func (m *mockAPI) settings(script string) map[string]any {
	m.t.Helper()
	var out map[string]any
	m.api(http.MethodGet, workerURL("/scripts/"+script+"/settings"), "").decodeResult(m.t, &out)
	return out
}

// bindingsOf returns the bindings of a settings answer by name.
func bindingsOf(t *testing.T, settings map[string]any) map[string]map[string]any {
	t.Helper()
	list, ok := settings["bindings"].([]any)
	if !ok {
		t.Fatalf("settings without a bindings array: %v", settings)
	}
	out := map[string]map[string]any{}
	for _, item := range list {
		b := item.(map[string]any)
		out[b["name"].(string)] = b
	}
	return out
}

// storedBinding reads a binding as the mock stores it (text included), under the lock.
func (m *mockAPI) storedBinding(script, name string) map[string]any { //nolint:unparam // names its script like settings and deploy
	m.t.Helper()
	m.mock.mu.Lock()
	defer m.mock.mu.Unlock()
	ws := m.mock.state.Workers[workerKey(m.mock.AccountID(), script)]
	if ws == nil {
		m.t.Fatalf("script %s not stored", script)
	}
	for _, raw := range ws.live().Bindings {
		var b map[string]any
		if err := json.Unmarshal(raw, &b); err != nil {
			m.t.Fatal(err)
		}
		if b["name"] == name {
			return b
		}
	}
	return nil
}

func jsonObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// secretsStoreBinding is a secrets_store_secret binding object.
func secretsStoreBinding(name, storeID, secretName string) string { //nolint:unparam // the tests look the binding up by this name
	return fmt.Sprintf(`{"type":"secrets_store_secret","name":%q,"store_id":%q,"secret_name":%q}`, name, storeID, secretName)
}

// ---- tests ----

// TestWorkersWranglerDeploy replays a Wrangler 4 deploy of a new module Worker with a
// secrets_store_secret binding, in the order of FACTS.md, Workers: services and Wrangler's deploy,
// then reads the binding back.
func TestWorkersWranglerDeploy(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	m.createSecret(storeID, "stripe_key", secretValue("stripe"), "workers")
	wrangler := http.Header{"User-Agent": {wranglerAgent}}
	get := func(path string) response {
		h := m.auth()
		h.Set("User-Agent", wranglerAgent)
		return m.send(http.MethodGet, apiPrefix+"/accounts/"+m.mock.AccountID()+workerURL(path), "", h)
	}

	get("/services/my-worker").wantError(t, 404, 10090, "workers.api.error.service_not_found")
	get("/scripts/my-worker/deployments").wantError(t, 404, 10007, "This Worker does not exist on your account.")
	get("/scripts/my-worker/settings").wantError(t, 404, 10007, "This Worker does not exist on your account.")

	binding := secretsStoreBinding("API_KEY", storeID, "stripe_key")
	meta := `{"main_module":"index.js","bindings":[` + binding + `],"compatibility_date":"2025-06-01",` +
		`"compatibility_flags":["nodejs_compat"],"keep_bindings":["secret_text","secret_key"]}`
	put := m.sendMultipart(http.MethodPut, workerURL("/scripts/my-worker?excludeScript=true&bindings_inherit=strict"), wrangler,
		metadataPart(t, meta), modulePart("index.js", workerCode))
	put.wantStatus(t, http.StatusOK)
	var script map[string]any
	put.decodeResult(t, &script)
	for field, want := range map[string]any{
		"id": "my-worker", "compatibility_date": "2025-06-01", "usage_model": "standard",
		"last_deployed_from": "wrangler", "has_modules": true, "startup_time_ms": 0.0,
	} {
		if script[field] != want {
			t.Errorf("upload answer %s = %v, want %v", field, script[field], want)
		}
	}
	if etag, _ := script["etag"].(string); len(etag) != 64 {
		t.Errorf("etag %q, want 64 hex characters", etag)
	}
	parseTime(t, script["created_on"].(string))

	var subdomain map[string]string
	get("/subdomain").decodeResult(t, &subdomain)
	if subdomain["subdomain"] != mockWorkersSubdomain {
		t.Errorf("account subdomain %v", subdomain)
	}
	var scriptSubdomain subdomainView
	get("/scripts/my-worker/subdomain").decodeResult(t, &scriptSubdomain)
	if scriptSubdomain.Enabled || scriptSubdomain.PreviewsEnabled {
		t.Errorf("a new Worker starts with workers.dev off, got %+v", scriptSubdomain)
	}
	// Wrangler sends JSON as text/plain.
	plain := m.auth()
	plain.Set("Content-Type", "text/plain;charset=UTF-8")
	m.send(http.MethodPost, apiPrefix+"/accounts/"+m.mock.AccountID()+workerURL("/scripts/my-worker/subdomain"), `{"enabled":true}`, plain).
		decodeResult(t, &scriptSubdomain)
	if !scriptSubdomain.Enabled {
		t.Errorf("subdomain POST answered %+v", scriptSubdomain)
	}

	settings := m.settings("my-worker")
	if got, want := bindingsOf(t, settings)["API_KEY"], jsonObject(t, binding); !reflect.DeepEqual(got, want) {
		t.Errorf("binding read back as %v, want %v", got, want)
	}
	if flags := settings["compatibility_flags"].([]any); len(flags) != 1 || flags[0] != "nodejs_compat" {
		t.Errorf("compatibility_flags %v", flags)
	}
	var service map[string]any
	get("/services/my-worker").decodeResult(t, &service)
	if service["id"] != "my-worker" || service["default_environment"].(map[string]any)["script"].(map[string]any)["etag"] != script["etag"] {
		t.Errorf("service %v", service)
	}
	var deployments struct {
		Deployments []deploymentView `json:"deployments"`
	}
	get("/scripts/my-worker/deployments").decodeResult(t, &deployments)
	if len(deployments.Deployments) != 1 || !isUUID(deployments.Deployments[0].ID) ||
		deployments.Deployments[0].Versions[0].Percentage != 100 || deployments.Deployments[0].Source != "wrangler" {
		t.Errorf("deployments %+v", deployments)
	}

	log := m.requests()
	found := false
	for _, l := range log {
		found = found || (l.Method == http.MethodPut && l.Query == "excludeScript=true&bindings_inherit=strict" && l.Status == 200)
	}
	if !found {
		t.Errorf("the upload is not in the request log: %+v", log)
	}
}

func isUUID(s string) bool { return len(s) == 36 && strings.Count(s, "-") == 4 }

// TestWorkersMultipartRequired: the upload, settings and version routes refuse anything but
// multipart/form-data with 415 code 10001; a multipart body that cannot be read is a 400.
func TestWorkersMultipartRequired(t *testing.T) {
	m := newMockAPI(t, Config{})
	m.deploy("w")
	jsonBody := `{"main_module":"index.js"}`
	for _, tc := range []struct {
		name, method, path, contentType, body string
		status, code                          int
		message                               string
	}{
		{"upload as JSON", http.MethodPut, "/scripts/w", "application/json", jsonBody, 415, 10001, "Content-Type must be one of: multipart/form-data"},
		{"upload as JavaScript", http.MethodPut, "/scripts/w", "application/javascript", workerCode, 415, 10001, "Content-Type must be one of: multipart/form-data"},
		{"upload without Content-Type", http.MethodPut, "/scripts/new", "", jsonBody, 415, 10001, "Content-Type must be one of: multipart/form-data"},
		{"upload without boundary", http.MethodPut, "/scripts/w", "multipart/form-data", jsonBody, 415, 10001, "Content-Type must be one of: multipart/form-data"},
		{"settings as JSON", http.MethodPatch, "/scripts/w/settings", "application/json", `{"settings":{}}`, 415, 10001, "Content-Type must be one of: multipart/form-data"},
		{"version as JSON", http.MethodPost, "/scripts/w/versions", "application/json", jsonBody, 415, 10001, "Content-Type must be one of: multipart/form-data"},
		{"truncated multipart", http.MethodPut, "/scripts/w", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}", 400, 10021, "could not parse multipart form data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := m.auth()
			if tc.contentType != "" {
				h.Set("Content-Type", tc.contentType)
			}
			m.send(tc.method, apiPrefix+"/accounts/"+m.mock.AccountID()+workerURL(tc.path), tc.body, h).
				wantError(t, tc.status, tc.code, tc.message)
		})
	}
	m.api(http.MethodGet, workerURL("/scripts/new/settings"), "").wantError(t, 404, 10007, "This Worker does not exist on your account.")
}

// TestWorkersSettingsPart: a multipart settings PATCH needs a readable `settings` part (400 10201).
func TestWorkersSettingsPart(t *testing.T) {
	m := newMockAPI(t, Config{})
	m.deploy("w", `{"type":"plain_text","name":"A","text":"a"}`)
	before := m.settings("w")
	for name, parts := range map[string][]formPartSpec{
		"no settings part":  {{name: "settings.bindings.0.name", body: "A"}},
		"settings not JSON": {settingsPart("{nope")},
		"settings an array": {settingsPart(`[]`)},
		"bad observability": {settingsPart(`{"observability":true}`)},
	} {
		t.Run(name, func(t *testing.T) {
			m.sendMultipart(http.MethodPatch, workerURL("/scripts/w/settings"), nil, parts...).
				wantError(t, 400, 10201, "could not read content for part settings")
		})
	}
	if after := m.settings("w"); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused PATCH changed settings: %v -> %v", before, after)
	}
	// The SDK's own form has no `settings` part (FACTS.md, Workers: settings): it gets the same
	// answer.
	client := sdkClient(m)
	_, err := client.Workers.Scripts.ScriptAndVersionSettings.Edit(context.Background(), "w", workers.ScriptScriptAndVersionSettingEditParams{
		AccountID: cloudflare.F(m.mock.AccountID()),
		Settings:  cloudflare.F(workers.ScriptScriptAndVersionSettingEditParamsSettings{Logpush: cloudflare.F(true)}),
	})
	var apiErr *cloudflare.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || len(apiErr.Errors) != 1 || apiErr.Errors[0].Code != 10201 {
		t.Errorf("SDK settings Edit: %v", err)
	}
}

// TestWorkersMissingScript: every script route answers 404 10007 for an unknown Worker, the
// services route 404 10090.
func TestWorkersMissingScript(t *testing.T) {
	m := newMockAPI(t, Config{})
	m.deploy("other")
	const msg = "This Worker does not exist on your account."
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "/scripts/ghost", ""},
		{http.MethodDelete, "/scripts/ghost", ""},
		{http.MethodGet, "/scripts/ghost/settings", ""},
		{http.MethodGet, "/scripts/ghost/script-settings", ""},
		{http.MethodPatch, "/scripts/ghost/script-settings", `{"logpush":true}`},
		{http.MethodGet, "/scripts/ghost/subdomain", ""},
		{http.MethodPost, "/scripts/ghost/subdomain", `{"enabled":true}`},
		{http.MethodGet, "/scripts/ghost/deployments", ""},
		{http.MethodPost, "/scripts/ghost/deployments", `{"strategy":"percentage","versions":[]}`},
		{http.MethodGet, "/deployments/by-script/ghost", ""},
		{http.MethodGet, "/scripts/ghost/versions", ""},
		{http.MethodGet, "/scripts/ghost/secrets", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			m.api(tc.method, workerURL(tc.path), tc.body).wantError(t, 404, 10007, msg)
		})
	}
	m.patchSettings("ghost", `{"logpush":true}`).wantError(t, 404, 10007, msg)
	m.sendMultipart(http.MethodPost, workerURL("/scripts/ghost/versions"), nil,
		metadataPart(t, `{"main_module":"index.js"}`), modulePart("index.js", workerCode)).wantError(t, 404, 10007, msg)
	m.api(http.MethodGet, workerURL("/services/ghost"), "").wantError(t, 404, 10090, "workers.api.error.service_not_found")
}

// TestWorkersUploadValidation: every refused upload leaves the Worker exactly as it was.
func TestWorkersUploadValidation(t *testing.T) {
	m := newMockAPI(t, Config{})
	m.deploy("w", `{"type":"plain_text","name":"A","text":"a"}`)
	before := m.settings("w")
	mainOnly := []formPartSpec{modulePart("index.js", workerCode)}
	for _, tc := range []struct {
		name, script, query string
		parts               []formPartSpec
		code                int
		message             string
	}{
		{"no metadata", "w", "", mainOnly, 10021, "could not read content for part metadata"},
		{"metadata not JSON", "w", "", []formPartSpec{metadataPart(t, "{"), mainOnly[0]}, 10021, "could not read content for part metadata"},
		{"two metadata parts", "w", "", []formPartSpec{metadataPart(t, `{"main_module":"index.js"}`), metadataPart(t, `{"main_module":"index.js"}`), mainOnly[0]},
			10021, "could not read content for part metadata"},
		{"no main_module", "w", "", []formPartSpec{metadataPart(t, `{}`), mainOnly[0]}, 10021, "No such module: main_module must name one of the uploaded module parts"},
		{"main_module not uploaded", "w", "", []formPartSpec{metadataPart(t, `{"main_module":"worker.js"}`), mainOnly[0]},
			10021, "No such module: main_module must name one of the uploaded module parts"},
		{"two modules of one name", "w", "", []formPartSpec{metadataPart(t, `{"main_module":"index.js"}`), mainOnly[0], mainOnly[0]},
			10021, "module names must be unique within an upload"},
		{"duplicate binding names", "w", "", []formPartSpec{metadataPart(t,
			`{"main_module":"index.js","bindings":[{"type":"plain_text","name":"X","text":"1"},{"type":"kv_namespace","name":"X","namespace_id":"n"}]}`), mainOnly[0]},
			10021, "binding names must be unique: more than one binding uses the same name"},
		{"binding without name", "w", "", []formPartSpec{metadataPart(t, `{"main_module":"index.js","bindings":[{"type":"plain_text","text":"1"}]}`), mainOnly[0]},
			10021, "each binding must be an object with a non-empty string name and type and the fields its type requires"},
		{"binding not an object", "w", "", []formPartSpec{metadataPart(t, `{"main_module":"index.js","bindings":["X"]}`), mainOnly[0]},
			10021, "each binding must be an object with a non-empty string name and type and the fields its type requires"},
		{"plain_text without text", "w", "", []formPartSpec{metadataPart(t, `{"main_module":"index.js","bindings":[{"type":"plain_text","name":"P"}]}`), mainOnly[0]},
			10021, "each binding must be an object with a non-empty string name and type and the fields its type requires"},
		{"kv_namespace without id", "w", "", []formPartSpec{metadataPart(t, `{"main_module":"index.js","bindings":[{"type":"kv_namespace","name":"KV"}]}`), mainOnly[0]},
			10021, "each binding must be an object with a non-empty string name and type and the fields its type requires"},
		{"secret_text without text, nothing to keep", "w", "", []formPartSpec{metadataPart(t,
			`{"main_module":"index.js","bindings":[{"type":"secret_text","name":"A"}]}`), mainOnly[0]},
			10021, "secret_text binding without text: the Worker has no secret_text binding of that name to keep"},
		{"strict inherit of nothing", "w", "bindings_inherit=strict", []formPartSpec{metadataPart(t,
			`{"main_module":"index.js","bindings":[{"type":"inherit","name":"NOPE"}]}`), mainOnly[0]},
			10021, "inherit binding does not name a binding of the Worker's current version"},
		{"bad name", "Bad_Name", "", []formPartSpec{metadataPart(t, `{"main_module":"index.js"}`), mainOnly[0]}, 10016, "Invalid Worker name."},
		{"name too long", strings.Repeat("a", 64), "", []formPartSpec{metadataPart(t, `{"main_module":"index.js"}`), mainOnly[0]}, 10016, "Invalid Worker name."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := workerURL("/scripts/" + tc.script)
			if tc.query != "" {
				path += "?" + tc.query
			}
			m.sendMultipart(http.MethodPut, path, nil, tc.parts...).wantError(t, 400, tc.code, tc.message)
		})
	}
	if after := m.settings("w"); !reflect.DeepEqual(before, after) {
		t.Errorf("a refused upload changed the Worker: %v -> %v", before, after)
	}
	var list []scriptView
	m.api(http.MethodGet, workerURL("/scripts"), "").decodeResult(t, &list)
	if len(list) != 1 {
		t.Errorf("a refused upload created a Worker: %+v", list)
	}
	// Without strict, an inherit binding naming nothing is dropped.
	m.upload("w", "", `{"main_module":"index.js","bindings":[{"type":"inherit","name":"NOPE"}]}`).wantStatus(t, 200)
	if got := bindingsOf(t, m.settings("w")); len(got) != 0 {
		t.Errorf("non-strict inherit of nothing left %v", got)
	}
}

// TestWorkersBindingsReadBack: bindings come back as sent, secret_text without its text; a
// settings PATCH replaces the list, keeps secret_text values it does not repeat, and `inherit`
// keeps a binding as it was.
func TestWorkersBindingsReadBack(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	m.createSecret(storeID, "stripe_key", secretValue("s"), "workers")
	secretText := secretValue("worker-secret-text")
	others := []string{
		`{"type":"kv_namespace","name":"KV","namespace_id":"0f2ac74b498b48028cb68387c421e279"}`,
		`{"type":"d1","name":"DB","id":"c8b9a7e6-1111-2222-3333-444455556666","extra":{"nested":[1,2,{"x":null}],"flag":true}}`,
		`{"type":"durable_object_namespace","name":"DO","class_name":"Counter","script_name":"other"}`,
		`{"type":"json","name":"CONF","json":{"a":[1,"b"]}}`,
		secretsStoreBinding("API_KEY", storeID, "stripe_key"),
	}
	m.deploy("w", append([]string{
		`{"type":"secret_text","name":"TOKEN","text":"` + secretText + `"}`,
		`{"type":"plain_text","name":"MODE","text":"live"}`,
	}, others...)...)

	check := func(stage string) {
		t.Helper()
		got := bindingsOf(t, m.settings("w"))
		if want := map[string]any{"type": "secret_text", "name": "TOKEN"}; !reflect.DeepEqual(got["TOKEN"], want) {
			t.Errorf("%s: secret_text read back as %v, want %v", stage, got["TOKEN"], want)
		}
		for _, raw := range others {
			want := jsonObject(t, raw)
			if !reflect.DeepEqual(got[want["name"].(string)], want) {
				t.Errorf("%s: binding read back as %v, want %v", stage, got[want["name"].(string)], want)
			}
		}
		if stored := m.storedBinding("w", "TOKEN"); stored["text"] != secretText {
			t.Errorf("%s: the secret_text value was not kept", stage)
		}
	}
	check("after upload")

	var secrets []map[string]string
	m.api(http.MethodGet, workerURL("/scripts/w/secrets"), "").decodeResult(t, &secrets)
	if want := []map[string]string{{"name": "TOKEN", "type": "secret_text"}}; !reflect.DeepEqual(secrets, want) {
		t.Errorf("secrets list %v, want %v", secrets, want)
	}

	// PATCH: secret_text without text keeps its value, inherit keeps MODE, the rest is re-sent.
	r := m.patchSettings("w", `{"bindings":[{"type":"secret_text","name":"TOKEN"},{"type":"inherit","name":"MODE"},`+strings.Join(others, ",")+`]}`)
	r.wantStatus(t, 200)
	if strings.Contains(r.raw, `"text":"`+leakMarker) {
		t.Errorf("PATCH answer holds a secret_text value")
	}
	check("after PATCH")
	if got := bindingsOf(t, m.settings("w"))["MODE"]; got["text"] != "live" {
		t.Errorf("inherit did not keep MODE: %v", got)
	}

	// A PATCH without bindings leaves them alone; one with bindings replaces the whole list.
	m.patchSettings("w", `{"compatibility_date":"2025-07-01"}`).wantStatus(t, 200)
	check("after a PATCH without bindings")
	m.patchSettings("w", `{"bindings":[{"type":"plain_text","name":"ONLY","text":"x"}]}`).wantStatus(t, 200)
	if got := bindingsOf(t, m.settings("w")); len(got) != 1 || got["ONLY"] == nil {
		t.Errorf("PATCH bindings did not replace the list: %v", got)
	}
	m.patchSettings("w", `{"bindings":[{"type":"secret_text","name":"TOKEN"}]}`).
		wantError(t, 400, 10021, "secret_text binding without text: the Worker has no secret_text binding of that name to keep")
	m.patchSettings("w", `{"bindings":[{"type":"inherit","name":"TOKEN"}]}`).
		wantError(t, 400, 10021, "inherit binding does not name a binding of the Worker's current version")
	m.patchSettings("w", `{"bindings":[{"type":"plain_text","name":"D","text":"1"},{"type":"plain_text","name":"D","text":"2"}]}`).
		wantError(t, 400, 10021, "binding names must be unique: more than one binding uses the same name")
}

// TestWorkersKeepBindings: keep_bindings carries current bindings of those types over an
// upload that does not mention them (Wrangler keeps `wrangler secret put` secrets this way).
func TestWorkersKeepBindings(t *testing.T) {
	m := newMockAPI(t, Config{})
	secretText := secretValue("kept")
	m.deploy("w", `{"type":"secret_text","name":"TOKEN","text":"`+secretText+`"}`, `{"type":"plain_text","name":"MODE","text":"a"}`)
	m.upload("w", "", `{"main_module":"index.js","keep_bindings":["secret_text","secret_key"],"bindings":[{"type":"plain_text","name":"NEW","text":"n"}]}`).
		wantStatus(t, 200)
	got := bindingsOf(t, m.settings("w"))
	if len(got) != 2 || got["TOKEN"] == nil || got["NEW"] == nil {
		t.Errorf("after keep_bindings: %v", got)
	}
	if m.storedBinding("w", "TOKEN")["text"] != secretText {
		t.Errorf("keep_bindings lost the secret_text value")
	}
	m.upload("w", "", `{"main_module":"index.js"}`).wantStatus(t, 200)
	if got := bindingsOf(t, m.settings("w")); len(got) != 0 {
		t.Errorf("an upload without keep_bindings kept %v", got)
	}
}

// TestWorkersBindingCheck: each cause of the 400 10021 binding check, on upload and on a
// settings PATCH; nothing changes when it fails.
func TestWorkersBindingCheck(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	m.createSecret(storeID, "good", secretValue("good"), "workers", "ai_gateway")
	m.createSecret(storeID, "gateway_only", secretValue("gw"), "ai_gateway")
	m.deploy("existing", secretsStoreBinding("API_KEY", storeID, "good"))
	before := m.settings("existing")

	for _, tc := range []struct{ name, binding string }{
		{"secret missing", secretsStoreBinding("API_KEY", storeID, "no_such_secret")},
		{"store missing", secretsStoreBinding("API_KEY", "ffffffffffffffffffffffffffffffff", "good")},
		{"secret without workers scope", secretsStoreBinding("API_KEY", storeID, "gateway_only")},
		{"no store_id", `{"type":"secrets_store_secret","name":"API_KEY","secret_name":"good"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m.upload("fresh", "", `{"main_module":"index.js","bindings":[`+tc.binding+`]}`).wantError(t, 400, 10021, bindingCheckMsg)
			m.upload("existing", "excludeScript=true&bindings_inherit=strict", `{"main_module":"index.js","bindings":[`+tc.binding+`]}`).
				wantError(t, 400, 10021, bindingCheckMsg)
			m.patchSettings("existing", `{"bindings":[`+tc.binding+`]}`).wantError(t, 400, 10021, bindingCheckMsg)
		})
	}
	m.api(http.MethodGet, workerURL("/scripts/fresh/settings"), "").wantError(t, 404, 10007, "This Worker does not exist on your account.")
	if after := m.settings("existing"); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed binding check changed the Worker: %v -> %v", before, after)
	}

	// A binding kept by inherit is checked again: its secret lost the workers scope.
	var list []secretView
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets", "").decodeResult(t, &list)
	for _, sec := range list {
		if sec.Name == "good" {
			m.api(http.MethodPatch, "/secrets_store/stores/"+storeID+"/secrets/"+sec.ID, `{"scopes":["ai_gateway"]}`).wantStatus(t, 200)
		}
	}
	m.upload("existing", "bindings_inherit=strict", `{"main_module":"index.js","bindings":[{"type":"inherit","name":"API_KEY"}]}`).
		wantError(t, 400, 10021, bindingCheckMsg)
	// A PATCH that only touches script-level settings creates no version and runs no check.
	m.patchSettings("existing", `{"logpush":true}`).wantStatus(t, 200)
}

// TestWorkersBindingCheckPermissions drives the handlers with restricted grants (only the
// admin token exists through HTTP in this test): a secrets_store_secret binding needs Workers
// Scripts Write AND Account Secrets Store Read on the account.
func TestWorkersBindingCheckPermissions(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	m.createSecret(storeID, "good", secretValue("good"), "workers")
	m.deploy("w", `{"type":"plain_text","name":"A","text":"a"}`)
	account := m.mock.AccountID()
	binding := secretsStoreBinding("API_KEY", storeID, "good")

	upload := func(g grant) *apiError {
		body, contentType := multipartBody(t, metadataPart(t, `{"main_module":"index.js","bindings":[`+binding+`]}`), modulePart("index.js", workerCode))
		return m.callHandler(m.mock.uploadScript, http.MethodPut, "/scripts/w", contentType, body, g)
	}
	patch := func(g grant) *apiError {
		body, contentType := multipartBody(t, settingsPart(`{"bindings":[`+binding+`]}`))
		return m.callHandler(m.mock.patchScriptSettings, http.MethodPatch, "/scripts/w/settings", contentType, body, g)
	}
	perms := func(p ...string) map[string]bool {
		out := map[string]bool{}
		for _, x := range p {
			out[x] = true
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		grant grant
		ok    bool
	}{
		{"scripts write only", grant{accountID: account, permissions: perms(permWorkersScriptsWrite)}, false},
		{"secrets store read only", grant{accountID: account, permissions: perms(permSecretsStoreRead)}, false},
		{"scripts write + secrets store write", grant{accountID: account, permissions: perms(permWorkersScriptsWrite, permSecretsStoreWrite)}, false},
		{"scripts read + secrets store read", grant{accountID: account, permissions: perms(permWorkersScriptsRead, permSecretsStoreRead)}, false},
		{"another account", grant{accountID: "fedcba9876543210fedcba9876543210", permissions: perms(permWorkersScriptsWrite, permSecretsStoreRead)}, false},
		{"scripts write + secrets store read", grant{accountID: account, permissions: perms(permWorkersScriptsWrite, permSecretsStoreRead)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := m.settings("w")
			for what, run := range map[string]func(grant) *apiError{"upload": upload, "settings PATCH": patch} {
				apiErr := run(tc.grant)
				switch {
				case tc.ok && apiErr != nil:
					t.Errorf("%s refused: %+v", what, apiErr.items)
				case !tc.ok && (apiErr == nil || apiErr.status != 400 || apiErr.items[0].Code != 10021 || apiErr.items[0].Message != bindingCheckMsg):
					t.Errorf("%s: want 400 10021, got %+v", what, apiErr)
				}
			}
			if after := m.settings("w"); !tc.ok && !reflect.DeepEqual(before, after) {
				t.Errorf("a refused deploy changed the Worker")
			}
		})
	}
	// Bindings of other types need no Secrets Store permission.
	body, contentType := multipartBody(t, metadataPart(t, `{"main_module":"index.js","bindings":[{"type":"plain_text","name":"A","text":"b"}]}`),
		modulePart("index.js", workerCode))
	if apiErr := m.callHandler(m.mock.uploadScript, http.MethodPut, "/scripts/w", contentType, body,
		grant{accountID: account, permissions: perms(permWorkersScriptsWrite)}); apiErr != nil {
		t.Errorf("plain upload with scripts write only: %+v", apiErr.items)
	}
}

// callHandler runs a Workers handler directly, as serveRoute would after authorize, with g.
func (m *mockAPI) callHandler(handle func(*call) (reply, *apiError), method, path, contentType, body string, g grant) *apiError {
	m.t.Helper()
	full := apiPrefix + "/accounts/" + m.mock.AccountID() + workerURL(path)
	req := httptest.NewRequest(method, full, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	_, params, apiErr := m.mock.match(method, strings.TrimPrefix(req.URL.Path, apiPrefix))
	if apiErr != nil {
		m.t.Fatalf("no route for %s %s", method, path)
	}
	m.mock.mu.Lock()
	defer m.mock.mu.Unlock()
	_, apiErr = handle(&call{req: req, params: params, body: []byte(body), grant: g})
	return apiErr
}

// TestWorkersRoutePermissions: GETs need Workers Scripts Read, every change Write.
func TestWorkersRoutePermissions(t *testing.T) {
	m := newMockAPI(t, Config{})
	for _, rt := range m.mock.workerRoutes() {
		want := permWorkersScriptsWrite
		if rt.method == http.MethodGet {
			want = permWorkersScriptsRead
		}
		if rt.permission != want {
			t.Errorf("%s %s needs %q, want %q", rt.method, rt.pattern, rt.permission, want)
		}
	}
}

// TestWorkersScriptRoutes covers list, content, script-settings, subdomain, versions,
// deployments and delete.
func TestWorkersScriptRoutes(t *testing.T) {
	m := newMockAPI(t, Config{})
	m.deploy("alpha", `{"type":"plain_text","name":"V","text":"1"}`)
	m.upload("beta", "", `{"main_module":"src/main.js","compatibility_date":"2025-05-05"}`,
		modulePart("src/main.js", "export default {};\n"), formPartSpec{name: "lib/util.js", filename: "lib/util.js", contentType: moduleType, body: "export const x = 1;\n"}).
		wantStatus(t, 200)

	var list []scriptView
	m.api(http.MethodGet, workerURL("/scripts"), "").decodeResult(t, &list)
	if len(list) != 2 || list[0].ID != "alpha" || list[1].ID != "beta" || list[1].CompatibilityDate != "2025-05-05" ||
		list[0].LastDeployedFrom != "api" || list[0].StartupTimeMs != nil {
		t.Errorf("list %+v", list)
	}

	// The content route answers the modules as a multipart form, not an envelope.
	res := m.raw(http.MethodGet, workerURL("/scripts/beta"))
	if got := formModules(t, res); res.status != 200 ||
		!reflect.DeepEqual(got, map[string]string{"src/main.js": "export default {};\n", "lib/util.js": "export const x = 1;\n"}) {
		t.Errorf("script content: %+v", res)
	}

	// script-settings: plain JSON (sent as text/plain), absent fields unchanged.
	plain := m.auth()
	plain.Set("Content-Type", "text/plain;charset=UTF-8")
	scriptSettings := apiPrefix + "/accounts/" + m.mock.AccountID() + workerURL("/scripts/alpha/script-settings")
	var ss map[string]any
	m.api(http.MethodGet, workerURL("/scripts/alpha/script-settings"), "").decodeResult(t, &ss)
	if !reflect.DeepEqual(ss, map[string]any{"logpush": false, "observability": map[string]any{"enabled": false}, "tail_consumers": nil}) {
		t.Errorf("default script-settings %v", ss)
	}
	m.send(http.MethodPatch, scriptSettings, `{"logpush":true,"observability":{"enabled":true,"head_sampling_rate":0.5},"tail_consumers":[{"service":"tail"}]}`, plain).
		decodeResult(t, &ss)
	if obs, _ := ss["observability"].(map[string]any); obs["enabled"] != true || obs["head_sampling_rate"] != 0.5 || ss["logpush"] != true {
		t.Errorf("script-settings after the first PATCH %v", ss)
	}
	m.send(http.MethodPatch, scriptSettings, `{"observability":null}`, plain).decodeResult(t, &ss)
	if obs, _ := ss["observability"].(map[string]any); ss["logpush"] != true || obs["enabled"] != false || len(obs) != 1 ||
		len(ss["tail_consumers"].([]any)) != 1 {
		t.Errorf("script-settings after PATCH %v", ss)
	}
	if _, has := ss["bindings"]; has {
		t.Errorf("script-settings must not show bindings")
	}
	m.send(http.MethodPatch, scriptSettings, `{"logpush":"yes"}`, plain).wantError(t, 400, 10026, "Invalid request body")
	m.send(http.MethodPatch, scriptSettings, `{"tail_consumers":{}}`, plain).wantError(t, 400, 10026, "Invalid request body")
	settings := m.settings("alpha")
	if _, placement := settings["placement"]; settings["logpush"] != true || settings["usage_model"] != "standard" || placement {
		t.Errorf("settings do not show script-level settings: %v", settings)
	}

	// Subdomain: previews_enabled is optional, enabled is required.
	var sub subdomainView
	m.api(http.MethodPost, workerURL("/scripts/alpha/subdomain"), `{"enabled":true,"previews_enabled":true}`).decodeResult(t, &sub)
	m.api(http.MethodPost, workerURL("/scripts/alpha/subdomain"), `{"enabled":false}`).decodeResult(t, &sub)
	if sub.Enabled || !sub.PreviewsEnabled {
		t.Errorf("subdomain %+v", sub)
	}
	m.api(http.MethodPost, workerURL("/scripts/alpha/subdomain"), `{}`).wantError(t, 400, 10026, "Invalid request body")

	// A version upload does not deploy; a deployment does.
	r := m.sendMultipart(http.MethodPost, workerURL("/scripts/alpha/versions?bindings_inherit=strict"), nil,
		metadataPart(t, `{"main_module":"index.js","annotations":{"workers/message":"v2"},"bindings":[{"type":"inherit","name":"V"},{"type":"plain_text","name":"W","text":"2"}]}`),
		modulePart("index.js", workerCode))
	var version versionView
	r.decodeResult(t, &version)
	if version.Number != 2 || version.Resources == nil || len(version.Resources.Bindings) != 2 {
		t.Errorf("version upload answered %s", r.raw)
	}
	if got := bindingsOf(t, m.settings("alpha")); got["W"] != nil {
		t.Errorf("a version upload changed the live bindings: %v", got)
	}
	var versions struct {
		Items []versionView `json:"items"`
	}
	vr := m.api(http.MethodGet, workerURL("/scripts/alpha/versions"), "")
	vr.decodeResult(t, &versions)
	if len(versions.Items) != 2 || versions.Items[0].ID != version.ID || vr.env.ResultInfo == nil || vr.env.ResultInfo.TotalCount != 2 {
		t.Errorf("versions %s", vr.raw)
	}
	oldVersion := versions.Items[1].ID
	for _, bad := range []string{
		`{"strategy":"percentage","versions":[]}`,
		`{"strategy":"percentage","versions":[{"version_id":"` + version.ID + `","percentage":50}]}`,
		`{"strategy":"percentage","versions":[{"version_id":"nope","percentage":100}]}`,
		`{"strategy":"other","versions":[{"version_id":"` + version.ID + `","percentage":100}]}`,
		`{"strategy":"percentage","versions":[{"version_id":"` + version.ID + `","percentage":50},{"version_id":"` + version.ID + `","percentage":50}]}`,
	} {
		m.api(http.MethodPost, workerURL("/scripts/alpha/deployments"), bad).
			wantError(t, 400, 10026, "a deployment needs strategy percentage and one or two distinct versions of this Worker whose percentages add up to 100")
	}
	m.api(http.MethodPost, workerURL("/scripts/alpha/deployments"), "not json").wantError(t, 400, 10026, "Invalid request body")
	var d deploymentView
	m.api(http.MethodPost, workerURL("/scripts/alpha/deployments"),
		`{"strategy":"percentage","versions":[{"version_id":"`+oldVersion+`","percentage":10},{"version_id":"`+version.ID+`","percentage":90}],"annotations":{"workers/message":"go"}}`).
		decodeResult(t, &d)
	if len(d.Versions) != 2 || d.Annotations["workers/message"] != "go" || d.Strategy != "percentage" {
		t.Errorf("deployment %+v", d)
	}
	if got := bindingsOf(t, m.settings("alpha")); got["W"] == nil || got["V"]["text"] != "1" {
		t.Errorf("after deploying the new version at 90 %%: %v", got)
	}
	var byScript struct {
		Latest deploymentView   `json:"latest"`
		Items  []deploymentView `json:"items"`
	}
	m.api(http.MethodGet, workerURL("/deployments/by-script/alpha"), "").decodeResult(t, &byScript)
	if byScript.Latest.ID != d.ID || len(byScript.Items) != 2 {
		t.Errorf("by-script %+v", byScript)
	}

	// Delete answers an envelope with a null result, then the Worker is gone everywhere.
	if r := m.api(http.MethodDelete, workerURL("/scripts/alpha"), ""); r.status != 200 || string(r.env.Result) != "null" {
		t.Errorf("delete answered %s", r.raw)
	}
	m.api(http.MethodGet, workerURL("/scripts/alpha/settings"), "").wantError(t, 404, 10007, "This Worker does not exist on your account.")
	m.api(http.MethodGet, workerURL("/services/alpha"), "").wantError(t, 404, 10090, "workers.api.error.service_not_found")
	m.api(http.MethodGet, workerURL("/scripts"), "").decodeResult(t, &list)
	if len(list) != 1 {
		t.Errorf("list after delete %+v", list)
	}
}

type rawResponse struct {
	status      int
	contentType string
	body        string
}

// raw calls a route whose answer is not an envelope; the body still goes through the leak check.
func (m *mockAPI) raw(method, path string) rawResponse {
	m.t.Helper()
	req, err := http.NewRequest(method, m.http.URL+apiPrefix+"/accounts/"+m.mock.AccountID()+path, nil)
	if err != nil {
		m.t.Fatal(err)
	}
	req.Header = m.auth()
	res, err := m.http.Client().Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	m.mu.Lock()
	m.bodies = append(m.bodies, string(body))
	m.mu.Unlock()
	return rawResponse{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), body: string(body)}
}

// formModules reads a script download: module name to content; a metadata part fails the test.
func formModules(t *testing.T, res rawResponse) map[string]string {
	t.Helper()
	_, params, err := mime.ParseMediaType(res.contentType)
	if err != nil {
		t.Fatalf("download Content-Type %q: %v", res.contentType, err)
	}
	modules := map[string]string{}
	reader := multipart.NewReader(strings.NewReader(res.body), params["boundary"])
	for {
		part, err := reader.NextPart()
		if errors.Is(err, io.EOF) {
			return modules
		}
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if part.FormName() == "metadata" {
			t.Fatalf("a download carries a metadata part")
		}
		content, _ := io.ReadAll(part)
		modules[part.FormName()] = string(content)
	}
}

// TestWorkersSecretTextNeverReturned reads every Workers route after deploying a secret_text;
// the harness fails the test if the value appears in any answer or the request log.
func TestWorkersSecretTextNeverReturned(t *testing.T) {
	m := newMockAPI(t, Config{})
	value := secretValue("never-returned")
	m.deploy("w", `{"type":"secret_text","name":"TOKEN","text":"`+value+`"}`)
	m.patchSettings("w", `{"bindings":[{"type":"secret_text","name":"TOKEN","text":"`+secretValue("patched")+`"}]}`).wantStatus(t, 200)
	m.sendMultipart(http.MethodPost, workerURL("/scripts/w/versions"), nil,
		metadataPart(t, `{"main_module":"index.js","bindings":[{"type":"secret_text","name":"TOKEN","text":"`+value+`"}]}`), modulePart("index.js", workerCode)).
		wantStatus(t, 200)
	// Errors never echo the value either.
	m.upload("w", "", `{"main_module":"index.js","bindings":[{"type":"secret_text","name":"T","text":"`+value+`"},{"type":"secret_text","name":"T","text":"`+value+`"}]}`).
		wantStatus(t, 400)
	for _, path := range []string{"/scripts", "/scripts/w/settings", "/scripts/w/script-settings", "/scripts/w/secrets",
		"/scripts/w/versions", "/scripts/w/deployments", "/deployments/by-script/w", "/services/w", "/scripts/w/subdomain"} {
		m.api(http.MethodGet, workerURL(path), "").wantStatus(t, 200)
	}
	m.raw(http.MethodGet, workerURL("/scripts/w"))
	m.api(http.MethodDelete, workerURL("/scripts/w"), "").wantStatus(t, 200)
}

// TestWorkersStateFileRoundTrip: scripts, their versions, secret_text values and subdomain
// state survive a restart on the same state file; an older state file without Workers loads.
func TestWorkersStateFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "state.json")
	clock := newFakeClock()
	first := newMockAPI(t, Config{StateFile: stateFile, Now: clock.Now})
	storeID := first.createStore()
	first.createSecret(storeID, "k", secretValue("k"), "workers")
	secretText := secretValue("persisted")
	first.deploy("w", `{"type":"secret_text","name":"TOKEN","text":"`+secretText+`"}`, secretsStoreBinding("API_KEY", storeID, "k"))
	first.api(http.MethodPost, workerURL("/scripts/w/subdomain"), `{"enabled":true}`).wantStatus(t, 200)
	first.api(http.MethodPatch, workerURL("/scripts/w/script-settings"), `{"logpush":true}`).wantStatus(t, 200)
	beforeSettings := first.settings("w")
	var beforeList []scriptView
	first.api(http.MethodGet, workerURL("/scripts"), "").decodeResult(t, &beforeList)

	second := newMockAPI(t, Config{StateFile: stateFile, Now: clock.Now})
	if got := second.settings("w"); !reflect.DeepEqual(got, beforeSettings) {
		t.Errorf("settings after reload %v, before %v", got, beforeSettings)
	}
	var afterList []scriptView
	second.api(http.MethodGet, workerURL("/scripts"), "").decodeResult(t, &afterList)
	if !reflect.DeepEqual(afterList, beforeList) {
		t.Errorf("list after reload %+v, before %+v", afterList, beforeList)
	}
	var sub subdomainView
	second.api(http.MethodGet, workerURL("/scripts/w/subdomain"), "").decodeResult(t, &sub)
	if !sub.Enabled {
		t.Errorf("subdomain state lost")
	}
	if second.storedBinding("w", "TOKEN")["text"] != secretText {
		t.Errorf("secret_text value not carried over")
	}
	if res := second.raw(http.MethodGet, workerURL("/scripts/w")); formModules(t, res)["index.js"] != workerCode {
		t.Errorf("module content after reload %q", res.body)
	}
	// The restarted mock keeps the secret_text value for a PATCH that omits it.
	second.patchSettings("w", `{"bindings":[{"type":"secret_text","name":"TOKEN"}]}`).wantStatus(t, 200)
	if second.storedBinding("w", "TOKEN")["text"] != secretText {
		t.Errorf("secret_text value not kept after reload")
	}

	for name, content := range map[string]string{"no-workers.json": `{"stores":{}}`, "null-workers.json": `{"workers":null}`} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		old := newMockAPI(t, Config{StateFile: path})
		old.api(http.MethodGet, workerURL("/scripts"), "").wantStatus(t, 200)
		old.deploy("w")
	}
}

// TestWorkersSDK drives cloudflare-go v4.6.0 against the mock to prove it decodes the answers.
func TestWorkersSDK(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	m.createSecret(storeID, "stripe_key", secretValue("sdk"), "workers")
	m.deploy("sdk-worker",
		secretsStoreBinding("API_KEY", storeID, "stripe_key"),
		`{"type":"secret_text","name":"TOKEN","text":"`+secretValue("sdk-text")+`"}`,
		`{"type":"kv_namespace","name":"KV","namespace_id":"0f2ac74b498b48028cb68387c421e279"}`)
	client := sdkClient(m)
	ctx := context.Background()
	account := cloudflare.F(m.mock.AccountID())

	settings, err := client.Workers.Scripts.ScriptAndVersionSettings.Get(ctx, "sdk-worker",
		workers.ScriptScriptAndVersionSettingGetParams{AccountID: account})
	if err != nil {
		t.Fatalf("ScriptAndVersionSettings.Get: %v", err)
	}
	if settings.CompatibilityDate != "2025-06-01" || len(settings.Bindings) != 3 || settings.UsageModel != "standard" {
		t.Fatalf("settings decoded as %+v", settings)
	}
	byName := map[string]workers.ScriptScriptAndVersionSettingGetResponseBinding{}
	for _, b := range settings.Bindings {
		byName[b.Name] = b
	}
	if b := byName["API_KEY"]; b.Type != "secrets_store_secret" || b.StoreID != storeID || b.SecretName != "stripe_key" {
		t.Errorf("secrets_store_secret decoded as %+v", b)
	}
	if b := byName["TOKEN"]; b.Type != "secret_text" || b.Text != "" {
		t.Errorf("secret_text decoded as %+v", b)
	}
	if b := byName["KV"]; b.NamespaceID != "0f2ac74b498b48028cb68387c421e279" {
		t.Errorf("kv_namespace decoded as %+v", b)
	}

	list, err := client.Workers.Scripts.List(ctx, workers.ScriptListParams{AccountID: account})
	if err != nil || len(list.Result) != 1 || list.Result[0].ID != "sdk-worker" || list.Result[0].CreatedOn.IsZero() ||
		list.Result[0].Etag == "" || !list.Result[0].HasModules {
		t.Fatalf("Scripts.List: %v %+v", err, list)
	}

	secrets, err := client.Workers.Scripts.Secrets.List(ctx, "sdk-worker", workers.ScriptSecretListParams{AccountID: account})
	if err != nil || len(secrets.Result) != 1 || secrets.Result[0].Name != "TOKEN" || secrets.Result[0].Type != "secret_text" {
		t.Fatalf("Secrets.List: %v %+v", err, secrets)
	}

	content, err := client.Workers.Scripts.Get(ctx, "sdk-worker", workers.ScriptGetParams{AccountID: account})
	// The SDK takes the multipart answer as one string.
	if err != nil || content == nil || !strings.Contains(*content, workerCode) {
		t.Fatalf("Scripts.Get: %v %v", err, content)
	}
	m.mu.Lock()
	m.bodies = append(m.bodies, *content)
	m.mu.Unlock()

	scriptSettings, err := client.Workers.Scripts.Settings.Get(ctx, "sdk-worker", workers.ScriptSettingGetParams{AccountID: account})
	if err != nil || scriptSettings.Logpush {
		t.Fatalf("Settings.Get: %v %+v", err, scriptSettings)
	}
	deployments, err := client.Workers.Scripts.Deployments.Get(ctx, "sdk-worker", workers.ScriptDeploymentGetParams{AccountID: account})
	if err != nil || len(deployments.Deployments) != 1 || deployments.Deployments[0].Versions[0].Percentage != 100 {
		t.Fatalf("Deployments.Get: %v %+v", err, deployments)
	}
	sub, err := client.Workers.Subdomains.Get(ctx, workers.SubdomainGetParams{AccountID: account})
	if err != nil || sub.Subdomain != mockWorkersSubdomain {
		t.Fatalf("Subdomains.Get: %v %+v", err, sub)
	}

	if _, err := client.Workers.Scripts.Delete(ctx, "sdk-worker", workers.ScriptDeleteParams{AccountID: account}); err != nil {
		t.Fatalf("Scripts.Delete: %v", err)
	}
	_, err = client.Workers.Scripts.ScriptAndVersionSettings.Get(ctx, "sdk-worker", workers.ScriptScriptAndVersionSettingGetParams{AccountID: account})
	var apiErr *cloudflare.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || apiErr.Errors[0].Code != 10007 {
		t.Fatalf("settings of a deleted Worker: %v", err)
	}
}

func sdkClient(m *mockAPI) *cloudflare.Client {
	return cloudflare.NewClient(
		option.WithBaseURL(m.http.URL+"/client/v4/"),
		option.WithAPIToken(m.mock.AdminToken()),
		option.WithMaxRetries(0),
	)
}
