// Package cfsecretstest holds what the provider's tests share: an in-process mock of the
// Cloudflare API on a random loopback port, HCL helpers, and a driver for the real terraform
// CLI with the provider binary built from this checkout.
package cfsecretstest

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// Mock is a running mock Cloudflare API owned by one test.
type Mock struct {
	Server *cloudflaremock.Server
	// Root is the server's address; BaseURL is Root + "/client/v4", what clients are given.
	Root, BaseURL string
	AccountID     string
	Token         string
}

// StartMock starts a mock API for t and stops it when t ends.
func StartMock(t testing.TB, cfg cloudflaremock.Config) *Mock {
	t.Helper()
	server, err := cloudflaremock.New(cfg)
	if err != nil {
		t.Fatalf("starting the mock Cloudflare API: %v", err)
	}
	httpServer := httptest.NewServer(server)
	t.Cleanup(httpServer.Close)
	return &Mock{
		Server:    server,
		Root:      httpServer.URL,
		BaseURL:   httpServer.URL + "/client/v4",
		AccountID: server.AccountID(),
		Token:     server.AdminToken(),
	}
}

// ProviderBlock is the provider configuration that points at this mock.
func (m *Mock) ProviderBlock() string {
	return fmt.Sprintf(`
provider "cfsecrets" {
  base_url   = %q
  api_token  = %q
  account_id = %q
}
`, m.BaseURL, m.Token, m.AccountID)
}

// Client is an admin API client, for changes "in the dashboard": tests make out-of-band changes
// through the real API routes, as a person or another tool would.
func (m *Mock) Client() *cfclient.Client {
	return cfclient.New(cfclient.Config{APIToken: m.Token, BaseURL: m.BaseURL})
}

// Control is a client of the mock's control routes, for what the wrappers below leave out.
func (m *Mock) Control() *cloudflaremock.ControlClient {
	return cloudflaremock.NewControlClient(m.Root, nil)
}

// HoldsValue tells whether the mock holds value for a secret, by digest through its control
// route: how tests prove which value was written without the value ever being returned.
func (m *Mock) HoldsValue(t testing.TB, secretID, value string) bool {
	t.Helper()
	held, err := m.Control().HoldsValue(t.Context(), secretID, value)
	check(t, err)
	return held
}

// Requests returns the requests the mock has served so far.
func (m *Mock) Requests(t testing.TB) []cloudflaremock.LoggedRequest {
	t.Helper()
	v, err := m.Control().Requests(t.Context())
	check(t, err)
	return v
}

// ClearRequests empties the request log, so what follows is counted alone.
func (m *Mock) ClearRequests(t testing.TB) {
	t.Helper()
	check(t, m.Control().ClearRequests(t.Context()))
}

// SetFaults makes the mock misbehave from now on (cloudflaremock.FaultSet); ClearFaults stops it.
func (m *Mock) SetFaults(t testing.TB, faults cloudflaremock.FaultSet) {
	t.Helper()
	check(t, m.Control().SetFaults(t.Context(), faults))
}

// FaultsInjected counts, by kind, the faults the mock has injected so far.
func (m *Mock) FaultsInjected(t testing.TB) map[cloudflaremock.FaultKind]int {
	t.Helper()
	v, err := m.Control().FaultsInjected(t.Context())
	check(t, err)
	return v
}

// ClearFaults makes the mock behave again.
func (m *Mock) ClearFaults(t testing.TB) {
	t.Helper()
	check(t, m.Control().ClearFaults(t.Context()))
}

// ExpireToken makes the mock treat an API token as expired from now on.
func (m *Mock) ExpireToken(t testing.TB, tokenID string) {
	t.Helper()
	check(t, m.Control().ExpireToken(t.Context(), tokenID))
}

// ClientWithToken is an API client that authenticates with token, e.g. a deploy token from state.
func (m *Mock) ClientWithToken(token string) *cfclient.Client {
	return cfclient.New(cfclient.Config{APIToken: token, BaseURL: m.BaseURL})
}

// check fails the test when err is not nil.
func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
