package cloudflaremock

// Shared harness of the request-parsing fuzz targets (issue 9: "Go fuzz targets ... for the
// mock's request parsing (JSON bodies, multipart uploads, query strings): no panics, only proper
// API errors"). Every request goes through the real handler (New + ServeHTTP) of a fresh mock,
// so one input never depends on what an earlier one left behind.
//
// Invariants checked on every answer (fuzzMock.do):
//   - the handler does not panic (a panic fails the fuzz run with the input);
//   - no 5xx: client input alone never makes the mock fail (no faults are configured);
//   - the answer is a Cloudflare envelope (Content-Type application/json, `success` a boolean,
//     `errors` and `messages` arrays, `result` present); the one exception is the script
//     content route, which answers the module as application/javascript;
//   - status < 400 <=> success true <=> errors empty; every error has a code and a message, and
//     an error answer's result is null;
//   - result_info, when present, is consistent (count = items in the page, count <= per_page,
//     total_pages = ceil(total_count / per_page)).
// Targets add their own: no secret value (they all start with fuzzValueMarker) in any answer or
// in the request log, and a model of which inputs succeed.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
)

// fuzzValueMarker starts every secret value (Secrets Store values and secret_text texts) the
// targets send. No route may ever answer it.
const fuzzValueMarker = "zz fuzz.secret.value zz"

// fuzzSetupValue is the value of the secrets a target's setup creates.
const fuzzSetupValue = fuzzValueMarker + " set up"

// fuzzSetup says what a target's fresh mock holds before the fuzzed request.
type fuzzSetup int

const (
	fuzzEmpty      fuzzSetup = iota
	fuzzWithStore            // the account's store
	fuzzWithSecret           // the store and secret "fuzz_secret" (scopes workers, ai_gateway)
	fuzzWithWorker           // all of the above and Worker "fuzz-worker" binding it
)

const (
	fuzzSecretName = "fuzz_secret"
	fuzzScriptName = "fuzz-worker"
	fuzzRemoteAddr = "192.0.2.10:4321"
)

type fuzzMock struct {
	t        *testing.T
	s        *Server
	storeID  string
	secretID string
}

type fuzzAnswer struct {
	status int
	body   string
	result json.RawMessage
	info   *resultInfo
}

func newFuzzMock(t *testing.T, setup fuzzSetup) *fuzzMock {
	t.Helper()
	s, err := New(Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	m := &fuzzMock{t: t, s: s}
	if setup >= fuzzWithStore {
		a := m.mustOK(m.apiJSON(http.MethodPost, "/secrets_store/stores", `{"name":"fuzz_store"}`))
		m.storeID = fuzzResultID(t, a.result)
	}
	if setup >= fuzzWithSecret {
		body := fmt.Sprintf(`[{"name":%q,"value":%q,"scopes":["workers","ai_gateway"],"comment":"set up"}]`, fuzzSecretName, fuzzSetupValue)
		a := m.mustOK(m.apiJSON(http.MethodPost, m.secretsPath(), body))
		var created []secretView
		if err := json.Unmarshal(a.result, &created); err != nil || len(created) != 1 {
			t.Fatalf("setting up the secret: %s", a.body)
		}
		m.secretID = created[0].ID
	}
	if setup >= fuzzWithWorker {
		meta := fmt.Sprintf(`{"main_module":"index.js","compatibility_date":"2025-06-01","bindings":[`+
			`{"type":"secret_text","name":"SECRET","text":%q},`+
			`{"type":"secrets_store_secret","name":"BOUND","store_id":%q,"secret_name":%q},`+
			`{"type":"plain_text","name":"PLAIN","text":"visible"}]}`, fuzzSetupValue, m.storeID, fuzzSecretName)
		body, contentType := fuzzMultipart(t, []fuzzPart{
			{disposition: `form-data; name="metadata"`, contentType: "application/json", data: []byte(meta)},
			{disposition: `form-data; name="index.js"; filename="index.js"`, contentType: "application/javascript+module",
				data: []byte("export default { fetch() { return new Response('ok') } }")},
		})
		m.mustOK(m.do(http.MethodPut, m.accountPath("/workers/scripts/"+fuzzScriptName), "", fuzzAdminHeader(contentType), body))
	}
	return m
}

func (m *fuzzMock) accountPath(p string) string {
	return apiPrefix + "/accounts/" + m.s.AccountID() + p
}

func (m *fuzzMock) secretsPath() string {
	return "/secrets_store/stores/" + m.storeID + "/secrets"
}

func fuzzAdminHeader(contentType string) http.Header {
	h := http.Header{"Authorization": {"Bearer " + DefaultAdminToken}}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return h
}

// apiJSON sends a JSON body as the admin to an account-relative path.
func (m *fuzzMock) apiJSON(method, accountRelative, body string) fuzzAnswer {
	m.t.Helper()
	return m.do(method, m.accountPath(accountRelative), "", fuzzAdminHeader("application/json"), []byte(body))
}

func (m *fuzzMock) mustOK(a fuzzAnswer) fuzzAnswer {
	m.t.Helper()
	if a.status != http.StatusOK {
		m.t.Fatalf("setup request failed: %d %s", a.status, a.body)
	}
	return a
}

// do sends one request through the handler and checks the envelope invariants.
func (m *fuzzMock) do(method, urlPath, rawQuery string, header http.Header, body []byte) fuzzAnswer {
	m.t.Helper()
	if header == nil {
		header = http.Header{}
	}
	req := &http.Request{
		Method:        method,
		URL:           &url.URL{Path: urlPath, RawQuery: rawQuery},
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Host:          "mock.test",
		RemoteAddr:    fuzzRemoteAddr,
		RequestURI:    urlPath,
	}
	rec := httptest.NewRecorder()
	m.s.ServeHTTP(rec, req)
	return fuzzCheckAnswer(m.t, method+" "+urlPath, rec)
}

func fuzzCheckAnswer(t *testing.T, what string, rec *httptest.ResponseRecorder) fuzzAnswer {
	t.Helper()
	a := fuzzAnswer{status: rec.Code, body: rec.Body.String()}
	if a.status >= 500 {
		t.Fatalf("%s: client input made the mock fail with %d: %s", what, a.status, a.body)
	}
	if a.status < 100 {
		t.Fatalf("%s: status %d", what, a.status)
	}
	contentType := rec.Header().Get("Content-Type")
	if strings.HasPrefix(contentType, "multipart/form-data;") && a.status == http.StatusOK && strings.HasPrefix(what, http.MethodGet+" ") {
		return a // the script content route: the modules as a form, not an envelope
	}
	if contentType != "application/json" {
		t.Fatalf("%s: %d answer with Content-Type %q, want application/json: %.300s", what, a.status, contentType, a.body)
	}
	var env map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("%s: the answer is not a JSON object: %v: %.300s", what, err, a.body)
	}
	var success bool
	var errs, messages []struct {
		Code    *int    `json:"code"`
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(env["success"], &success); err != nil {
		t.Fatalf("%s: `success` is not a boolean: %.300s", what, a.body)
	}
	for field, into := range map[string]any{"errors": &errs, "messages": &messages} {
		raw := bytes.TrimSpace(env[field])
		if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, into) != nil {
			t.Fatalf("%s: `%s` is not an array of {code, message}: %.300s", what, field, a.body)
		}
	}
	result, hasResult := env["result"]
	if !hasResult {
		t.Fatalf("%s: the envelope has no `result`: %.300s", what, a.body)
	}
	a.result = result
	ok := a.status < 400
	if success != ok || (len(errs) == 0) != ok {
		t.Fatalf("%s: status %d with success %v and %d errors: %.300s", what, a.status, success, len(errs), a.body)
	}
	for _, e := range errs {
		if e.Code == nil || *e.Code <= 0 || e.Message == nil || *e.Message == "" {
			t.Fatalf("%s: an error without code or message: %.300s", what, a.body)
		}
	}
	if !ok && string(result) != "null" {
		t.Fatalf("%s: an error answer with a result: %.300s", what, a.body)
	}
	if raw, has := env["result_info"]; has {
		if err := json.Unmarshal(raw, &a.info); err != nil || a.info == nil {
			t.Fatalf("%s: bad result_info: %.300s", what, a.body)
		}
		fuzzCheckResultInfo(t, what, a)
	}
	return a
}

func fuzzCheckResultInfo(t *testing.T, what string, a fuzzAnswer) {
	t.Helper()
	info := a.info
	var items []json.RawMessage
	if json.Unmarshal(a.result, &items) != nil {
		var wrapped struct { // versions: {"items": [...]}
			Items []json.RawMessage `json:"items"`
		}
		if json.Unmarshal(a.result, &wrapped) != nil {
			t.Fatalf("%s: result_info beside a result that is no list: %.300s", what, a.body)
		}
		items = wrapped.Items
	}
	if info.Page < 1 || info.PerPage < 1 || info.Count != len(items) || info.Count > info.PerPage || info.Count > info.TotalCount ||
		info.TotalPages != (info.TotalCount+info.PerPage-1)/info.PerPage {
		t.Fatalf("%s: inconsistent result_info %+v for %d items: %.300s", what, *info, len(items), a.body)
	}
}

func fuzzResultID(t *testing.T, result json.RawMessage) string {
	t.Helper()
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(result, &v); err != nil || v.ID == "" {
		t.Fatalf("no id in %s", result)
	}
	return v.ID
}

// fuzzNoLeak fails when an answer carries fuzzValueMarker, unless the marker is also in an input
// the API echoes by design (a name, a comment, a path...).
func fuzzNoLeak(t *testing.T, what, answer string, echoed ...string) {
	t.Helper()
	for _, in := range echoed {
		if strings.Contains(in, fuzzValueMarker) {
			return
		}
	}
	if strings.Contains(answer, fuzzValueMarker) {
		t.Fatalf("%s: a secret value reached the answer: %.500s", what, answer)
	}
}

// fuzzCheckLog: the request log never holds a secret value (it has no bodies or headers).
func (m *fuzzMock) fuzzCheckLog(echoed ...string) {
	m.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/__mock/requests", nil)
	rec := httptest.NewRecorder()
	m.s.ServeHTTP(rec, req)
	fuzzNoLeak(m.t, "the request log", rec.Body.String(), echoed...)
}

// storedSHA256 is the SHA-256 of a secret's stored value, from the control route.
func (m *fuzzMock) storedSHA256(secretID string) string {
	m.t.Helper()
	rec := httptest.NewRecorder()
	m.s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/__mock/secrets/"+secretID+"/sha256", nil))
	var out struct {
		SHA256 string `json:"sha256"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		m.t.Fatalf("no stored value for secret %s: %d %s", secretID, rec.Code, rec.Body)
	}
	return out.SHA256
}

// fuzzViaJSON is s as the server reads it after a JSON round trip (invalid UTF-8 becomes U+FFFD).
func fuzzViaJSON(s string) string {
	raw, _ := json.Marshal(s)
	var out string
	_ = json.Unmarshal(raw, &out)
	return out
}

func fuzzJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding %v: %v", v, err)
	}
	return raw
}

// fuzzPart is one part of a multipart body, headers exactly as given.
type fuzzPart struct {
	disposition string // the Content-Disposition header, "" for none
	contentType string // "" for none
	data        []byte
}

// fuzzMultipart writes a well-formed multipart/form-data body (whatever the header values).
func fuzzMultipart(t *testing.T, parts []fuzzPart) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.disposition != "" {
			h.Set("Content-Disposition", p.disposition)
		}
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = pw.Write(p.data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// fuzzDisposition is a Content-Disposition for a form field named name (and filename when not
// empty), quoted or RFC 2231-encoded as needed; ok is false when no header can carry the values.
func fuzzDisposition(name, filename string) (string, bool) {
	params := map[string]string{"name": name}
	if filename != "" {
		params["filename"] = filename
	}
	d := mime.FormatMediaType("form-data", params)
	return d, d != ""
}

// fuzzModuleName is the module name the server will read from a part with this
// Content-Disposition (its filename, else its name), or "" when the header does not parse.
func fuzzModuleName(disposition string) (name, field string, parses bool) {
	_, params, err := mime.ParseMediaType(disposition)
	if err != nil {
		return "", "", false
	}
	if params["filename"] != "" {
		return params["filename"], params["name"], true
	}
	return params["name"], params["name"], true
}
