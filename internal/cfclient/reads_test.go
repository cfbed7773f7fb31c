package cfclient_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// secretGETs counts single-secret GETs (.../secrets/{id}) and listings (.../secrets).
func (a *api) secretGETs() (single, lists int) {
	a.t.Helper()
	for _, r := range a.Requests(a.t) {
		switch {
		case r.Method != http.MethodGet:
		case strings.HasSuffix(r.Path, "/secrets"):
			lists++
		case strings.Contains(r.Path, "/secrets/"):
			single++
		}
	}
	return single, lists
}

func TestGetSecretReadsShareOneListing(t *testing.T) {
	const n = 250
	tests := []struct {
		name        string
		perResource bool
		wantSingle  int
		wantLists   int
	}{
		{name: "shared listing: ceil(250/100) pages", wantSingle: 0, wantLists: (n + 99) / 100},
		{name: "PerResourceReads: one GET each", perResource: true, wantSingle: n, wantLists: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, cloudflaremock.Config{SecretsQuota: 1000})
			storeID := a.createStore()
			secrets := a.createSecrets(storeID, n)
			a.ClearRequests(a.t)

			client := a.newClient(cfclient.Config{PerResourceReads: tt.perResource})
			got := make([]cfclient.Secret, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i, s := range secrets {
				wg.Go(func() { got[i], errs[i] = client.GetSecret(context.Background(), a.AccountID, storeID, s.ID) })
			}
			wg.Wait()
			for i, s := range secrets {
				if errs[i] != nil {
					t.Fatalf("GetSecret %s: %v", s.Name, errs[i])
				}
				if got[i].ID != s.ID || got[i].Name != s.Name || len(got[i].Scopes) != 1 || got[i].Modified != s.Modified {
					t.Errorf("GetSecret %s = %+v, want %+v", s.Name, got[i], s)
				}
			}
			single, lists := a.secretGETs()
			if single != tt.wantSingle || lists != tt.wantLists {
				t.Errorf("%d single GETs and %d listing pages, want %d and %d", single, lists, tt.wantSingle, tt.wantLists)
			}

			// Reading them all again costs nothing more with a shared listing.
			for _, s := range secrets[:10] {
				if _, err := client.GetSecret(context.Background(), a.AccountID, storeID, s.ID); err != nil {
					t.Fatal(err)
				}
			}
			if _, lists := a.secretGETs(); !tt.perResource && lists != tt.wantLists {
				t.Errorf("second round of reads: %d listing pages, want still %d", lists, tt.wantLists)
			}
		})
	}
}

func TestGetSecretUnknownIDIsNotFound(t *testing.T) {
	for _, perResource := range []bool{false, true} {
		t.Run(fmt.Sprintf("PerResourceReads=%v", perResource), func(t *testing.T) {
			a := newAPI(t, cloudflaremock.Config{})
			storeID := a.createStore()
			a.createSecrets(storeID, 2)
			client := a.newClient(cfclient.Config{PerResourceReads: perResource})
			_, err := client.GetSecret(context.Background(), a.AccountID, storeID, strings.Repeat("0", 32))
			if !cfclient.IsNotFound(err) {
				t.Errorf("err = %v, want not found", err)
			}
		})
	}
}

func TestWritesVisibleToNextGetSecret(t *testing.T) {
	ctx := context.Background()
	type setup struct {
		a       *api
		storeID string
		secrets []cfclient.Secret // NAME_000..NAME_004, loaded into a.client's shared listing
	}
	tests := []struct {
		name string
		// write changes something through a.client and returns the id to read and what the
		// read must show (nil: not found).
		write func(t *testing.T, s setup) (id string, want func(t *testing.T, got cfclient.Secret))
	}{
		{"UpdateSecret", func(t *testing.T, s setup) (string, func(*testing.T, cfclient.Secret)) {
			comment := "rotated"
			scopes := []string{"workers", "ai_gateway"}
			updated, err := s.a.client.UpdateSecret(ctx, s.a.AccountID, s.storeID, s.secrets[0].ID, cfclient.SecretPatch{Comment: &comment, Scopes: &scopes})
			if err != nil {
				t.Fatal(err)
			}
			return s.secrets[0].ID, func(t *testing.T, got cfclient.Secret) {
				if got.Comment != "rotated" || len(got.Scopes) != 2 || got.Modified != updated.Modified {
					t.Errorf("after UpdateSecret: %+v, want comment rotated, 2 scopes, modified %s", got, updated.Modified)
				}
			}
		}},
		{"DeleteSecret", func(t *testing.T, s setup) (string, func(*testing.T, cfclient.Secret)) {
			if err := s.a.client.DeleteSecret(ctx, s.a.AccountID, s.storeID, s.secrets[1].ID); err != nil {
				t.Fatal(err)
			}
			return s.secrets[1].ID, nil
		}},
		{"DeleteSecrets", func(t *testing.T, s setup) (string, func(*testing.T, cfclient.Secret)) {
			if err := s.a.client.DeleteSecrets(ctx, s.a.AccountID, s.storeID, []string{s.secrets[2].ID, s.secrets[3].ID}); err != nil {
				t.Fatal(err)
			}
			return s.secrets[3].ID, nil
		}},
		{"CreateSecrets", func(t *testing.T, s setup) (string, func(*testing.T, cfclient.Secret)) {
			created, err := s.a.client.CreateSecrets(ctx, s.a.AccountID, s.storeID, []cfclient.NewSecret{{Name: "BULK_NEW", Value: "v", Scopes: []string{"workers"}, Comment: "bulk"}})
			if err != nil {
				t.Fatal(err)
			}
			return created[0].ID, func(t *testing.T, got cfclient.Secret) {
				if got.Name != "BULK_NEW" || got.Comment != "bulk" {
					t.Errorf("after CreateSecrets: %+v", got)
				}
			}
		}},
		{"CreateSecret", func(t *testing.T, s setup) (string, func(*testing.T, cfclient.Secret)) {
			created, err := s.a.client.CreateSecret(ctx, s.a.AccountID, s.storeID, cfclient.NewSecret{Name: "ONE_NEW", Value: "v", Scopes: []string{"workers"}})
			if err != nil {
				t.Fatal(err)
			}
			return created.ID, func(t *testing.T, got cfclient.Secret) {
				if got.Name != "ONE_NEW" {
					t.Errorf("after CreateSecret: %+v", got)
				}
			}
		}},
		{"DeleteStore with force", func(t *testing.T, s setup) (string, func(*testing.T, cfclient.Secret)) {
			if err := s.a.client.DeleteStore(ctx, s.a.AccountID, s.storeID, true); err != nil {
				t.Fatal(err)
			}
			return s.secrets[4].ID, nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, cloudflaremock.Config{})
			storeID := a.createStore()
			secrets := a.createSecrets(storeID, 5)
			for _, s := range secrets { // load the shared listing
				if _, err := a.client.GetSecret(ctx, a.AccountID, storeID, s.ID); err != nil {
					t.Fatal(err)
				}
			}
			a.ClearRequests(a.t)

			id, want := tt.write(t, setup{a: a, storeID: storeID, secrets: secrets})
			got, err := a.client.GetSecret(ctx, a.AccountID, storeID, id)
			switch {
			case want == nil && !cfclient.IsNotFound(err):
				t.Errorf("GetSecret after the write = (%+v, %v), want not found", got, err)
			case want != nil && err != nil:
				t.Errorf("GetSecret after the write: %v", err)
			case want != nil:
				want(t, got)
			}
			if single, lists := a.secretGETs(); single != 0 || lists != 0 {
				t.Errorf("the read after the write cost %d GETs and %d listings, want none", single, lists)
			}
		})
	}
}

func TestScriptBindingsShareOneSettingsGET(t *testing.T) {
	a := newAPI(t, cloudflaremock.Config{})
	a.deploy("app", cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"GREETING","text":"hello"}`))
	a.deploy("other")
	a.ClearRequests(a.t)

	const readers = 40
	results := make([][]cfclient.Binding, readers)
	errs := make([]error, readers)
	var wg sync.WaitGroup
	for i := range readers {
		script := []string{"app", "other"}[i%2]
		wg.Go(func() { results[i], errs[i] = a.client.ScriptBindings(context.Background(), a.AccountID, script) })
	}
	wg.Wait()
	for i := range readers {
		if errs[i] != nil {
			t.Fatalf("reader %d: %v", i, errs[i])
		}
		if want := []int{1, 0}[i%2]; len(results[i]) != want {
			t.Errorf("reader %d: %d bindings, want %d", i, len(results[i]), want)
		}
	}
	if n := a.count(http.MethodGet, "/settings"); n != 2 {
		t.Errorf("%d settings GETs for two scripts, want 2", n)
	}
	// Each reader gets its own slice: changing one does not change what the next reader sees.
	results[0][0].Name = "CHANGED"
	again, err := a.client.ScriptBindings(context.Background(), a.AccountID, "app")
	if err != nil || len(again) != 1 || again[0].Name != "GREETING" {
		t.Errorf("after a reader changed its copy: (%v, %v), want GREETING", again, err)
	}
	if _, err := a.client.ScriptBindings(context.Background(), a.AccountID, "ghost"); !cfclient.HasCode(err, cfclient.CodeScriptNotFound, "") {
		t.Errorf("missing script: err = %v, want code %d", err, cfclient.CodeScriptNotFound)
	}
}

const secretsStoreRead = "5e33b7d77788455c9fdf18cbd38ee5a0" // the mock's "Account Secrets Store Read"

func TestGetAccountTokenSharesOneListing(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	setup := a.newClient(cfclient.Config{})
	var tokens []cfclient.Token
	for i := range 3 {
		tok, err := setup.CreateAccountToken(ctx, cfclient.TokenSpec{Name: fmt.Sprintf("deploy-%d", i), AccountID: a.AccountID, PermissionGroupIDs: []string{secretsStoreRead}})
		if err != nil {
			t.Fatalf("CreateAccountToken: %v", err)
		}
		tokens = append(tokens, tok)
	}
	a.ClearRequests(a.t)

	const readers = 30
	got := make([]cfclient.Token, readers)
	errs := make([]error, readers)
	var wg sync.WaitGroup
	for i := range readers {
		wg.Go(func() { got[i], errs[i] = a.client.GetAccountToken(ctx, a.AccountID, tokens[i%3].ID) })
	}
	wg.Wait()
	for i := range readers {
		want := tokens[i%3]
		if errs[i] != nil || got[i].ID != want.ID || got[i].Name != want.Name || got[i].Value != "" {
			t.Errorf("reader %d: (%+v, %v), want token %s without its value", i, got[i], errs[i], want.Name)
		}
	}
	if n := a.count(http.MethodGet, "/tokens"); n != 1 {
		t.Errorf("%d token listings, want 1", n)
	}
	if n := len(a.Requests(a.t)); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if _, err := a.client.GetAccountToken(ctx, a.AccountID, strings.Repeat("f", 32)); !cfclient.IsNotFound(err) {
		t.Errorf("unknown token: err = %v, want not found", err)
	}

	// Writes through the client are seen by the next read without a new listing.
	renamed, err := a.client.UpdateAccountToken(ctx, tokens[0].ID, cfclient.TokenSpec{Name: "renamed", AccountID: a.AccountID, PermissionGroupIDs: []string{secretsStoreRead}})
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := a.client.GetAccountToken(ctx, a.AccountID, tokens[0].ID); err != nil || tok.Name != "renamed" || tok.ModifiedOn != renamed.ModifiedOn {
		t.Errorf("after UpdateAccountToken: (%+v, %v), want the new name", tok, err)
	}
	if err := a.client.DeleteAccountToken(ctx, a.AccountID, tokens[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.client.GetAccountToken(ctx, a.AccountID, tokens[1].ID); !cfclient.IsNotFound(err) {
		t.Errorf("after DeleteAccountToken: err = %v, want not found", err)
	}
	created, err := a.client.CreateAccountToken(ctx, cfclient.TokenSpec{Name: "new", AccountID: a.AccountID, PermissionGroupIDs: []string{secretsStoreRead}})
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := a.client.GetAccountToken(ctx, a.AccountID, created.ID); err != nil || tok.Name != "new" || tok.Value != "" {
		t.Errorf("after CreateAccountToken: (%+v, %v), want the token without its value", tok, err)
	}
	if n := a.count(http.MethodGet, "/tokens"); n != 1 {
		t.Errorf("%d token listings after the writes, want still 1", n)
	}

	perResource := a.newClient(cfclient.Config{PerResourceReads: true})
	a.ClearRequests(a.t)
	if tok, err := perResource.GetAccountToken(ctx, a.AccountID, tokens[2].ID); err != nil || tok.ID != tokens[2].ID {
		t.Errorf("PerResourceReads: (%+v, %v)", tok, err)
	}
	if n := a.count(http.MethodGet, "/tokens/"+tokens[2].ID); n != 1 {
		t.Errorf("PerResourceReads: %d GETs of the token, want 1", n)
	}
}

// Regression test for a fixed bug (workers.go, UploadModuleWorker): a deploy through the client replaces the script's
// bindings but leaves the shared listing loaded by ScriptBindings as it was, so the next read
// returns the bindings from before the deploy, and the next EditScriptBindings writes that stale
// list back, silently undoing the deploy's bindings.
func TestUploadModuleWorkerVisibleToNextScriptBindings(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	a.deploy("app", cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"OLD","text":"1"}`))
	if _, err := a.client.ScriptBindings(ctx, a.AccountID, "app"); err != nil { // load the shared listing
		t.Fatal(err)
	}
	a.deploy("app", cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"NEW","text":"2"}`))

	got, err := a.client.ScriptBindings(ctx, a.AccountID, "app")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "NEW" {
		t.Errorf("ScriptBindings after a redeploy through the same client = %v, want [NEW]", names(got))
	}
	err = a.client.EditScriptBindings(ctx, a.AccountID, "app", func(b []cfclient.Binding) ([]cfclient.Binding, error) {
		return append(b, cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"ADDED","text":"3"}`)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Bindings(a.t, "app")["NEW"]; !ok {
		t.Errorf("an edit after the redeploy removed the deploy's binding NEW: the script has %v", keys(a.Bindings(a.t, "app")))
	}
}

func names(bindings []cfclient.Binding) []string {
	var out []string
	for _, b := range bindings {
		out = append(out, b.Name)
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSecretByNameSharesTheListing(t *testing.T) {
	const n, lookups = 250, 40
	tests := []struct {
		name         string
		perResource  bool
		wantListings int // pages of the full listing
		wantSearches int // listings narrowed by ?search=
	}{
		{name: "shared listing: ceil(250/100) pages for every lookup and read", wantListings: (n + 99) / 100},
		{name: "PerResourceReads: one search per lookup", perResource: true, wantSearches: lookups},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAPI(t, cloudflaremock.Config{SecretsQuota: 1000})
			storeID := a.createStore()
			secrets := a.createSecrets(storeID, n)
			a.ClearRequests(a.t)

			client := a.newClient(cfclient.Config{PerResourceReads: tt.perResource})
			var wg sync.WaitGroup
			for i := range lookups {
				want := secrets[i*5]
				wg.Go(func() {
					got, found, err := client.SecretByName(context.Background(), a.AccountID, storeID, want.Name)
					if err != nil || !found || got.ID != want.ID {
						t.Errorf("SecretByName(%s) = (%s, %v, %v), want (%s, true, nil)", want.Name, got.ID, found, err, want.ID)
					}
				})
			}
			wg.Wait()
			if _, found, err := client.SecretByName(context.Background(), a.AccountID, storeID, "NAME_00"); err != nil || found {
				t.Errorf("SecretByName of a name no secret has (only a prefix of ten) = (found %v, %v), want not found", found, err)
			}
			var listings, searches int
			for _, r := range a.Requests(a.t) {
				if r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/secrets") {
					if strings.Contains(r.Query, "search=") {
						searches++
					} else {
						listings++
					}
				}
			}
			wantSearches := tt.wantSearches
			if tt.perResource {
				wantSearches++ // the lookup of a missing name
			}
			if listings != tt.wantListings || searches != wantSearches {
				t.Errorf("%d lookups cost %d listing pages and %d searches, want %d and %d", lookups+1, listings, searches, tt.wantListings, wantSearches)
			}
		})
	}
}

// A store this client created is known to be empty, and its own creates are known: an apply that
// creates a store, its secrets and bindings checking them reads no listing at all.
func TestNewStoreNeedsNoListing(t *testing.T) {
	a := newAPI(t, cloudflaremock.Config{})
	ctx := context.Background()
	store, err := a.client.CreateStore(ctx, a.AccountID, "default_secrets_store")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			if _, err := a.client.CreateSecret(ctx, a.AccountID, store.ID, cfclient.NewSecret{Name: fmt.Sprintf("NEW_%d", i), Value: "v", Scopes: []string{"workers"}}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range 5 {
		if _, found, err := a.client.SecretByName(ctx, a.AccountID, store.ID, fmt.Sprintf("NEW_%d", i)); err != nil || !found {
			t.Errorf("SecretByName(NEW_%d) = (found %v, %v), want found", i, found, err)
		}
	}
	if single, lists := a.secretGETs(); single != 0 || lists != 0 {
		t.Errorf("lookups in a store this client created cost %d GETs and %d listings, want none", single, lists)
	}
}

// StoreSecrets and AccountTokens hand out the listings GetSecret and GetAccountToken share, so a
// `terraform query` and the refresh in the same provider process pay for one listing.
func TestListingsShareWithReads(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{SecretsQuota: 1000})
	storeID := a.createStore()
	secrets := a.createSecrets(storeID, 150)
	for i := range 2 {
		if _, err := a.client.CreateAccountToken(ctx, cfclient.TokenSpec{Name: fmt.Sprintf("token-%d", 1-i), AccountID: a.AccountID, PermissionGroupIDs: []string{secretsStoreRead}}); err != nil {
			t.Fatal(err)
		}
	}
	client := a.newClient(cfclient.Config{})
	a.ClearRequests(a.t)

	listed, err := client.StoreSecrets(ctx, a.AccountID, storeID)
	if err != nil || len(listed) != len(secrets) {
		t.Fatalf("StoreSecrets: %d secrets, %v; want %d", len(listed), err, len(secrets))
	}
	for i := 1; i < len(listed); i++ {
		if listed[i-1].Name >= listed[i].Name {
			t.Fatalf("StoreSecrets is not ordered by name: %q before %q", listed[i-1].Name, listed[i].Name)
		}
	}
	for _, s := range secrets {
		if _, err := client.GetSecret(ctx, a.AccountID, storeID, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	if single, lists := a.secretGETs(); single != 0 || lists != 2 {
		t.Errorf("listing and reading 150 secrets: %d single GETs and %d pages, want 0 and 2", single, lists)
	}

	tokens, err := client.AccountTokens(ctx, a.AccountID)
	if err != nil || len(tokens) < 2 {
		t.Fatalf("AccountTokens: %v, %v", tokens, err)
	}
	if _, err := client.GetAccountToken(ctx, a.AccountID, tokens[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := a.count(http.MethodGet, "/tokens"); n != 1 {
		t.Errorf("listing and reading tokens: %d listings, want 1", n)
	}
	for i := 1; i < len(tokens); i++ {
		if tokens[i-1].Name > tokens[i].Name {
			t.Errorf("AccountTokens is not ordered by name: %q before %q", tokens[i-1].Name, tokens[i].Name)
		}
	}
}

func TestStoreBindingsShareTheScriptListing(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	storeID := a.createStore()
	a.createSecrets(storeID, 2)
	a.deploy("checkout", cfclient.NewSecretsStoreBinding("A", storeID, "NAME_000"))
	a.deploy("billing", cfclient.NewSecretsStoreBinding("B", storeID, "NAME_001"))
	c := a.newClient(cfclient.Config{})
	a.ClearRequests(a.t)

	// A destroy of many secrets asks once per secret: one listing of the scripts, one read of each.
	for range 5 {
		if _, err := c.StoreBindings(ctx, a.AccountID, storeID); err != nil {
			t.Fatal(err)
		}
	}
	if lists, settings := a.count(http.MethodGet, "/workers/scripts"), a.count(http.MethodGet, "/settings"); lists != 1 || settings != 2 {
		t.Errorf("five StoreBindings sent %d script listings and %d settings reads, want 1 and 2", lists, settings)
	}

	// A Worker this client uploads is seen by the next call.
	if err := c.UploadModuleWorker(ctx, a.AccountID, "new", "2025-01-01",
		[]cfclient.WorkerModule{{Name: "index.js", Content: "export default {}"}},
		[]cfclient.Binding{cfclient.NewSecretsStoreBinding("C", storeID, "NAME_000")}); err != nil {
		t.Fatal(err)
	}
	usages, err := c.StoreBindings(ctx, a.AccountID, storeID)
	if err != nil || len(usages) != 3 || usages[2].ScriptName != "new" {
		t.Errorf("after an upload StoreBindings = (%v, %v), want the new Worker's binding too", usages, err)
	}
}
