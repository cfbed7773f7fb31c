package cfclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// cloudflareEnv sets the variables cloudflare-go's NewClient reads into every client it builds
// (DefaultClientOptions): credentials and a base URL that the provider's configuration must
// override, never add to.
func cloudflareEnv(t *testing.T) {
	t.Setenv("CLOUDFLARE_BASE_URL", "http://127.0.0.1:1/client/v4/")
	t.Setenv("CLOUDFLARE_API_TOKEN", "env-token-sentinel")
	t.Setenv("CLOUDFLARE_API_KEY", "env-global-key-sentinel")
	t.Setenv("CLOUDFLARE_EMAIL", "env-user@example.com")
	t.Setenv("CLOUDFLARE_API_USER_SERVICE_KEY", "env-service-key-sentinel")
}

// Regression test for a fixed bug (client.go, New): cloudflare.NewClient starts from DefaultClientOptions, which read
// CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL and CLOUDFLARE_API_USER_SERVICE_KEY from the environment
// and add them as X-Auth-* headers to every request. WithAPIToken only sets Authorization, so a
// user's global API key is sent along with the provider's token, to whatever base_url is set.
func TestClientIgnoresCloudflareEnvironment(t *testing.T) {
	cloudflareEnv(t)
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, `{"success":true,"errors":[],"messages":[],"result":{"id":"abc","name":"s"}}`)
	}))
	defer srv.Close()
	c := cfclient.New(cfclient.Config{APIToken: "configured-token", BaseURL: srv.URL + "/client/v4"})
	for range 3 {
		if _, err := c.GetStore(context.Background(), "account", "abc"); err != nil {
			t.Fatalf("GetStore: %v (the configured base URL must win over CLOUDFLARE_BASE_URL)", err)
		}
	}
	for i, h := range seen {
		if got := h.Get("Authorization"); got != "Bearer configured-token" {
			t.Errorf("request %d: Authorization %q, want the configured token", i+1, got)
		}
		for _, name := range []string{"X-Auth-Key", "X-Auth-Email", "X-Auth-User-Service-Key"} {
			if v := h.Get(name); v != "" {
				t.Errorf("request %d carries %s from the environment (%q)", i+1, name, v)
			}
		}
	}
}
