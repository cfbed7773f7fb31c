package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// workerScript is the module Worker the demo deploys to each environment, as `wrangler deploy`
// would: it reads its two Secrets Store bindings.
const workerScript = `export default {
  async fetch(request, env) {
    const stripe = await env.STRIPE_KEY.get();
    const database = await env.DATABASE_URL.get();
    return Response.json({ environment: env.ENVIRONMENT, configured: Boolean(stripe && database) });
  },
};
`

// mockAPI is the mock Cloudflare API, served in this process on a free loopback port, so it
// stops whenever the demo does.
type mockAPI struct {
	server    *http.Server
	root      string // http://127.0.0.1:<port>, where the /__mock control routes live
	BaseURL   string
	AccountID string
	Token     string
}

func startMock() (*mockAPI, error) {
	handler, err := cloudflaremock.New(cloudflaremock.Config{})
	if err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening for the mock API: %w", err)
	}
	m := &mockAPI{
		server:    &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second},
		root:      "http://" + listener.Addr().String(),
		AccountID: handler.AccountID(),
		Token:     handler.AdminToken(),
	}
	m.BaseURL = m.root + "/client/v4"
	go func() { _ = m.server.Serve(listener) }() // ErrServerClosed once stop runs
	return m, nil
}

func (m *mockAPI) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = m.server.Shutdown(ctx) // a slow shutdown at exit needs no handling
}

// env is what the provider (and Wrangler, or curl) needs to talk to the mock.
func (m *mockAPI) env() []string {
	return []string{
		"CLOUDFLARE_BASE_URL=" + m.BaseURL,
		"CLOUDFLARE_ACCOUNT_ID=" + m.AccountID,
		"CLOUDFLARE_API_TOKEN=" + m.Token,
	}
}

// dashboard is a fresh admin client for one change or check "outside Terraform". Fresh, because a
// client shares reads for its lifetime, and the dashboard must see every change.
func (m *mockAPI) dashboard() *cfclient.Client {
	return cfclient.New(cfclient.Config{APIToken: m.Token, BaseURL: m.BaseURL})
}

// deployWorker uploads the module Worker with these bindings, replacing all of its bindings, as
// `wrangler deploy` does.
func (m *mockAPI) deployWorker(ctx context.Context, script string, bindings ...cfclient.Binding) error {
	return m.dashboard().DeployWorker(ctx, m.AccountID, script, workerScript, bindings...)
}

func plainText(name, text string) cfclient.Binding {
	raw, _ := json.Marshal(map[string]string{"type": "plain_text", "name": name, "text": text})
	return cfclient.Binding{Type: "plain_text", Name: name, Raw: raw}
}

// bindings describes a Worker's bindings in one line, sorted by name.
func (m *mockAPI) bindings(ctx context.Context, script string) (map[string]cfclient.Binding, string, error) {
	list, err := m.dashboard().ScriptBindings(ctx, m.AccountID, script)
	if err != nil {
		return nil, "", fmt.Errorf("reading the bindings of %s: %w", script, err)
	}
	byName := map[string]cfclient.Binding{}
	var parts []string
	for _, b := range list {
		byName[b.Name] = b
		what := b.Type
		if b.Type == cfclient.BindingTypeSecretsStore {
			what = "secret " + b.SecretName
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", b.Name, what))
	}
	slices.Sort(parts)
	return byName, strings.Join(parts, ", "), nil
}

// secret finds a secret of the account's store by name.
func (m *mockAPI) secret(ctx context.Context, name string) (cfclient.Secret, error) {
	client := m.dashboard()
	stores, err := client.ListStores(ctx, m.AccountID)
	if err != nil {
		return cfclient.Secret{}, fmt.Errorf("listing the stores: %w", err)
	}
	if len(stores) != 1 {
		return cfclient.Secret{}, fmt.Errorf("want the account's one store, got %d", len(stores))
	}
	secret, found, err := client.SecretByName(ctx, m.AccountID, stores[0].ID, name)
	if err == nil && !found {
		err = fmt.Errorf("store %s has no secret %s", stores[0].ID, name)
	}
	return secret, err
}

// rotateSecret sets a new value the way the dashboard's "Edit value" does.
func (m *mockAPI) rotateSecret(ctx context.Context, s cfclient.Secret, value string) (cfclient.Secret, error) {
	return m.dashboard().UpdateSecret(ctx, m.AccountID, s.StoreID, s.ID, cfclient.SecretPatch{Value: &value})
}

// holdsValue tells whether the mock holds value for the secret, through the mock's control route
// that answers only the value's SHA-256: the API itself never returns a value.
func (m *mockAPI) holdsValue(ctx context.Context, secretID, value string) (bool, error) {
	return cloudflaremock.NewControlClient(m.root, nil).HoldsValue(ctx, secretID, value)
}

// widenToken adds a permission group to a token's policy, as someone editing the token in the
// dashboard would.
func (m *mockAPI) widenToken(ctx context.Context, tokenID, groupName string) (cfclient.Token, error) {
	client := m.dashboard()
	token, err := client.GetAccountToken(ctx, m.AccountID, tokenID)
	if err != nil {
		return cfclient.Token{}, fmt.Errorf("reading token %s: %w", tokenID, err)
	}
	ids, err := m.permissionGroupIDs(ctx, client, groupName)
	if err != nil {
		return cfclient.Token{}, err
	}
	for _, policy := range token.Policies {
		for _, group := range policy.PermissionGroups {
			ids = append(ids, group.ID)
		}
	}
	return client.UpdateAccountToken(ctx, tokenID, cfclient.TokenSpec{
		Name:               token.Name,
		AccountID:          m.AccountID,
		PermissionGroupIDs: ids,
		AllowedIPs:         token.Condition.RequestIP.In,
		DeniedIPs:          token.Condition.RequestIP.NotIn,
		NotBefore:          token.NotBefore,
		ExpiresOn:          token.ExpiresOn,
	})
}

// createToken creates an account token holding the named permission groups; its value is in
// the answer.
func (m *mockAPI) createToken(ctx context.Context, name string, groupNames ...string) (cfclient.Token, error) {
	client := m.dashboard()
	ids, err := m.permissionGroupIDs(ctx, client, groupNames...)
	if err != nil {
		return cfclient.Token{}, err
	}
	return client.CreateAccountToken(ctx, cfclient.TokenSpec{Name: name, AccountID: m.AccountID, PermissionGroupIDs: ids})
}

func (m *mockAPI) permissionGroupIDs(ctx context.Context, client *cfclient.Client, names ...string) ([]string, error) {
	var ids []string
	for _, name := range names {
		// The account-scoped group of that name, as the provider resolves extra_permissions.
		groups, err := client.PermissionGroups(ctx, m.AccountID, name, cfclient.AccountScope)
		if err != nil {
			return nil, fmt.Errorf("looking up permission group %q: %w", name, err)
		}
		if len(groups) != 1 {
			return nil, fmt.Errorf("looking up permission group %q: %d found", name, len(groups))
		}
		ids = append(ids, groups[0].ID)
	}
	return ids, nil
}

// permissionNames lists a token's permission groups by name.
func permissionNames(token cfclient.Token) string {
	var names []string
	for _, policy := range token.Policies {
		for _, group := range policy.PermissionGroups {
			names = append(names, group.Name)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
