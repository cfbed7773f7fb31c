package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// Issue 9 asks for every user-supplied argument to be validated at plan time; issue 13 that a
// value Cloudflare would refuse or change is refused at plan time. The target below checks the
// provider's plan-time validators against the mock API, which follows Cloudflare's documented
// rules: a value the provider accepts at plan time must be accepted by the API at apply time and
// come back unchanged (no late surprise), and where the provider copies an API rule exactly (secret
// names, values, scopes, store and token names) a value the API accepts must not be refused at
// plan time either.
//
// The arguments come from the schemas: fuzzPlanArguments says, for every argument a configuration
// can set, how its value reaches the API or why it is not fuzzed here, and
// TestPlanValidationFuzzCoversEverySchemaArgument fails for an argument it does not list.

const (
	fuzzPlanSecretName = "fuzz_bound_secret"
	fuzzWorkersWriteID = "e086da7e2179491d91ee5f35b3ca210a" // "Workers Scripts Write" (cloudflaremock/FACTS.md)
)

// fuzzPlanArgument is how one argument's value reaches the API: a request carrying it to the
// mock, or why it is not fuzzed here.
type fuzzPlanArgument struct {
	// send makes the API request carrying value and reports whether the API accepted it; its
	// answer holds what the API stored.
	send func(m *fuzzMockClient, value string) (accepted bool, answer string)
	// stored reads, from an accepted answer, the value the API kept; nil: it keeps what it was sent
	// or does not say.
	stored func(t *testing.T, answer string) string
	// same compares the sent and the stored value; nil: they must be equal strings.
	same func(sent, stored string) bool
	// exact: the provider's rule is the API's rule, so the two must agree both ways; otherwise
	// the provider may be stricter (only "plan accepts => API accepts" is checked).
	exact bool
	// notFuzzed says why the argument has no request here (another test covers it, or its value
	// is never sent); set exactly when send is nil.
	notFuzzed string
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

func (m *fuzzMockClient) createSecretWithComment(comment string) (bool, string) {
	m.t.Helper()
	return m.postJSON("/secrets_store/stores/"+m.store()+"/secrets",
		[]map[string]any{{"name": "fuzz_secret", "value": "fuzz value", "scopes": []string{"workers"}, "comment": comment}})
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

// fuzzResult decodes an accepted answer's result.
func fuzzResult[T any](t *testing.T, answer string) T {
	t.Helper()
	var env struct {
		Result T `json:"result"`
	}
	if err := json.Unmarshal([]byte(answer), &env); err != nil {
		t.Fatalf("decoding %s: %v", answer, err)
	}
	return env.Result
}

type fuzzTokenAnswer struct {
	Name      string `json:"name"`
	NotBefore string `json:"not_before"`
	ExpiresOn string `json:"expires_on"`
	Condition struct {
		RequestIP struct {
			In    []string `json:"in"`
			NotIn []string `json:"not_in"`
		} `json:"request_ip"`
	} `json:"condition"`
}

func fuzzOnlyElement(t *testing.T, values []string) string {
	t.Helper()
	if len(values) != 1 {
		t.Fatalf("the API kept %d values of one sent: %q", len(values), values)
	}
	return values[0]
}

// Reasons an argument is not fuzzed against the mock here.
const (
	fuzzIDInPath    = "an id in the request path, validated as 32 lowercase hex (FuzzIDValidators); whether it exists is checked at plan time"
	fuzzNeverSent   = "never sent to Cloudflare"
	fuzzTimeouts    = "Terraform durations, validated by terraform-plugin-framework-timeouts; never sent"
	fuzzFilter      = "a filter of a listing: every value is a valid question, and one that matches nothing answers nothing"
	fuzzSecretRef   = "the name of a secret, validated like cfsecrets_secret.name (FuzzSecretNameValidators)"
	fuzzWorkerName  = "a Worker name in the request path, validated like cfsecrets_worker_binding.script_name"
	fuzzPermissions = "names resolved at plan time against the account's permission-group catalogue; refused there when no account-scoped group has the name"
)

func fuzzPlanArguments() map[string]fuzzPlanArgument {
	createToken := func(set func(body map[string]any, v string)) func(m *fuzzMockClient, v string) (bool, string) {
		return func(m *fuzzMockClient, v string) (bool, string) {
			return m.createToken(func(body map[string]any) { set(body, v) })
		}
	}
	tokenName := fuzzPlanArgument{exact: true,
		send:   createToken(func(body map[string]any, v string) { body["name"] = v }),
		stored: func(t *testing.T, answer string) string { return fuzzResult[fuzzTokenAnswer](t, answer).Name }}
	allowedIPs := fuzzPlanArgument{
		send: createToken(func(body map[string]any, v string) {
			body["condition"] = map[string]any{"request_ip": map[string][]string{"in": {v}}}
		}),
		stored: func(t *testing.T, answer string) string {
			return fuzzOnlyElement(t, fuzzResult[fuzzTokenAnswer](t, answer).Condition.RequestIP.In)
		}}
	notFuzzed := func(why string) fuzzPlanArgument { return fuzzPlanArgument{notFuzzed: why} }
	return map[string]fuzzPlanArgument{
		"provider.api_token":           notFuzzed("the credential: only Cloudflare can tell whether it is valid"),
		"provider.account_id":          notFuzzed(fuzzIDInPath),
		"provider.base_url":            notFuzzed("the address requests go to, validated as an http or https URL"),
		"provider.max_retries":         notFuzzed("a number with a range, never sent"),
		"provider.requests_per_second": notFuzzed("a number with a range, never sent"),
		"provider.burst":               notFuzzed("a number with a range, never sent"),

		"resource cfsecrets_store.account_id":    notFuzzed(fuzzIDInPath),
		"resource cfsecrets_store.force_destroy": notFuzzed("a bool, sent as the query parameter force"),
		"resource cfsecrets_store.timeouts":      notFuzzed(fuzzTimeouts),
		"resource cfsecrets_store.name": {exact: true,
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.postJSON("/secrets_store/stores", map[string]string{"name": v})
			},
			stored: func(t *testing.T, answer string) string { return fuzzResult[struct{ Name string }](t, answer).Name }},

		"resource cfsecrets_secret.account_id":       notFuzzed(fuzzIDInPath),
		"resource cfsecrets_secret.store_id":         notFuzzed(fuzzIDInPath),
		"resource cfsecrets_secret.value_wo_version": notFuzzed("a number that decides when value_wo is sent; never sent itself"),
		"resource cfsecrets_secret.timeouts":         notFuzzed(fuzzTimeouts),
		"resource cfsecrets_secret.name": {exact: true,
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createSecret(v, "fuzz value", []string{"workers"})
			},
			stored: func(t *testing.T, answer string) string {
				return fuzzResult[[]struct{ Name string }](t, answer)[0].Name
			}},
		"resource cfsecrets_secret.value_wo": {exact: true,
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createSecret("fuzz_secret", v, []string{"workers"})
			}},
		"resource cfsecrets_secret.scopes": {exact: true,
			send: func(m *fuzzMockClient, v string) (bool, string) {
				return m.createSecret("fuzz_secret", "fuzz value", []string{v})
			},
			stored: func(t *testing.T, answer string) string {
				return fuzzOnlyElement(t, fuzzResult[[]struct{ Scopes []string }](t, answer)[0].Scopes)
			}},
		"resource cfsecrets_secret.comment": {
			send: func(m *fuzzMockClient, v string) (bool, string) { return m.createSecretWithComment(v) },
			stored: func(t *testing.T, answer string) string {
				return fuzzResult[[]struct{ Comment string }](t, answer)[0].Comment
			}},

		"resource cfsecrets_worker_binding.account_id":  notFuzzed(fuzzIDInPath),
		"resource cfsecrets_worker_binding.store_id":    notFuzzed(fuzzIDInPath),
		"resource cfsecrets_worker_binding.secret_name": notFuzzed(fuzzSecretRef),
		"resource cfsecrets_worker_binding.timeouts":    notFuzzed(fuzzTimeouts),
		"resource cfsecrets_worker_binding.name": {
			send: func(m *fuzzMockClient, v string) (bool, string) { return m.uploadWorker("fuzz-worker", v) }},
		"resource cfsecrets_worker_binding.script_name": {
			send: func(m *fuzzMockClient, v string) (bool, string) { return m.uploadWorker(v, "SECRET") }},

		"resource cfsecrets_deploy_token.account_id":        notFuzzed(fuzzIDInPath),
		"resource cfsecrets_deploy_token.extra_permissions": notFuzzed(fuzzPermissions),
		"resource cfsecrets_deploy_token.rotation_triggers": notFuzzed(fuzzNeverSent),
		"resource cfsecrets_deploy_token.timeouts":          notFuzzed(fuzzTimeouts),
		"resource cfsecrets_deploy_token.name":              tokenName,
		"resource cfsecrets_deploy_token.allowed_ips":       allowedIPs,
		"resource cfsecrets_deploy_token.denied_ips": {
			send: createToken(func(body map[string]any, v string) {
				body["condition"] = map[string]any{"request_ip": map[string][]string{"not_in": {v}}}
			}),
			stored: func(t *testing.T, answer string) string {
				return fuzzOnlyElement(t, fuzzResult[fuzzTokenAnswer](t, answer).Condition.RequestIP.NotIn)
			}},
		"resource cfsecrets_deploy_token.expires_on": {
			send:   createToken(func(body map[string]any, v string) { body["expires_on"] = v }),
			stored: func(t *testing.T, answer string) string { return fuzzResult[fuzzTokenAnswer](t, answer).ExpiresOn },
			same:   cfclient.SameInstant},
		"resource cfsecrets_deploy_token.not_before": {
			send:   createToken(func(body map[string]any, v string) { body["not_before"] = v }),
			stored: func(t *testing.T, answer string) string { return fuzzResult[fuzzTokenAnswer](t, answer).NotBefore },
			same:   cfclient.SameInstant},

		"ephemeral resource cfsecrets_deploy_token.account_id":        notFuzzed(fuzzIDInPath),
		"ephemeral resource cfsecrets_deploy_token.extra_permissions": notFuzzed(fuzzPermissions),
		"ephemeral resource cfsecrets_deploy_token.ttl":               notFuzzed("a duration with a range; the token's expires_on is computed from it in whole seconds"),
		"ephemeral resource cfsecrets_deploy_token.name":              tokenName,
		"ephemeral resource cfsecrets_deploy_token.allowed_ips":       allowedIPs,

		"data source cfsecrets_store.account_id":             notFuzzed(fuzzIDInPath),
		"data source cfsecrets_store.id":                     notFuzzed("compared with the account's stores, never sent"),
		"data source cfsecrets_store.name":                   notFuzzed("compared with the account's stores, never sent"),
		"data source cfsecrets_secrets.account_id":           notFuzzed(fuzzIDInPath),
		"data source cfsecrets_secrets.store_id":             notFuzzed(fuzzIDInPath),
		"data source cfsecrets_secrets.search":               notFuzzed(fuzzFilter),
		"data source cfsecrets_secrets.scopes":               notFuzzed(fuzzFilter),
		"data source cfsecrets_secret_usage.account_id":      notFuzzed(fuzzIDInPath),
		"data source cfsecrets_secret_usage.store_id":        notFuzzed(fuzzIDInPath),
		"data source cfsecrets_secret_usage.secret_name":     notFuzzed(fuzzSecretRef),
		"data source cfsecrets_worker_secrets.account_id":    notFuzzed(fuzzIDInPath),
		"data source cfsecrets_worker_secrets.script_name":   notFuzzed(fuzzWorkerName),
		"data source cfsecrets_permission_groups.account_id": notFuzzed(fuzzIDInPath),
		"data source cfsecrets_permission_groups.name":       notFuzzed(fuzzFilter),
		"data source cfsecrets_permission_groups.scope":      notFuzzed(fuzzFilter),
		"data source cfsecrets_wrangler_config.environments": notFuzzed("rendered into Wrangler configuration, never sent (FuzzWranglerConfig)"),

		"list resource cfsecrets_secret.account_id":          notFuzzed(fuzzIDInPath),
		"list resource cfsecrets_secret.store_id":            notFuzzed(fuzzIDInPath),
		"list resource cfsecrets_secret.search":              notFuzzed(fuzzFilter),
		"list resource cfsecrets_secret.scopes":              notFuzzed(fuzzFilter),
		"list resource cfsecrets_worker_binding.account_id":  notFuzzed(fuzzIDInPath),
		"list resource cfsecrets_worker_binding.script_name": notFuzzed(fuzzWorkerName),
		"list resource cfsecrets_deploy_token.account_id":    notFuzzed(fuzzIDInPath),
	}
}

// TestPlanValidationFuzzCoversEverySchemaArgument: the fuzz target's list is the schemas' list of
// arguments, so an argument added later cannot slip past it.
func TestPlanValidationFuzzCoversEverySchemaArgument(t *testing.T) {
	arguments := fuzzPlanArguments()
	settable := map[string]bool{}
	for _, a := range fuzzSchemaAttributes(t) {
		if !a.settable {
			continue
		}
		settable[a.where] = true
		if _, listed := arguments[a.where]; !listed {
			t.Errorf("%s can be set in a configuration but fuzzPlanArguments does not say how it reaches the API", a.where)
		}
	}
	for where, a := range arguments {
		if !settable[where] {
			t.Errorf("fuzzPlanArguments lists %s, which no schema has as an argument", where)
		}
		if (a.send == nil) == (a.notFuzzed == "") {
			t.Errorf("%s: give either a request or the reason it is not fuzzed", where)
		}
	}
}

// fuzzPlanAccepts runs the plan-time validators of an argument on value: a string's own, or a
// set's on a set holding value.
func fuzzPlanAccepts(a fuzzSchemaAttribute, value string) bool {
	var diags diag.Diagnostics
	diags.Append(fuzzValidateString(a.strings, types.StringValue(value))...)
	set := types.SetValueMust(types.StringType, []attr.Value{types.StringValue(value)})
	for _, v := range a.sets {
		resp := &validator.SetResponse{}
		v.ValidateSet(context.Background(), validator.SetRequest{Path: fuzzAttrPath, PathExpression: fuzzAttrPath.Expression(), ConfigValue: set}, resp)
		diags.Append(resp.Diagnostics...)
	}
	return !diags.HasError()
}

// FuzzPlanValidationMatchesMock: for each argument the API receives (field names it, as in
// fuzzPlanArguments, or picks one by its hash), plan-time validation and the mock API agree on
// value, as described above.
func FuzzPlanValidationMatchesMock(f *testing.F) {
	seeds := map[string][]string{
		"resource cfsecrets_secret.name":                 {"stripe_key", "bad name", "", strings.Repeat("n", 256)},
		"resource cfsecrets_secret.value_wo":             {"hunter2", ""},
		"resource cfsecrets_secret.scopes":               {"workers", "Workers"},
		"resource cfsecrets_secret.comment":              {"Stripe live key", "", " "},
		"resource cfsecrets_store.name":                  {"default_secrets_store", "", strings.Repeat("s", 256), "ü"},
		"resource cfsecrets_deploy_token.name":           {"CI deploy", strings.Repeat("é", 120), strings.Repeat("é", 121), " "},
		"ephemeral resource cfsecrets_deploy_token.name": {"\u00a0", "run"},
		"resource cfsecrets_deploy_token.allowed_ips":    {"198.51.100.0/24", "198.51.100.1", "2001:db8::/129", "198.51.100.7/24", "2001:DB8::/32"},
		"resource cfsecrets_deploy_token.denied_ips":     {"::ffff:198.51.100.0/120", "0.0.0.0/0"},
		"resource cfsecrets_deploy_token.expires_on":     {"2030-01-01T00:00:00Z", "2030-01-01", "9999-12-31T23:59:59-23:59", "2030-01-01T00:00:00.500Z"},
		"resource cfsecrets_deploy_token.not_before":     {"2030-01-01T00:00:00.25+01:00", "2020-01-01T00:00:00Z"},
		"resource cfsecrets_worker_binding.name":         {"STRIPE_KEY", "$", "not-an-identifier"},
		"resource cfsecrets_worker_binding.script_name":  {"my-worker", "My Worker", "a/b", strings.Repeat("w", 64)},
	}
	for field, values := range seeds {
		for _, v := range values {
			f.Add(field, v)
		}
	}
	arguments := fuzzPlanArguments()
	var fuzzed []string
	schema := map[string]fuzzSchemaAttribute{}
	for _, a := range fuzzSchemaAttributes(f) {
		if arg, ok := arguments[a.where]; ok && arg.send != nil {
			fuzzed = append(fuzzed, a.where)
			schema[a.where] = a
		}
	}
	slices.Sort(fuzzed)
	f.Fuzz(func(t *testing.T, field, value string) {
		if !utf8.ValidString(value) {
			// Terraform hands providers valid UTF-8 only, and JSON cannot carry anything else to
			// the API unchanged.
			return
		}
		if _, named := schema[field]; !named {
			h := fnv.New32a()
			_, _ = h.Write([]byte(field))
			field = fuzzed[int(h.Sum32()%uint32(len(fuzzed)))]
		}
		arg := arguments[field]
		planOK := fuzzPlanAccepts(schema[field], value)
		apiOK, answer := arg.send(newFuzzMockClient(t), value)
		switch {
		case planOK && !apiOK:
			t.Fatalf("%s = %q passes plan-time validation but the API refuses it: %s", field, value, answer)
		case !planOK && apiOK && arg.exact:
			t.Fatalf("%s = %q is refused at plan time but the API accepts it: %s", field, value, answer)
		case planOK && arg.stored != nil:
			same := arg.same
			if same == nil {
				same = func(a, b string) bool { return a == b }
			}
			if kept := arg.stored(t, answer); !same(value, kept) {
				t.Fatalf("%s = %q passes plan-time validation but the API keeps %q: the next plan would differ", field, value, kept)
			}
		}
	})
}
