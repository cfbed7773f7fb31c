package cfclient

import (
	"context"
	"iter"
	"maps"
	"net/http"
	"slices"
	"strings"

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

// CreateSecret creates one secret. Creates in the same store that arrive together go out as one
// bulk request (see batcher).
func (c *Client) CreateSecret(ctx context.Context, accountID, storeID string, secret NewSecret) (Secret, error) {
	return c.secretCreates.add(ctx, accountID, storeID, secret)
}

// CreateSecrets creates secrets in one request; the result is in the order of the request.
func (c *Client) CreateSecrets(ctx context.Context, accountID, storeID string, secrets []NewSecret) ([]Secret, error) {
	var env envelope[[]Secret]
	_, err := c.sdk.SecretsStore.Stores.Secrets.New(ctx, storeID, secrets_store.StoreSecretNewParams{
		AccountID: cloudflare.F(accountID),
	}, secretCreateWithComments(secrets), into(&env))
	if err == nil {
		for _, created := range env.Result {
			c.made.add(created.ID)
		}
		c.rememberSecrets(accountID, storeID, env.Result...)
	}
	return env.Result, translate(err)
}

// GetSecret reads one secret's metadata. Reads of one store share one paged listing per
// provider instance, so a plan of N secrets costs ceil(N/100) requests, not N.
func (c *Client) GetSecret(ctx context.Context, accountID, storeID, secretID string) (Secret, error) {
	if c.sharedReads {
		secrets, err := c.sharedSecrets(ctx, accountID, storeID)
		if err != nil {
			return Secret{}, err
		}
		if secret, ok := secrets[secretID]; ok {
			return secret, nil
		}
		return Secret{}, &APIError{Status: http.StatusNotFound, Errors: []ErrorDetail{{Code: CodeBadRequest, Message: "secret_not_found"}}}
	}
	var env envelope[Secret]
	_, err := c.sdk.SecretsStore.Stores.Secrets.Get(ctx, storeID, secretID, secrets_store.StoreSecretGetParams{
		AccountID: cloudflare.F(accountID),
	}, into(&env))
	return env.Result, translate(err)
}

// SecretByName finds a secret by its exact name. With shared reads it looks in the store's shared
// listing, which this provider instance's own writes keep current, so bindings checking their
// secrets cost nothing more; otherwise a search narrows a listing server-side.
func (c *Client) SecretByName(ctx context.Context, accountID, storeID, name string) (Secret, bool, error) {
	var candidates iter.Seq[Secret]
	if c.sharedReads {
		secrets, err := c.sharedSecrets(ctx, accountID, storeID)
		if err != nil {
			return Secret{}, false, err
		}
		candidates = maps.Values(secrets)
	} else {
		listed, err := c.ListSecrets(ctx, accountID, storeID, SecretFilter{Search: name})
		if err != nil {
			return Secret{}, false, err
		}
		candidates = slices.Values(listed)
	}
	for s := range candidates {
		if s.Name == name {
			return s, true, nil
		}
	}
	return Secret{}, false, nil
}

// StoreSecrets lists every secret of a store, ordered by name, from the store's shared listing:
// one paged listing per store and provider instance, however many readers ask.
func (c *Client) StoreSecrets(ctx context.Context, accountID, storeID string) ([]Secret, error) {
	if !c.sharedReads {
		return c.ListSecrets(ctx, accountID, storeID, SecretFilter{})
	}
	secrets, err := c.sharedSecrets(ctx, accountID, storeID)
	if err != nil {
		return nil, err
	}
	return slices.SortedFunc(maps.Values(secrets), func(a, b Secret) int { return strings.Compare(a.Name, b.Name) }), nil
}

// sharedSecrets is the store's shared listing, by id.
func (c *Client) sharedSecrets(ctx context.Context, accountID, storeID string) (map[string]Secret, error) {
	return c.storeSecrets.get(ctx, accountID+"/"+storeID, func(ctx context.Context) (map[string]Secret, error) {
		listed, err := c.ListSecrets(ctx, accountID, storeID, SecretFilter{})
		byID := make(map[string]Secret, len(listed))
		for _, s := range listed {
			byID[s.ID] = s
		}
		return byID, err
	})
}

// rememberSecrets puts what a write returned into the store's shared listing, if one is loaded.
func (c *Client) rememberSecrets(accountID, storeID string, secrets ...Secret) {
	c.storeSecrets.update(accountID+"/"+storeID, func(old map[string]Secret) map[string]Secret {
		updated := maps.Clone(old)
		for _, s := range secrets {
			if s.Status == "deleted" {
				delete(updated, s.ID)
			} else {
				updated[s.ID] = s
			}
		}
		return updated
	})
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
	if err == nil {
		c.rememberSecrets(accountID, storeID, env.Result)
	}
	return env.Result, translate(err)
}

// DeleteSecret deletes one secret. A secret that is already gone is not an error. Deletes in the
// same store that arrive together go out as one bulk request (see batcher), so a destroy costs
// about what the apply did.
func (c *Client) DeleteSecret(ctx context.Context, accountID, storeID, secretID string) error {
	_, err := c.secretDeletes.add(ctx, accountID, storeID, secretID)
	return err
}

// deleteOneSecret deletes one secret with its own request; gone already is not an error.
func (c *Client) deleteOneSecret(ctx context.Context, accountID, storeID, secretID string) (struct{}, error) {
	var env envelope[any]
	_, err := c.sdk.SecretsStore.Stores.Secrets.Delete(ctx, storeID, secretID, secrets_store.StoreSecretDeleteParams{
		AccountID: cloudflare.F(accountID),
	}, into(&env))
	if err = translate(err); err != nil && !IsNotFound(err) {
		return struct{}{}, err
	}
	c.rememberSecrets(accountID, storeID, Secret{ID: secretID, Status: "deleted"})
	return struct{}{}, nil
}

// DeleteSecrets deletes several secrets of one store in one request. Cloudflare deletes all or
// none: one id that is not a secret of the store fails the request.
func (c *Client) DeleteSecrets(ctx context.Context, accountID, storeID string, secretIDs []string) error {
	var env envelope[any]
	_, err := c.sdk.SecretsStore.Stores.Secrets.BulkDelete(ctx, storeID, secrets_store.StoreSecretBulkDeleteParams{
		AccountID: cloudflare.F(accountID),
	}, bulkDeleteIDs(secretIDs), into(&env))
	if err != nil {
		return translate(err)
	}
	for _, id := range secretIDs {
		c.rememberSecrets(accountID, storeID, Secret{ID: id, Status: "deleted"})
	}
	return nil
}

// deleteSecretsBatch is the delete batcher's bulk request.
func (c *Client) deleteSecretsBatch(ctx context.Context, accountID, storeID string, secretIDs []string) ([]struct{}, error) {
	if err := c.DeleteSecrets(ctx, accountID, storeID, secretIDs); err != nil {
		return nil, err
	}
	return make([]struct{}, len(secretIDs)), nil
}
