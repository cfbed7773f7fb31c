package cfclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// api is the mock Cloudflare API on a local HTTP server, with a Client for its admin token.
type api struct {
	t       *testing.T
	mock    *cloudflaremock.Server
	srv     *httptest.Server
	client  *cfclient.Client
	account string
}

func newAPI(t *testing.T, cfg cloudflaremock.Config) *api {
	t.Helper()
	mock, err := cloudflaremock.New(cfg)
	if err != nil {
		t.Fatalf("cloudflaremock.New: %v", err)
	}
	srv := httptest.NewServer(mock)
	t.Cleanup(srv.Close)
	a := &api{t: t, mock: mock, srv: srv, account: mock.AccountID()}
	a.client = a.newClient(cfclient.Config{})
	return a
}

// newClient makes another client of the same mock; APIToken and BaseURL are filled in.
func (a *api) newClient(cfg cfclient.Config) *cfclient.Client {
	if cfg.APIToken == "" {
		cfg.APIToken = a.mock.AdminToken()
	}
	cfg.BaseURL = a.srv.URL + "/client/v4"
	return cfclient.New(cfg)
}

type logged struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query"`
	Status int    `json:"status"`
	// Fault and HandlerStatus are set on requests the mock's fault injection touched.
	Fault         string `json:"fault"`
	HandlerStatus int    `json:"handler_status"`
}

func (a *api) control(method, path string) *http.Response {
	a.t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	res, err := a.srv.Client().Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	if res.StatusCode != http.StatusOK {
		_ = res.Body.Close()
		a.t.Fatalf("%s %s: status %d", method, path, res.StatusCode)
	}
	return res
}

// requests is the mock's request log.
func (a *api) requests() []logged {
	a.t.Helper()
	res := a.control(http.MethodGet, "/__mock/requests")
	defer func() { _ = res.Body.Close() }()
	var log []logged
	if err := json.NewDecoder(res.Body).Decode(&log); err != nil {
		a.t.Fatalf("request log: %v", err)
	}
	return log
}

func (a *api) clearRequests() {
	a.t.Helper()
	_ = a.control(http.MethodDelete, "/__mock/requests").Body.Close()
}

// count is how many logged requests have this method and a path ending in suffix.
func (a *api) count(method, suffix string) int {
	a.t.Helper()
	n := 0
	for _, r := range a.requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// createStore makes the account's store with a separate client, so a.client has loaded nothing
// (the client that creates a store knows it is empty).
func (a *api) createStore() string {
	a.t.Helper()
	st, err := a.newClient(cfclient.Config{}).CreateStore(context.Background(), a.account, "default_secrets_store")
	if err != nil {
		a.t.Fatalf("CreateStore: %v", err)
	}
	return st.ID
}

// createSecrets makes n secrets NAME_000.. in bulk requests of up to 100 with a separate client
// (so a.client has loaded nothing), in name order.
func (a *api) createSecrets(storeID string, n int) []cfclient.Secret {
	a.t.Helper()
	setup := a.newClient(cfclient.Config{})
	var all []cfclient.Secret
	for start := 0; start < n; start += 100 {
		var batch []cfclient.NewSecret
		for i := start; i < min(start+100, n); i++ {
			batch = append(batch, cfclient.NewSecret{Name: fmt.Sprintf("NAME_%03d", i), Value: fmt.Sprintf("value-%d", i), Scopes: []string{"workers"}})
		}
		created, err := setup.CreateSecrets(context.Background(), a.account, storeID, batch)
		if err != nil {
			a.t.Fatalf("CreateSecrets: %v", err)
		}
		all = append(all, created...)
	}
	return all
}

func (a *api) deploy(script string, bindings ...cfclient.Binding) {
	a.t.Helper()
	err := a.client.UploadModuleWorker(context.Background(), a.account, script, "2025-01-01",
		[]cfclient.WorkerModule{{Name: "index.js", Content: "export default { fetch() { return new Response('ok') } }"}}, bindings)
	if err != nil {
		a.t.Fatalf("UploadModuleWorker: %v", err)
	}
}

// bindings reads a script's bindings with a fresh client that shares nothing, by name.
func (a *api) bindings(script string) map[string]cfclient.Binding { //nolint:unparam // names its script like deploy, which tests call with several
	a.t.Helper()
	list, err := a.newClient(cfclient.Config{PerResourceReads: true}).ScriptBindings(context.Background(), a.account, script)
	if err != nil {
		a.t.Fatalf("ScriptBindings: %v", err)
	}
	byName := map[string]cfclient.Binding{}
	for _, b := range list {
		byName[b.Name] = b
	}
	return byName
}

func rawBinding(t *testing.T, raw string) cfclient.Binding {
	t.Helper()
	var b cfclient.Binding
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		t.Fatal(err)
	}
	return b
}
