package cfclient_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// A create whose first attempt has an unknown outcome (here a 503 sent before the mock acted, so
// the client cannot tell) looks at what exists before trying again. These tests put someone
// else's object of the same name there first: the create must never adopt, roll or delete it.

// faultyClient is a client whose first request to match meets an injected 503; the retry meets a
// healthy API.
func (a *api) faultyClient(method, pathGlob string) *cfclient.Client {
	a.t.Helper()
	a.putFaults(`{"seed":1,"rules":[{"method":"` + method + `","path":"` + pathGlob + `","probability":1,"kind":"error","status":503}]}`)
	return a.newClient(cfclient.Config{MaxRetries: 2, HTTPClient: &http.Client{Transport: newFaultOnce(a)}})
}

func TestCreateStoreAfterUnknownOutcomeNeverAdoptsAnOlderStore(t *testing.T) {
	t.Parallel()
	a := newAPI(t, cloudflaremock.Config{})
	existing := a.createStore() // someone else's, of the name this create asks for
	c := a.faultyClient("POST", "/accounts/*/secrets_store/stores")

	store, err := c.CreateStore(context.Background(), a.AccountID, "default_secrets_store")
	if store.ID == existing {
		t.Fatalf("the create adopted store %s, which existed before it", existing)
	}
	if !cfclient.HasCode(err, cfclient.CodeLimitReached, "maximum_stores_exceeded") {
		t.Errorf("err = %v, want Cloudflare's maximum_stores_exceeded so the resource can name the import", err)
	}
}

func TestCreateSecretAfterUnknownOutcomeNeverAdoptsAnotherCreatesSecret(t *testing.T) {
	t.Parallel()
	a := newAPI(t, cloudflaremock.Config{})
	storeID := a.createStore()
	ctx := context.Background()
	c := a.newClient(cfclient.Config{MaxRetries: 2, HTTPClient: &http.Client{Transport: newFaultOnce(a)}})
	first, err := c.CreateSecret(ctx, a.AccountID, storeID, cfclient.NewSecret{Name: "dup", Value: "first-value", Scopes: []string{"workers"}})
	if err != nil {
		t.Fatal(err)
	}
	// A second create of the same name by this client (another resource of the configuration),
	// whose answer is lost: the secret it finds is the first create's, made seconds ago.
	a.putFaults(`{"seed":1,"rules":[{"method":"POST","path":"/accounts/*/secrets_store/stores/*/secrets","probability":1,"kind":"error","status":503}]}`)
	second, err := c.CreateSecret(ctx, a.AccountID, storeID, cfclient.NewSecret{Name: "dup", Value: "second-value", Scopes: []string{"workers"}})
	if second.ID == first.ID {
		t.Fatalf("the second create adopted the first create's secret %s", first.ID)
	}
	if !cfclient.HasCode(err, cfclient.CodeLimitReached, "secret_name_already_exists") {
		t.Errorf("err = %v, want secret_name_already_exists", err)
	}
	if !a.HoldsValue(a.t, first.ID, "first-value") {
		t.Error("the first create's value was overwritten")
	}
}

func TestCreateTokenAfterUnknownOutcomeLeavesOthersTokensAlone(t *testing.T) {
	t.Parallel()
	a := newAPI(t, cloudflaremock.Config{})
	ctx := context.Background()
	const workersScriptsRead, workersScriptsWrite = "1a71c399035b4950a1bd1466bbe4f420", "e086da7e2179491d91ee5f35b3ca210a"
	// Someone else's token of the same name, issued a moment before this create.
	theirs, err := a.newClient(cfclient.Config{}).CreateAccountToken(ctx, cfclient.TokenSpec{
		Name: "ci-deploy", AccountID: a.AccountID, PermissionGroupIDs: []string{workersScriptsRead},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := a.faultyClient("POST", "/accounts/*/tokens")

	mine, err := c.CreateAccountToken(ctx, cfclient.TokenSpec{
		Name: "ci-deploy", AccountID: a.AccountID, PermissionGroupIDs: []string{workersScriptsWrite},
	})
	if err != nil {
		t.Fatal(err)
	}
	if mine.ID == theirs.ID {
		t.Fatalf("the create took over token %s, someone else's", theirs.ID)
	}
	works, err := a.client.TokenValueWorks(ctx, a.AccountID, theirs.Value)
	if err != nil || !works {
		t.Errorf("someone else's token no longer works (rolled or deleted): %v %v", works, err)
	}
	if works, err := a.client.TokenValueWorks(ctx, a.AccountID, mine.Value); err != nil || !works {
		t.Errorf("the created token's value does not work: %v %v", works, err)
	}
}

func TestCreateTokenAfterUnknownOutcomeTouchesNoneWhenItCannotTell(t *testing.T) {
	t.Parallel()
	a := newAPI(t, cloudflaremock.Config{})
	ctx := context.Background()
	spec := cfclient.TokenSpec{Name: "ci-deploy", AccountID: a.AccountID, PermissionGroupIDs: []string{"e086da7e2179491d91ee5f35b3ca210a"}}
	// Someone else made two tokens exactly like the one this create asks for, a moment before.
	var theirs []cfclient.Token
	for range 2 {
		token, err := a.newClient(cfclient.Config{}).CreateAccountToken(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		theirs = append(theirs, token)
	}
	c := a.faultyClient("POST", "/accounts/*/tokens")

	_, err := c.CreateAccountToken(ctx, spec)
	if err == nil || !strings.Contains(err.Error(), "cannot tell which one is its own, so it changed none of them") {
		t.Fatalf("err = %v, want the create to say it cannot tell which token is its own", err)
	}
	for _, token := range theirs {
		if works, err := a.client.TokenValueWorks(ctx, a.AccountID, token.Value); err != nil || !works {
			t.Errorf("token %s, someone else's, was rolled or deleted: %v %v", token.ID, works, err)
		}
	}
}
