package cloudflaremock

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/secrets_store"
)

// TestSDKCompatibility drives the real cloudflare-go v4.6.0 against the mock: the SDK's own
// request shapes (the store create array, the bulk create) and its decoding of our answers,
// including auto-paging, which only stops on an empty page.
func TestSDKCompatibility(t *testing.T) {
	m := newMockAPI(t, Config{})
	client := cloudflare.NewClient(
		option.WithBaseURL(m.http.URL+"/client/v4/"),
		option.WithAPIToken(m.mock.AdminToken()),
		option.WithMaxRetries(0),
	)
	ctx := context.Background()
	account := cloudflare.F(m.mock.AccountID())

	created, err := client.SecretsStore.Stores.New(ctx, secrets_store.StoreNewParams{
		AccountID: account,
		Body:      []secrets_store.StoreNewParamsBody{{Name: cloudflare.F("sdk_store")}},
	})
	if err != nil {
		t.Fatalf("Stores.New: %v", err)
	}
	if len(created.Result) != 1 || created.Result[0].Name != "sdk_store" || !idPattern.MatchString(created.Result[0].ID) ||
		created.Result[0].Created.IsZero() {
		t.Fatalf("Stores.New decoded %+v", created.Result)
	}
	storeID := created.Result[0].ID

	stores, err := client.SecretsStore.Stores.List(ctx, secrets_store.StoreListParams{AccountID: account})
	if err != nil || len(stores.Result) != 1 || stores.Result[0].ID != storeID {
		t.Fatalf("Stores.List: %v %+v", err, stores)
	}

	var bodies []secrets_store.StoreSecretNewParamsBody
	for i := range 25 {
		bodies = append(bodies, secrets_store.StoreSecretNewParamsBody{
			Name:   cloudflare.F(fmt.Sprintf("sdk_%02d", i)),
			Value:  cloudflare.F(secretValue("sdk")),
			Scopes: cloudflare.F([]string{"workers"}),
		})
	}
	newSecrets, err := client.SecretsStore.Stores.Secrets.New(ctx, storeID, secrets_store.StoreSecretNewParams{
		AccountID: account,
		Body:      bodies,
	})
	if err != nil || len(newSecrets.Result) != 25 || newSecrets.Result[0].Status != secrets_store.StoreSecretNewResponseStatusActive {
		t.Fatalf("Secrets.New: %v %+v", err, newSecrets)
	}
	first := newSecrets.Result[0]

	page, err := client.SecretsStore.Stores.Secrets.List(ctx, storeID, secrets_store.StoreSecretListParams{
		AccountID: account,
		PerPage:   cloudflare.F(int64(10)),
		Order:     cloudflare.F(secrets_store.StoreSecretListParamsOrderName),
	})
	if err != nil || len(page.Result) != 10 || page.Result[0].Name != "sdk_00" || page.ResultInfo.PerPage != 10 {
		t.Fatalf("Secrets.List: %v %+v", err, page)
	}
	pager := client.SecretsStore.Stores.Secrets.ListAutoPaging(ctx, storeID, secrets_store.StoreSecretListParams{
		AccountID: account,
		PerPage:   cloudflare.F(int64(10)),
	})
	seen := 0
	for pager.Next() {
		seen++
	}
	if err := pager.Err(); err != nil || seen != 25 {
		t.Fatalf("ListAutoPaging saw %d secrets (err %v), want 25", seen, err)
	}

	got, err := client.SecretsStore.Stores.Secrets.Get(ctx, storeID, first.ID, secrets_store.StoreSecretGetParams{AccountID: account})
	if err != nil || got.Name != first.Name {
		t.Fatalf("Secrets.Get: %v %+v", err, got)
	}
	edited, err := client.SecretsStore.Stores.Secrets.Edit(ctx, storeID, first.ID, secrets_store.StoreSecretEditParams{
		AccountID: account,
		Name:      cloudflare.F(first.Name),
		Value:     cloudflare.F(secretValue("edited")),
	})
	if err != nil || !edited.Modified.After(first.Modified) {
		t.Fatalf("Secrets.Edit: %v %+v", err, edited)
	}
	if m.valueDigest(first.ID) != sha256Hex(secretValue("edited")) {
		t.Errorf("the SDK's edit did not write the value")
	}

	quota, err := client.SecretsStore.Quota.Get(ctx, secrets_store.QuotaGetParams{AccountID: account})
	if err != nil || quota.Secrets.Quota != 100 || quota.Secrets.Usage != 25 {
		t.Fatalf("Quota.Get: %v %+v", err, quota)
	}

	// The delete's null result decodes as an empty secret: v4.6.0 accepts it.
	if _, err := client.SecretsStore.Stores.Secrets.Delete(ctx, storeID, first.ID, secrets_store.StoreSecretDeleteParams{AccountID: account}); err != nil {
		t.Fatalf("Secrets.Delete: %v", err)
	}
	_, err = client.SecretsStore.Stores.Secrets.Get(ctx, storeID, first.ID, secrets_store.StoreSecretGetParams{AccountID: account})
	var apiErr *cloudflare.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound ||
		len(apiErr.Errors) != 1 || apiErr.Errors[0].Code != 1001 || apiErr.Errors[0].Message != "secret_not_found" {
		t.Fatalf("Get after delete: %v", err)
	}

	_, err = client.SecretsStore.Stores.Delete(ctx, storeID, secrets_store.StoreDeleteParams{AccountID: account})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict {
		t.Fatalf("Stores.Delete of a non-empty store: %v", err)
	}
	if _, err := client.SecretsStore.Stores.Delete(ctx, storeID, secrets_store.StoreDeleteParams{AccountID: account},
		option.WithQuery("force", "true")); err != nil {
		t.Fatalf("Stores.Delete with force: %v", err)
	}
}
