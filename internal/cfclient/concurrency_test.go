package cfclient_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// One Client used by many goroutines at once, as Terraform's parallel resources use it: reads
// and writes of secrets, bindings and tokens mixed. Run with -race; each goroutine also checks
// that its own writes are what it reads back.
func TestClientConcurrentMixedUse(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{SecretsQuota: 1000})
	storeID := a.createStore()
	const n = 20
	secrets := a.createSecrets(storeID, 2*n) // NAME_000..: the first n are updated and bound, the rest deleted
	a.deploy("app", cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"GREETING","text":"hello"}`))
	setup := a.newClient(cfclient.Config{})
	token, err := setup.CreateAccountToken(ctx, cfclient.TokenSpec{Name: "deploy", AccountID: a.AccountID, PermissionGroupIDs: []string{secretsStoreRead}})
	if err != nil {
		t.Fatal(err)
	}

	c := a.client
	errs := make(chan error, 10*n)
	fail := func(format string, args ...any) { errs <- fmt.Errorf(format, args...) }
	var wg sync.WaitGroup
	for i := range n {
		mine, doomed := secrets[i], secrets[n+i]
		wg.Go(func() { // read, update, read back
			if _, err := c.GetSecret(ctx, a.AccountID, storeID, mine.ID); err != nil {
				fail("GetSecret %s: %v", mine.Name, err)
				return
			}
			comment := fmt.Sprintf("updated-%d", i)
			if _, err := c.UpdateSecret(ctx, a.AccountID, storeID, mine.ID, cfclient.SecretPatch{Comment: &comment}); err != nil {
				fail("UpdateSecret %s: %v", mine.Name, err)
				return
			}
			if got, err := c.GetSecret(ctx, a.AccountID, storeID, mine.ID); err != nil || got.Comment != comment {
				fail("GetSecret %s after update = (%q, %v), want comment %q", mine.Name, got.Comment, err, comment)
			}
		})
		wg.Go(func() { // create, read back
			created, err := c.CreateSecret(ctx, a.AccountID, storeID, cfclient.NewSecret{Name: fmt.Sprintf("NEW_%02d", i), Value: "v", Scopes: []string{"workers"}})
			if err != nil {
				fail("CreateSecret NEW_%02d: %v", i, err)
				return
			}
			if got, err := c.GetSecret(ctx, a.AccountID, storeID, created.ID); err != nil || got.Name != created.Name {
				fail("GetSecret of new %s = (%+v, %v)", created.Name, got, err)
			}
		})
		wg.Go(func() { // delete, read back
			if err := c.DeleteSecret(ctx, a.AccountID, storeID, doomed.ID); err != nil {
				fail("DeleteSecret %s: %v", doomed.Name, err)
				return
			}
			if _, err := c.GetSecret(ctx, a.AccountID, storeID, doomed.ID); !cfclient.IsNotFound(err) {
				fail("GetSecret of deleted %s: err = %v, want not found", doomed.Name, err)
			}
		})
		wg.Go(func() { // bind, read bindings
			name := fmt.Sprintf("B%02d", i)
			err := c.EditScriptBindings(ctx, a.AccountID, "app", func(b []cfclient.Binding) ([]cfclient.Binding, error) {
				return append(b, cfclient.NewSecretsStoreBinding(name, storeID, mine.Name)), nil
			})
			if err != nil {
				fail("EditScriptBindings %s: %v", name, err)
				return
			}
			bindings, err := c.ScriptBindings(ctx, a.AccountID, "app")
			if err != nil {
				fail("ScriptBindings: %v", err)
				return
			}
			if !hasBinding(bindings, name) {
				fail("ScriptBindings after adding %s lacks it", name)
			}
		})
		wg.Go(func() { // other reads
			if got, err := c.GetAccountToken(ctx, a.AccountID, token.ID); err != nil || got.Name != "deploy" {
				fail("GetAccountToken = (%+v, %v)", got, err)
			}
			if _, err := c.ListSecrets(ctx, a.AccountID, storeID, cfclient.SecretFilter{Scopes: []string{"workers"}}); err != nil {
				fail("ListSecrets: %v", err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// The server agrees with what the client says.
	listed, err := a.newClient(cfclient.Config{}).ListSecrets(ctx, a.AccountID, storeID, cfclient.SecretFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != 2*n {
		t.Errorf("store holds %d secrets, want %d (%d kept, %d created)", len(listed), 2*n, n, n)
	}
	bindings := a.Bindings(a.t, "app")
	if len(bindings) != n+1 {
		t.Errorf("script has %d bindings, want %d", len(bindings), n+1)
	}
}

func hasBinding(bindings []cfclient.Binding, name string) bool {
	for _, b := range bindings {
		if b.Name == name {
			return true
		}
	}
	return false
}
