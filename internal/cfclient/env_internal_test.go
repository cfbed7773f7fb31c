package cfclient

import (
	"testing"

	"github.com/cloudflare/cloudflare-go/v4/option"
)

// Regression test for a fixed bug (client.go, New; the aliasing is in cloudflare-go v4.6.0): every SDK method starts with
// `opts = append(r.Options[:], opts...)`, where r.Options is one slice shared by all services of
// the client. When that slice has spare capacity, concurrent calls append their per-request
// options (request body, response destination) into the same backing array and pick up each
// other's: a data race, and requests sent with another call's body. NewClient builds the slice
// by appending the caller's options to DefaultClientOptions(), whose length depends on the
// CLOUDFLARE_* environment variables; with four or more set it has spare capacity (a scratch run
// of 200 concurrent CreateSecrets then saw -race reports and 4 calls get another's answer).
func TestSDKOptionSlicesHaveNoSpareCapacity(t *testing.T) {
	t.Setenv("CLOUDFLARE_BASE_URL", "http://127.0.0.1:1/client/v4/")
	t.Setenv("CLOUDFLARE_API_TOKEN", "env-token")
	t.Setenv("CLOUDFLARE_API_KEY", "env-key")
	t.Setenv("CLOUDFLARE_EMAIL", "env@example.com")
	for _, cfg := range []Config{{APIToken: "t"}, {APIToken: "t", UserAgent: "terraform-provider-cfsecrets/test"}} {
		c := New(cfg)
		for name, opts := range map[string][]option.RequestOption{
			"SecretsStore.Stores.Secrets": c.sdk.SecretsStore.Stores.Secrets.Options,
			"SecretsStore.Stores":         c.sdk.SecretsStore.Stores.Options,
			"Workers.Scripts":             c.sdk.Workers.Scripts.Options,
			"Accounts.Tokens":             c.sdk.Accounts.Tokens.Options,
			"client (Execute)":            c.sdk.Options,
		} {
			if len(opts) != cap(opts) {
				t.Errorf("UserAgent %q: %s options have len %d, cap %d: concurrent calls share the spare capacity",
					cfg.UserAgent, name, len(opts), cap(opts))
			}
		}
	}
}
