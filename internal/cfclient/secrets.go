package cfclient

import (
	"context"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/secrets_store"
)

// Secret is a Secrets Store secret as Cloudflare returns it: never with its value. Created and
// Modified are kept as Cloudflare's exact strings so a moved `modified` is seen exactly.
type Secret struct {
	ID       string   `json:"id"`
	StoreID  string   `json:"store_id"`
	Name     string   `json:"name"`
	Comment  string   `json:"comment"`
	Scopes   []string `json:"scopes"`
	Status   string   `json:"status"`
	Created  string   `json:"created"`
	Modified string   `json:"modified"`
}

// NewSecret is one element of a create request. Value is write-only: Cloudflare never returns it.
type NewSecret struct {
	Name    string   `json:"name"`
	Value   string   `json:"value"`
	Scopes  []string `json:"scopes"`
	Comment string   `json:"comment,omitempty"`
}

// SecretPatch holds the fields to change; nil fields are left as they are.
type SecretPatch struct {
	Value   *string   `json:"value,omitempty"`
	Comment *string   `json:"comment,omitempty"`
	Scopes  *[]string `json:"scopes,omitempty"`
}

// SecretFilter narrows a listing: Search matches name and comment, Scopes must all be held.
type SecretFilter struct {
	Search string
	Scopes []string
}

// CreateSecrets creates secrets in one request; the result is in the order of the request.
func (c *Client) CreateSecrets(ctx context.Context, accountID, storeID string, secrets []NewSecret) ([]Secret, error) {
	var env envelope[[]Secret]
	_, err := c.sdk.SecretsStore.Stores.Secrets.New(ctx, storeID, secrets_store.StoreSecretNewParams{
		AccountID: cloudflare.F(accountID),
	}, secretCreateWithComments(secrets), into(&env))
	return env.Result, translate(err)
}

// GetSecret reads one secret's metadata.
func (c *Client) GetSecret(ctx context.Context, accountID, storeID, secretID string) (Secret, error) {
	var env envelope[Secret]
	_, err := c.sdk.SecretsStore.Stores.Secrets.Get(ctx, storeID, secretID, secrets_store.StoreSecretGetParams{
		AccountID: cloudflare.F(accountID),
	}, into(&env))
	return env.Result, translate(err)
}

// ListSecrets returns every secret of the store that matches filter, following pages.
func (c *Client) ListSecrets(ctx context.Context, accountID, storeID string, filter SecretFilter) ([]Secret, error) {
	return collectPages(func(page int) ([]Secret, *resultInfo, error) {
		params := secrets_store.StoreSecretListParams{
			AccountID: cloudflare.F(accountID),
			Page:      cloudflare.F(int64(page)),
			PerPage:   cloudflare.F(int64(maxPerPage)),
			Order:     cloudflare.F(secrets_store.StoreSecretListParamsOrderName),
			Direction: cloudflare.F(secrets_store.StoreSecretListParamsDirectionAsc),
		}
		if filter.Search != "" {
			params.Search = cloudflare.F(filter.Search)
		}
		var env envelope[[]Secret]
		opts := append(secretListScopes(filter.Scopes), into(&env))
		_, err := c.sdk.SecretsStore.Stores.Secrets.List(ctx, storeID, params, opts...)
		return env.Result, env.ResultInfo, translate(err)
	})
}

// UpdateSecret changes the value, comment or scopes of a secret. A secret cannot be renamed.
func (c *Client) UpdateSecret(ctx context.Context, accountID, storeID, secretID string, patch SecretPatch) (Secret, error) {
	var env envelope[Secret]
	_, err := c.sdk.SecretsStore.Stores.Secrets.Edit(ctx, storeID, secretID, secrets_store.StoreSecretEditParams{
		AccountID: cloudflare.F(accountID),
	}, secretPatchFields(patch), into(&env))
	return env.Result, translate(err)
}

// DeleteSecret deletes one secret. A secret that is already gone is not an error.
func (c *Client) DeleteSecret(ctx context.Context, accountID, storeID, secretID string) error {
	var env envelope[any]
	_, err := c.sdk.SecretsStore.Stores.Secrets.Delete(ctx, storeID, secretID, secrets_store.StoreSecretDeleteParams{
		AccountID: cloudflare.F(accountID),
	}, into(&env))
	if err = translate(err); IsNotFound(err) {
		return nil
	}
	return err
}

// DeleteSecrets deletes several secrets of one store in one request.
func (c *Client) DeleteSecrets(ctx context.Context, accountID, storeID string, secretIDs []string) error {
	var env envelope[any]
	_, err := c.sdk.SecretsStore.Stores.Secrets.BulkDelete(ctx, storeID, secrets_store.StoreSecretBulkDeleteParams{
		AccountID: cloudflare.F(accountID),
	}, bulkDeleteIDs(secretIDs), into(&env))
	return translate(err)
}
