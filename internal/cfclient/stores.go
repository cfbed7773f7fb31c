package cfclient

import (
	"context"
	"net/http"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/secrets_store"
)

// Store is a Secrets Store as Cloudflare returns it.
type Store struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Created  string `json:"created"`
	Modified string `json:"modified"`
}

// CreateStore creates a store. An account holds one store while Secrets Store is in beta; the
// second create answers code 1003 maximum_stores_exceeded.
func (c *Client) CreateStore(ctx context.Context, accountID, name string) (Store, error) {
	return c.createStoreReconciling(ctx, accountID, name)
}

func (c *Client) createStore(ctx context.Context, accountID, name string) (Store, error) {
	var env envelope[Store]
	_, err := c.sdk.SecretsStore.Stores.New(ctx, secrets_store.StoreNewParams{
		AccountID: cloudflare.F(accountID),
		Body:      []secrets_store.StoreNewParamsBody{{Name: cloudflare.F(name)}},
	}, storeCreateAsObject(name), into(&env))
	if err == nil {
		c.made.add(env.Result.ID)
		// A new store has no secrets: reads in this apply need no listing.
		c.storeSecrets.prime(accountID+"/"+env.Result.ID, map[string]Secret{})
	}
	return env.Result, translate(err)
}

// ListStores returns every store of the account, following pages.
func (c *Client) ListStores(ctx context.Context, accountID string) ([]Store, error) {
	return collectPages(func(page int) ([]Store, *resultInfo, error) {
		var env envelope[[]Store]
		_, err := c.sdk.SecretsStore.Stores.List(ctx, secrets_store.StoreListParams{
			AccountID: cloudflare.F(accountID),
			Page:      cloudflare.F(int64(page)),
			PerPage:   cloudflare.F(int64(maxPerPage)),
		}, into(&env))
		return env.Result, env.ResultInfo, translate(err)
	})
}

// GetStore reads one store. The SDK has no typed method for it.
func (c *Client) GetStore(ctx context.Context, accountID, storeID string) (Store, error) {
	store, _, err := execute[Store](ctx, c, http.MethodGet, "accounts/"+accountID+"/secrets_store/stores/"+storeID, nil)
	return store, err
}

// DeleteStore deletes a store; with force it deletes the store's secrets too.
func (c *Client) DeleteStore(ctx context.Context, accountID, storeID string, force bool) error {
	var opts []option.RequestOption
	if force {
		opts = append(opts, option.WithQuery("force", "true"))
	}
	var env envelope[any]
	_, err := c.sdk.SecretsStore.Stores.Delete(ctx, storeID, secrets_store.StoreDeleteParams{
		AccountID: cloudflare.F(accountID),
	}, append(opts, into(&env))...)
	if err == nil {
		c.storeSecrets.update(accountID+"/"+storeID, func(map[string]Secret) map[string]Secret { return map[string]Secret{} })
	}
	return translate(err)
}
