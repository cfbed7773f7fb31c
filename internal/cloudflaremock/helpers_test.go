package cloudflaremock

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// leakMarker is part of every secret value the tests write. The harness fails a test whose
// responses or request log ever contain it: no route may return a value.
const leakMarker = "zz-sentinel-zz"

func secretValue(suffix string) string { return leakMarker + "-" + suffix }

// fakeClock is a clock that only moves when told, so timestamp rules are tested without sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// mockAPI is a running mock plus the client side of the tests.
type mockAPI struct {
	t    *testing.T
	mock *Server
	http *httptest.Server

	mu     sync.Mutex
	bodies []string // every response body seen, checked for leaks at cleanup
}

func newMockAPI(t *testing.T, cfg Config) *mockAPI {
	t.Helper()
	mock, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	m := &mockAPI{t: t, mock: mock, http: httptest.NewServer(mock)}
	t.Cleanup(func() {
		log := m.control(http.MethodGet, "/__mock/requests")
		m.http.Close()
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, body := range append(m.bodies, log) {
			if strings.Contains(body, leakMarker) {
				t.Errorf("a secret value reached a response or the request log: %.200s", body)
			}
		}
	})
	return m
}

// response is an API answer, decoded loosely enough to check its exact shape.
type response struct {
	status int
	raw    string
	env    struct {
		Success    bool              `json:"success"`
		Errors     []errorItem       `json:"errors"`
		Messages   []json.RawMessage `json:"messages"`
		Result     json.RawMessage   `json:"result"`
		ResultInfo *resultInfo       `json:"result_info"`
	}
}

// send makes a request with full control of path and headers; body "" sends none.
func (m *mockAPI) send(method, path, body string, header http.Header) response {
	m.t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, m.http.URL+path, reader)
	if err != nil {
		m.t.Fatalf("building request: %v", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := m.http.Client().Do(req)
	if err != nil {
		m.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		m.t.Fatalf("reading body: %v", err)
	}
	m.mu.Lock()
	m.bodies = append(m.bodies, string(raw))
	m.mu.Unlock()
	r := response{status: res.StatusCode, raw: string(raw)}
	if strings.HasPrefix(path, apiPrefix) {
		if got := res.Header.Get("Content-Type"); got != "application/json" {
			m.t.Errorf("%s %s: Content-Type %q, want application/json", method, path, got)
		}
		if err := json.Unmarshal(raw, &r.env); err != nil {
			m.t.Fatalf("%s %s: answer is not a JSON envelope: %v: %s", method, path, err, raw)
		}
	}
	return r
}

// api calls a route under /client/v4 with the admin token; path is relative to the account,
// e.g. "/secrets_store/stores".
func (m *mockAPI) api(method, path, body string) response {
	m.t.Helper()
	return m.send(method, apiPrefix+"/accounts/"+m.mock.AccountID()+path, body, m.auth())
}

func (m *mockAPI) auth() http.Header {
	return http.Header{"Authorization": {"Bearer " + m.mock.AdminToken()}}
}

// requests is the request log, read through the control client the tests and commands use.
func (m *mockAPI) requests() []LoggedRequest {
	m.t.Helper()
	log, err := NewControlClient(m.http.URL, m.http.Client()).Requests(m.t.Context())
	if err != nil {
		m.t.Fatal(err)
	}
	return log
}

// control calls a /__mock route and returns its raw body.
func (m *mockAPI) control(method, path string) string {
	m.t.Helper()
	return m.send(method, path, "", nil).raw
}

// createStore makes the account's store and returns its id.
func (m *mockAPI) createStore() string {
	m.t.Helper()
	r := m.api(http.MethodPost, "/secrets_store/stores", `{"name":"default_secrets_store"}`)
	r.wantStatus(m.t, http.StatusOK)
	var st storeView
	r.decodeResult(m.t, &st)
	return st.ID
}

// createSecret makes one secret in storeID and returns it.
func (m *mockAPI) createSecret(storeID, name, value string, scopes ...string) secretView {
	m.t.Helper()
	body, _ := json.Marshal([]newSecretRequest{{Name: name, Value: value, Scopes: scopes}})
	r := m.api(http.MethodPost, "/secrets_store/stores/"+storeID+"/secrets", string(body))
	r.wantStatus(m.t, http.StatusOK)
	var created []secretView
	r.decodeResult(m.t, &created)
	if len(created) != 1 {
		m.t.Fatalf("created %d secrets, want 1", len(created))
	}
	return created[0]
}

func (r response) wantStatus(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.raw)
	}
}

// wantError checks an error answer: status, one error with this code and message, null result.
func (r response) wantError(t *testing.T, status, code int, message string) {
	t.Helper()
	r.wantStatus(t, status)
	if r.env.Success || string(r.env.Result) != "null" || len(r.env.Errors) != 1 ||
		r.env.Errors[0].Code != code || r.env.Errors[0].Message != message {
		t.Fatalf("want error %d %q, got %s", code, message, r.raw)
	}
}

func (r response) decodeResult(t *testing.T, v any) {
	t.Helper()
	if !r.env.Success {
		t.Fatalf("request failed: %s", r.raw)
	}
	if err := json.Unmarshal(r.env.Result, v); err != nil {
		t.Fatalf("decoding result: %v: %s", err, r.raw)
	}
}

var (
	idPattern   = regexp.MustCompile(`^[0-9a-f]{32}$`)
	timePattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)
)

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	if !timePattern.MatchString(s) {
		t.Fatalf("timestamp %q is not RFC 3339 UTC with microseconds", s)
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("timestamp %q: %v", s, err)
	}
	return parsed
}
