package cfclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// The internal tests drive the real Client against the mock without a network: memTransport
// hands each request straight to the mock's handler. With no sockets involved, a test can run
// inside a testing/synctest bubble, where synctest.Wait tells it exactly when every goroutine
// is blocked (so "they all arrived together" is a fact, not a hope) and where the batch
// window's timer fires only once everyone is waiting.

// memTransport serves requests with an http.Handler in the calling goroutine.
type memTransport struct {
	handler http.Handler
	// before, when set, sees every request before the mock does; tests hold requests there.
	before func(*http.Request)
}

func (m *memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if m.before != nil {
		m.before(req)
	}
	body := []byte{}
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	served := req.Clone(req.Context())
	served.Body = io.NopCloser(bytes.NewReader(body))
	served.ContentLength = int64(len(body))
	served.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	m.handler.ServeHTTP(rec, served)
	res := rec.Result()
	res.Request = req
	return res, nil
}

// memAPI is a mock Cloudflare and a Client wired to it in memory.
type memAPI struct {
	t         *testing.T
	mock      *cloudflaremock.Server
	transport *memTransport
	client    *Client
	control   *cloudflaremock.ControlClient
	account   string
}

// workerModule is the code of the Workers the tests deploy; the mock stores it and runs nothing.
const workerModule = "export default { fetch() { return new Response('ok') } }"

func newMemAPI(t *testing.T) *memAPI {
	t.Helper()
	mock, err := cloudflaremock.New(cloudflaremock.Config{})
	if err != nil {
		t.Fatalf("cloudflaremock.New: %v", err)
	}
	transport := &memTransport{handler: mock}
	client := New(Config{
		APIToken:   mock.AdminToken(),
		BaseURL:    "http://cloudflare.invalid/client/v4",
		HTTPClient: &http.Client{Transport: transport},
	})
	// The control client has a transport of its own: tests hold API requests in transport.before.
	control := cloudflaremock.NewControlClient("http://cloudflare.invalid", &http.Client{Transport: &memTransport{handler: mock}})
	return &memAPI{t: t, mock: mock, transport: transport, client: client, control: control, account: mock.AccountID()}
}

// requests reads the mock's request log.
func (m *memAPI) requests() []cloudflaremock.LoggedRequest {
	m.t.Helper()
	log, err := m.control.Requests(context.Background())
	if err != nil {
		m.t.Fatal(err)
	}
	return log
}

// clearRequests empties the request log, so a test counts only what follows.
func (m *memAPI) clearRequests() {
	m.t.Helper()
	if err := m.control.ClearRequests(context.Background()); err != nil {
		m.t.Fatal(err)
	}
}

// statuses returns the statuses of the logged requests with this method and path suffix.
func (m *memAPI) statuses(method, suffix string) []int {
	m.t.Helper()
	var out []int
	for _, r := range m.requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r.Status)
		}
	}
	return out
}

// count returns how many logged requests have this method and a path ending in suffix.
func (m *memAPI) count(method, suffix string) int {
	m.t.Helper()
	return len(m.statuses(method, suffix))
}

func (m *memAPI) createStore() string {
	m.t.Helper()
	st, err := m.client.CreateStore(context.Background(), m.account, "default_secrets_store")
	if err != nil {
		m.t.Fatalf("CreateStore: %v", err)
	}
	return st.ID
}

// createSecrets makes secrets in one request (not through the batcher) and returns them by name.
func (m *memAPI) createSecrets(storeID string, names ...string) map[string]Secret {
	m.t.Helper()
	var news []NewSecret
	for _, n := range names {
		news = append(news, NewSecret{Name: n, Value: "value-of-" + n, Scopes: []string{"workers"}})
	}
	created, err := m.client.CreateSecrets(context.Background(), m.account, storeID, news)
	if err != nil {
		m.t.Fatalf("CreateSecrets: %v", err)
	}
	byName := map[string]Secret{}
	for _, s := range created {
		byName[s.Name] = s
	}
	return byName
}

// deploy uploads a module Worker with these bindings, as `wrangler deploy` does.
func (m *memAPI) deploy(script string, bindings ...Binding) {
	m.t.Helper()
	if err := m.client.DeployWorker(context.Background(), m.account, script, workerModule, bindings...); err != nil {
		m.t.Fatal(err)
	}
}

// bindingsByName reads a script's bindings with a fresh client (no shared listing), by name.
func (m *memAPI) bindingsByName(script string) map[string]Binding {
	m.t.Helper()
	fresh := New(Config{APIToken: m.mock.AdminToken(), BaseURL: "http://cloudflare.invalid/client/v4",
		HTTPClient: &http.Client{Transport: &memTransport{handler: m.mock}}, PerResourceReads: true})
	bindings, err := fresh.ScriptBindings(context.Background(), m.account, script)
	if err != nil {
		m.t.Fatalf("ScriptBindings: %v", err)
	}
	byName := map[string]Binding{}
	for _, b := range bindings {
		byName[b.Name] = b
	}
	return byName
}

// gate holds the first request that matches until it is opened. held is closed when that
// request arrives, so a test can wait for it (inside a bubble, synctest.Wait does as well).
type gate struct {
	match func(*http.Request) bool
	open  chan struct{}
	held  chan struct{}
	once  sync.Once
}

func newGate(match func(*http.Request) bool) *gate {
	return &gate{match: match, open: make(chan struct{}), held: make(chan struct{})}
}

func (g *gate) before(req *http.Request) {
	if !g.match(req) {
		return
	}
	first := false
	g.once.Do(func() { first = true })
	if first {
		close(g.held)
		<-g.open
	}
}

func isSettingsGET(req *http.Request) bool {
	return req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/settings")
}
