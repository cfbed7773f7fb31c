package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// Issue 9 asks for every user-supplied argument to be validated at plan time. The target below
// checks the provider's plan-time validators against the mock API, which follows Cloudflare's
// documented rules: a value the provider accepts at plan time must not be refused by the API
// at apply time (no late surprise), and where the provider copies an API rule exactly (secret
// names, values, scopes, store names, CIDRs, RFC 3339 times) a value the API accepts must not
// be refused at plan time either.

const (
	fuzzPlanSecretName   = "fuzz_bound_secret"
	fuzzWorkersWriteID   = "e086da7e2179491d91ee5f35b3ca210a" // "Workers Scripts Write" (cloudflaremock/FACTS.md)
	fuzzPlanFieldsNumber = 9
)

// fuzzPlanField is one user-supplied argument: the validators the provider wires to it, and a
// request carrying it to the mock.
type fuzzPlanField struct {
	name string
	// exact: the provider's rule is the API's rule, so the two must agree both ways; otherwise
	// the provider may be stricter (only "plan accepts => API accepts" is checked).
	exact      bool
	validators func(t *testing.T) []validator.String
	// send makes the API request carrying value and reports whether the API accepted it.
	send func(m *fuzzMockClient, value string) (accepted bool, answer string)
}

// fuzzMockClient calls a fresh in-process mock through its handler, as the admin.
type fuzzMockClient struct {
	t       *testing.T
	mock    *cloudflaremock.Server
	storeID string
}

func newFuzzMockClient(t *testing.T) *fuzzMockClient {
	t.Helper()
	mock, err := cloudflaremock.New(cloudflaremock.Config{})
	if err != nil {
		t.Fatalf("cloudflaremock.New: %v", err)
	}
	return &fuzzMockClient{t: t, mock: mock}
}

// call sends a request with an already escaped path under the account; the answer must be a
// Cloudflare envelope that is consistent with its status.
func (m *fuzzMockClient) call(method, escapedPath, contentType string, body []byte) (int, string) {
	m.t.Helper()
	req := httptest.NewRequest(method, "http://mock.test/", bytes.NewReader(body))
	u, err := url.Parse("http://mock.test/client/v4/accounts/" + m.mock.AccountID() + escapedPath)
	if err != nil {
		m.t.Fatalf("path %q: %v", escapedPath, err)
	}
	req.URL = u
	req.Header.Set("Authorization", "Bearer "+m.mock.AdminToken())
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	m.mock.ServeHTTP(rec, req)
	var env struct {
		Success *bool             `json:"success"`
		Errors  []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Success == nil || env.Errors == nil {
		m.t.Fatalf("%s %s: %d answer is not a Cloudflare envelope: %s", method, escapedPath, rec.Code, rec.Body)
	}
	if ok := rec.Code < 400; *env.Success != ok || (len(env.Errors) == 0) != ok || rec.Code >= 500 {
		m.t.Fatalf("%s %s: status %d with success %v and %d errors: %s", method, escapedPath, rec.Code, *env.Success, len(env.Errors), rec.Body)
	}
	return rec.Code, rec.Body.String()
}

func (m *fuzzMockClient) postJSON(escapedPath string, body any) (bool, string) {
	m.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		m.t.Fatalf("encoding %v: %v", body, err)
	}
	status, answer := m.call(http.MethodPost, escapedPath, "application/json", raw)
	return status == http.StatusOK, answer
}

func (m *fuzzMockClient) store() string {
	m.t.Helper()
	if m.storeID == "" {
		ok, answer := m.postJSON("/secrets_store/stores", map[string]string{"name": "fuzz_store"})
		var env struct {
			Result struct {
				ID string `json:"id"`
			} `json:"result"`
		}
		if !ok || json.Unmarshal([]byte(answer), &env) != nil || env.Result.ID == "" {
			m.t.Fatalf("creating the store: %s", answer)
		}
		m.storeID = env.Result.ID
	}
	return m.storeID
}

func (m *fuzzMockClient) createSecret(name, value string, scopes []string) (bool, string) {
	m.t.Helper()
	return m.postJSON("/secrets_store/stores/"+m.store()+"/secrets",
		[]map[string]any{{"name": name, "value": value, "scopes": scopes}})
}

func (m *fuzzMockClient) createToken(mutate func(body map[string]any)) (bool, string) {
	m.t.Helper()
	body := map[string]any{
		"name": "fuzz deploy token",
		"policies": []map[string]any{{
			"effect":            "allow",
			"permission_groups": []map[string]string{{"id": fuzzWorkersWriteID}},
			"resources":         map[string]string{"com.cloudflare.api.account." + m.mock.AccountID(): "*"},
		}},
	}
	mutate(body)
	return m.postJSON("/tokens", body)
}

// uploadWorker deploys a one-module Worker binding the secret fuzzPlanSecretName as bindingName.
func (m *fuzzMockClient) uploadWorker(scriptName, bindingName string) (bool, string) {
	m.t.Helper()
	if ok, answer := m.createSecret(fuzzPlanSecretName, "fuzz value", []string{"workers"}); !ok {
		m.t.Fatalf("creating the bound secret: %s", answer)
	}
	meta, _ := json.Marshal(map[string]any{
		"main_module":        "index.js",
		"compatibility_date": "2025-06-01",
		"bindings": []map[string]string{{"type": "secrets_store_secret", "name": bindingName,
			"store_id": m.store(), "secret_name": fuzzPlanSecretName}},
	})
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, p := range []struct{ name, filename, contentType, data string }{
		{"metadata", "", "application/json", string(meta)},
		{"index.js", "index.js", "application/javascript+module", "export default { fetch() { return new Response('ok') } }"},
	} {
		h := textproto.MIMEHeader{}
		disposition := fmt.Sprintf("form-data; name=%q", p.name)
		if p.filename != "" {
			disposition += fmt.Sprintf("; filename=%q", p.filename)
		}
		h.Set("Content-Disposition", disposition)
		h.Set("Content-Type", p.contentType)
		pw, err := w.CreatePart(h)
		if err != nil {
			m.t.Fatal(err)
		}
		_, _ = io.WriteString(pw, p.data)
	}
	_ = w.Close()
	status, answer := m.call(http.MethodPut, "/workers/scripts/"+url.PathEscape(scriptName), w.FormDataContentType(), body.Bytes())
	return status == http.StatusOK, answer
}

func fuzzPlanFields() []fuzzPlanField {
	resourceValidators := func(newResource func() resource.Resource, attribute string) func(t *testing.T) []validator.String {
		return func(t *testing.T) []validator.String {
			return fuzzStringValidatorsOf(t, fuzzResourceSchema(t, newResource()), attribute)
		}
	}
	return []fuzzPlanField{
		{name: "cfsecrets_secret.name", exact: true,
			validators: resourceValidators(newSecretResource, "name"),
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createSecret(v, "fuzz value", []string{"workers"})
			}},
		{name: "cfsecrets_secret.value_wo", exact: true,
			validators: resourceValidators(newSecretResource, "value_wo"),
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createSecret("fuzz_secret", v, []string{"workers"})
			}},
		{name: "cfsecrets_secret.scopes[*]", exact: true,
			validators: func(*testing.T) []validator.String { return []validator.String{scopeValidator()} },
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createSecret("fuzz_secret", "fuzz value", []string{v})
			}},
		{name: "cfsecrets_store.name", exact: true,
			validators: resourceValidators(newStoreResource, "name"),
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.postJSON("/secrets_store/stores", map[string]string{"name": v})
			}},
		{name: "cfsecrets_deploy_token.name",
			validators: resourceValidators(newDeployTokenResource, "name"),
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createToken(func(body map[string]any) { body["name"] = v })
			}},
		{name: "cfsecrets_deploy_token.allowed_ips[*]", exact: true,
			validators: func(*testing.T) []validator.String { return []validator.String{cidrValidator{}} },
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createToken(func(body map[string]any) {
					body["condition"] = map[string]any{"request_ip": map[string][]string{"in": {v}}}
				})
			}},
		{name: "cfsecrets_deploy_token.expires_on", exact: true,
			validators: resourceValidators(newDeployTokenResource, "expires_on"),
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createToken(func(body map[string]any) { body["expires_on"] = v })
			}},
		{name: "cfsecrets_worker_binding.name",
			validators: resourceValidators(newWorkerBindingResource, "name"),
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.uploadWorker("fuzz-worker", v)
			}},
		{name: "cfsecrets_worker_binding.script_name",
			validators: resourceValidators(newWorkerBindingResource, "script_name"),
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.uploadWorker(v, "SECRET")
			}},
	}
}

// FuzzPlanValidationMatchesMock: for each argument (field picks it), plan-time validation and
// the mock API agree on value, as described above.
func FuzzPlanValidationMatchesMock(f *testing.F) {
	seeds := []struct {
		field uint8
		value string
	}{
		{0, "stripe_key"}, {0, "bad name"}, {0, ""}, {0, strings.Repeat("n", 256)},
		{1, "hunter2"}, {1, ""},
		{2, "workers"}, {2, "Workers"},
		{3, "default_secrets_store"}, {3, ""}, {3, strings.Repeat("s", 256)}, {3, "ü"},
		{4, "CI deploy"}, {4, strings.Repeat("é", 61)}, {4, " "},
		{5, "198.51.100.0/24"}, {5, "198.51.100.1"}, {5, "2001:db8::/129"},
		{6, "2030-01-01T00:00:00Z"}, {6, "2030-01-01"}, {6, "9999-12-31T23:59:59-23:59"},
		{7, "STRIPE_KEY"}, {7, "$"}, {7, "not-an-identifier"},
		{8, "my-worker"}, {8, "My Worker"}, {8, "a/b"}, {8, strings.Repeat("w", 64)},
	}
	for _, s := range seeds {
		f.Add(s.field, s.value)
	}
	fields := fuzzPlanFields()
	if len(fields) != fuzzPlanFieldsNumber {
		f.Fatalf("%d fields, want %d", len(fields), fuzzPlanFieldsNumber)
	}
	f.Fuzz(func(t *testing.T, field uint8, value string) {
		fd := fields[int(field)%len(fields)]
		if !utf8.ValidString(value) {
			// Terraform hands providers valid UTF-8 only, and JSON cannot carry anything else to
			// the API unchanged.
			return
		}
		planOK := !fuzzValidateString(fd.validators(t), types.StringValue(value)).HasError()
		apiOK, answer := fd.send(newFuzzMockClient(t), value)
		if planOK == apiOK || (!planOK && !fd.exact) {
			return
		}
		if planOK {
			t.Fatalf("%s = %q passes plan-time validation but the API refuses it: %s", fd.name, value, answer)
		}
		t.Fatalf("%s = %q is refused at plan time but the API accepts it: %s", fd.name, value, answer)
	})
}
