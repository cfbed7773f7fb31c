package cfclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// workerModule is the code of the Workers the tests deploy; the mock stores it and runs nothing.
const workerModule = "export default { fetch() { return new Response('ok') } }"

// api is the mock Cloudflare API on a local HTTP server, with a Client for its admin token.
type api struct {
	t       *testing.T
	mock    *cloudflaremock.Server
	srv     *httptest.Server
	client  *cfclient.Client
	control *cloudflaremock.ControlClient
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
	a := &api{t: t, mock: mock, srv: srv, account: mock.AccountID(), control: cloudflaremock.NewControlClient(srv.URL, srv.Client())}
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

// requests is the mock's request log.
func (a *api) requests() []cloudflaremock.LoggedRequest {
	a.t.Helper()
	log, err := a.control.Requests(a.t.Context())
	if err != nil {
		a.t.Fatal(err)
	}
	return log
}

func (a *api) clearRequests() {
	a.t.Helper()
	if err := a.control.ClearRequests(a.t.Context()); err != nil {
		a.t.Fatal(err)
	}
}

// holdsValue tells whether the mock holds value for the secret (by digest only).
func (a *api) holdsValue(secretID, value string) bool {
	a.t.Helper()
	held, err := a.control.HoldsValue(a.t.Context(), secretID, value)
	if err != nil {
		a.t.Fatal(err)
	}
	return held
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

// deploy uploads a module Worker with these bindings, as `wrangler deploy` does.
func (a *api) deploy(script string, bindings ...cfclient.Binding) {
	a.t.Helper()
	if err := a.client.DeployWorker(a.t.Context(), a.account, script, workerModule, bindings...); err != nil {
		a.t.Fatal(err)
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
