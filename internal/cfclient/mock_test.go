package cfclient_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// api is the mock Cloudflare API on a local HTTP server (cfsecretstest.Mock), with a Client for
// its admin token: the client under test.
type api struct {
	*cfsecretstest.Mock
	t      *testing.T
	client *cfclient.Client
}

func newAPI(t *testing.T, cfg cloudflaremock.Config) *api {
	t.Helper()
	a := &api{Mock: cfsecretstest.StartMock(t, cfg), t: t}
	a.client = a.newClient(cfclient.Config{})
	return a
}

// newClient makes another client of the same mock; APIToken and BaseURL are filled in.
func (a *api) newClient(cfg cfclient.Config) *cfclient.Client {
	if cfg.APIToken == "" {
		cfg.APIToken = a.Token
	}
	cfg.BaseURL = a.BaseURL
	return cfclient.New(cfg)
}

// count is how many logged requests have this method and a path ending in suffix.
func (a *api) count(method, suffix string) int {
	a.t.Helper()
	n := 0
	for _, r := range a.Requests(a.t) {
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
	st, err := a.newClient(cfclient.Config{}).CreateStore(context.Background(), a.AccountID, "default_secrets_store")
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
		created, err := setup.CreateSecrets(context.Background(), a.AccountID, storeID, batch)
		if err != nil {
			a.t.Fatalf("CreateSecrets: %v", err)
		}
		all = append(all, created...)
	}
	return all
}

// deploy uploads a module Worker with these bindings through the client under test, as `wrangler
// deploy` would (the client must see its own deploy: TestUploadModuleWorkerVisibleToNextScriptBindings).
func (a *api) deploy(script string, bindings ...cfclient.Binding) {
	a.t.Helper()
	if err := a.client.DeployWorker(a.t.Context(), a.AccountID, script, cfsecretstest.WorkerModule, bindings...); err != nil {
		a.t.Fatal(err)
	}
}
