// Package cfsecretstest holds what the provider's tests share: an in-process mock of the
// Cloudflare API on a random loopback port, HCL helpers, and a driver for the real terraform
// CLI with the provider binary built from this checkout.
package cfsecretstest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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

// SecretSHA256 is the SHA-256 of the value the mock holds for a secret, from its test-control
// route: how tests prove which value was written without the value ever being returned.
func (m *Mock) SecretSHA256(t testing.TB, secretID string) string {
	t.Helper()
	var answer struct {
		SHA256 string `json:"sha256"`
	}
	m.control(t, http.MethodGet, "/__mock/secrets/"+secretID+"/sha256", &answer)
	return answer.SHA256
}

// Request is one line of the mock's request log.
type Request struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query"`
	Status int    `json:"status"`
}

// Requests returns the requests the mock has served so far.
func (m *Mock) Requests(t testing.TB) []Request {
	t.Helper()
	var requests []Request
	m.control(t, http.MethodGet, "/__mock/requests", &requests)
	return requests
}

// SetFaults makes the mock misbehave from now on (cloudflaremock.FaultSet); ClearFaults stops it.
func (m *Mock) SetFaults(t testing.TB, faults cloudflaremock.FaultSet) {
	t.Helper()
	body, err := json.Marshal(faults)
	if err != nil {
		t.Fatal(err)
	}
	var answer any
	m.controlWithBody(t, http.MethodPut, "/__mock/faults", bytes.NewReader(body), &answer)
}

// FaultsInjected counts, by kind, the faults the mock has injected so far.
func (m *Mock) FaultsInjected(t testing.TB) map[cloudflaremock.FaultKind]int {
	t.Helper()
	var answer struct {
		Injected map[cloudflaremock.FaultKind]int `json:"injected"`
	}
	m.control(t, http.MethodGet, "/__mock/faults", &answer)
	return answer.Injected
}

// ClearFaults makes the mock behave again.
func (m *Mock) ClearFaults(t testing.TB) {
	t.Helper()
	var answer any
	m.control(t, http.MethodDelete, "/__mock/faults", &answer)
}

func (m *Mock) control(t testing.TB, method, path string, into any) {
	t.Helper()
	m.controlWithBody(t, method, path, nil, into)
}

func (m *Mock) controlWithBody(t testing.TB, method, path string, body io.Reader, into any) {
	t.Helper()
	req, err := http.NewRequest(method, m.Root+path, body)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("mock control route %s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mock control route %s %s answered %d", method, path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		t.Fatalf("decoding mock control route %s %s: %v", method, path, err)
	}
}

// SHA256 is the hex SHA-256 of s, to compare with SecretSHA256.
func SHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ExpireToken makes the mock treat an API token as expired from now on.
func (m *Mock) ExpireToken(t testing.TB, tokenID string) {
	t.Helper()
	var answer map[string]string
	m.control(t, http.MethodPost, "/__mock/tokens/"+tokenID+"/expire", &answer)
}

// ClientWithToken is an API client that authenticates with token, e.g. a deploy token from state.
func (m *Mock) ClientWithToken(token string) *cfclient.Client {
	return cfclient.New(cfclient.Config{APIToken: token, BaseURL: m.BaseURL})
}
