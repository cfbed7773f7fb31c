package cfclient_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// The request bodies cloudflare-go v4.6.0 gets wrong (workarounds.go), each against the mock,
// which answers them the way Cloudflare does.

func TestCreateStoreSendsAnObject(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	st, err := a.client.CreateStore(ctx, a.AccountID, "default_secrets_store")
	// The mock answers an array body with an array result, which would not decode into a Store.
	if err != nil || st.ID == "" || st.Name != "default_secrets_store" || st.Created == "" {
		t.Fatalf("CreateStore = (%+v, %v)", st, err)
	}
	got, err := a.client.GetStore(ctx, a.AccountID, st.ID)
	if err != nil || got != st {
		t.Errorf("GetStore = (%+v, %v), want %+v", got, err, st)
	}
	stores, err := a.client.ListStores(ctx, a.AccountID)
	if err != nil || len(stores) != 1 || stores[0].ID != st.ID {
		t.Errorf("ListStores = (%+v, %v)", stores, err)
	}
	// A second store is refused (beta limit), with Cloudflare's code.
	if _, err := a.client.CreateStore(ctx, a.AccountID, "second"); !cfclient.HasCode(err, cfclient.CodeLimitReached, "maximum_stores_exceeded") {
		t.Errorf("second store: err = %v, want code 1003 maximum_stores_exceeded", err)
	}
}

func TestSecretBodies(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	storeID := a.createStore()

	// Create carries comment (the SDK's body has none).
	created, err := a.client.CreateSecrets(ctx, a.AccountID, storeID, []cfclient.NewSecret{
		{Name: "API_KEY", Value: "first-value", Scopes: []string{"workers", "ai_gateway"}, Comment: "for the API"},
		{Name: "OTHER", Value: "other-value", Scopes: []string{"ai_gateway"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created[0].Comment != "for the API" || !slices.Equal(created[0].Scopes, []string{"ai_gateway", "workers"}) {
		t.Errorf("created %+v, want the comment and both scopes", created[0])
	}
	if !a.HoldsValue(a.t, created[0].ID, "first-value") {
		t.Error("the stored value is not the one sent")
	}

	// A patch sends only the fields it changes: a comment-only patch leaves value and scopes.
	comment := "changed"
	patched, err := a.client.UpdateSecret(ctx, a.AccountID, storeID, created[0].ID, cfclient.SecretPatch{Comment: &comment})
	if err != nil {
		t.Fatal(err)
	}
	if kept := a.HoldsValue(a.t, created[0].ID, "first-value"); patched.Comment != "changed" || len(patched.Scopes) != 2 || !kept {
		t.Errorf("comment-only patch: %+v (value kept: %v)", patched, kept)
	}
	value := "second-value"
	if _, err := a.client.UpdateSecret(ctx, a.AccountID, storeID, created[0].ID, cfclient.SecretPatch{Value: &value}); err != nil {
		t.Fatal(err)
	}
	if !a.HoldsValue(a.t, created[0].ID, "second-value") {
		t.Error("value patch did not write the value")
	}

	// The listing's scopes filter (the SDK has none) and search.
	for _, tc := range []struct {
		filter cfclient.SecretFilter
		want   []string
	}{
		{cfclient.SecretFilter{}, []string{"API_KEY", "OTHER"}},
		{cfclient.SecretFilter{Scopes: []string{"workers"}}, []string{"API_KEY"}},
		{cfclient.SecretFilter{Scopes: []string{"workers", "ai_gateway"}}, []string{"API_KEY"}},
		{cfclient.SecretFilter{Scopes: []string{"ai_gateway"}}, []string{"API_KEY", "OTHER"}},
		{cfclient.SecretFilter{Search: "oth"}, []string{"OTHER"}},
	} {
		listed, err := a.client.ListSecrets(ctx, a.AccountID, storeID, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := secretNames(listed); !slices.Equal(got, tc.want) {
			t.Errorf("ListSecrets(%+v) = %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func secretNames(secrets []cfclient.Secret) []string {
	var out []string
	for _, s := range secrets {
		out = append(out, s.Name)
	}
	slices.Sort(out)
	return out
}

func TestDeleteSecretsSendsIDs(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	storeID := a.createStore()
	secrets := a.createSecrets(storeID, 3)
	a.ClearRequests(a.t)
	if err := a.client.DeleteSecrets(ctx, a.AccountID, storeID, []string{secrets[0].ID, secrets[2].ID}); err != nil {
		t.Fatalf("DeleteSecrets: %v", err)
	}
	log := a.Requests(a.t)
	if len(log) != 1 || log[0].Method != http.MethodDelete || !strings.HasSuffix(log[0].Path, "/secrets") || log[0].Status/100 != 2 {
		t.Errorf("request log %+v, want one bulk DELETE .../secrets answered 2xx", log)
	}
	listed, err := a.client.ListSecrets(ctx, a.AccountID, storeID, cfclient.SecretFilter{})
	if err != nil || len(listed) != 1 || listed[0].ID != secrets[1].ID {
		t.Errorf("after the bulk delete: (%v, %v), want only %s", secretNames(listed), err, secrets[1].Name)
	}
	// All or nothing: an unknown id deletes nothing.
	err = a.client.DeleteSecrets(ctx, a.AccountID, storeID, []string{secrets[1].ID, strings.Repeat("0", 32)})
	if !cfclient.IsNotFound(err) {
		t.Errorf("bulk delete with an unknown id: err = %v, want not found", err)
	}
	if listed, _ := a.client.ListSecrets(ctx, a.AccountID, storeID, cfclient.SecretFilter{}); len(listed) != 1 {
		t.Errorf("a refused bulk delete deleted something: %v", secretNames(listed))
	}
}

func TestWorkerUploadAndSettingsPatch(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	storeID := a.createStore()
	a.createSecrets(storeID, 2) // NAME_000, NAME_001, scope workers

	// Multipart upload with metadata and a module part.
	a.deploy("app",
		cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"GREETING","text":"hello"}`),
		cfclient.NewSecretsStoreBinding("KEY", storeID, "NAME_000"))
	usages, err := a.client.StoreBindings(ctx, a.AccountID, storeID)
	want := []cfclient.StoreBinding{{ScriptName: "app", BindingName: "KEY", StoreID: storeID, SecretName: "NAME_000"}}
	if err != nil || !slices.Equal(usages, want) {
		t.Errorf("StoreBindings = (%v, %v), want %v", usages, err, want)
	}
	got := a.Bindings(a.t, "app")
	if b := got["KEY"]; b.Type != cfclient.BindingTypeSecretsStore || b.StoreID != storeID || b.SecretName != "NAME_000" {
		t.Errorf("uploaded Secrets Store binding reads back as %+v", b)
	}
	if b := got["GREETING"]; b.Type != "plain_text" || !strings.Contains(string(b.Raw), `"hello"`) {
		t.Errorf("uploaded plain_text binding reads back as %s", b.Raw)
	}

	// Multipart settings PATCH with a `settings` part: add one, change one, keep the other as read.
	err = a.client.EditScriptBindings(ctx, a.AccountID, "app", func(bindings []cfclient.Binding) ([]cfclient.Binding, error) {
		for i, b := range bindings {
			if b.Name == "KEY" {
				bindings[i] = cfclient.NewSecretsStoreBinding("KEY", storeID, "NAME_001")
			}
		}
		return append(bindings, cfclient.NewSecretsStoreBinding("SECOND", storeID, "NAME_000")), nil
	})
	if err != nil {
		t.Fatalf("EditScriptBindings: %v", err)
	}
	got = a.Bindings(a.t, "app")
	if len(got) != 3 || got["KEY"].SecretName != "NAME_001" || got["SECOND"].SecretName != "NAME_000" ||
		!strings.Contains(string(got["GREETING"].Raw), `"hello"`) {
		t.Errorf("after the PATCH: %v", got)
	}
	if n := a.count(http.MethodPatch, "/settings"); n != 1 {
		t.Errorf("%d settings PATCHes, want 1", n)
	}
	// Errors keep Cloudflare's codes: a binding to a missing secret is 10021.
	err = a.client.EditScriptBindings(ctx, a.AccountID, "app", func(bindings []cfclient.Binding) ([]cfclient.Binding, error) {
		return append(bindings, cfclient.NewSecretsStoreBinding("MISSING", storeID, "NO_SUCH_SECRET")), nil
	})
	if !cfclient.HasCode(err, cfclient.CodeBindingAuthFailed, cfclient.MessageBindingAuthFailed) {
		t.Errorf("binding to a missing secret: err = %v, want 10021", err)
	}
	if _, ok := a.Bindings(a.t, "app")["MISSING"]; ok {
		t.Error("a refused PATCH changed the bindings")
	}
	if err := a.client.UploadModuleWorker(ctx, a.AccountID, "app", "2025-01-01", nil, nil); err == nil {
		t.Error("an upload without modules must be refused before sending")
	}
}

func TestRollAccountToken(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	tok, err := a.client.CreateAccountToken(ctx, cfclient.TokenSpec{Name: "deploy", AccountID: a.AccountID, PermissionGroupIDs: []string{secretsStoreRead}})
	if err != nil || tok.Value == "" || tok.ID == "" {
		t.Fatalf("CreateAccountToken = (%+v, %v)", tok, err)
	}
	works := func(value string) bool {
		t.Helper()
		ok, err := a.client.TokenValueWorks(ctx, a.AccountID, value)
		if err != nil {
			t.Fatalf("TokenValueWorks: %v", err)
		}
		return ok
	}
	if !works(tok.Value) {
		t.Fatal("a new token's value does not work")
	}
	rolled, err := a.client.RollAccountToken(ctx, a.AccountID, tok.ID)
	if err != nil || rolled == "" || rolled == tok.Value {
		t.Fatalf("RollAccountToken = (%q, %v), want a new value", rolled, err)
	}
	if works(tok.Value) {
		t.Error("the old value still works after the roll")
	}
	if !works(rolled) {
		t.Error("the rolled value does not work")
	}
	if works("not-a-token") {
		t.Error("an unknown value works")
	}
	if _, err := a.client.RollAccountToken(ctx, a.AccountID, strings.Repeat("f", 32)); !cfclient.IsNotFound(err) {
		t.Errorf("rolling an unknown token: err = %v, want not found", err)
	}
}

// TestExpiredTokenStaysVisible: Cloudflare lists an expired token only with include_expired, which
// the SDK cannot send; without it a deploy token that expired would read as deleted rather than
// expired, and be planned for re-creation instead of repair.
func TestExpiredTokenStaysVisible(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	token, err := a.client.CreateAccountToken(ctx, cfclient.TokenSpec{Name: "deploy", AccountID: a.AccountID, PermissionGroupIDs: []string{secretsStoreRead}})
	if err != nil {
		t.Fatalf("CreateAccountToken: %v", err)
	}
	if err := a.Control().ExpireToken(ctx, token.ID); err != nil {
		t.Fatal(err)
	}
	listed, err := a.client.ListAccountTokens(ctx, a.AccountID)
	if err != nil || len(listed) != 1 || listed[0].ID != token.ID || listed[0].Status != "expired" {
		t.Fatalf("ListAccountTokens: (%+v, %v), want the one token, expired", listed, err)
	}
	got, err := a.newClient(cfclient.Config{}).GetAccountToken(ctx, a.AccountID, token.ID)
	if err != nil || got.Status != "expired" {
		t.Errorf("GetAccountToken of an expired token: (%+v, %v), want it, expired", got, err)
	}
}
