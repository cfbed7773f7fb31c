package cfclient

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// A create whose answer was lost (the connection dropped, or a 5xx that may have come after the
// change) has an unknown outcome: the object may exist. Sending the POST again could duplicate
// it (tokens) or fail with "already exists" on an object this provider made itself (secrets,
// stores). So these creates look at what exists before trying again, and adopt what they made.

// unknownOutcome reports whether err leaves it open whether Cloudflare acted on the request.
func unknownOutcome(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if apiErr, ok := AsAPIError(err); ok {
		return apiErr.Status >= http.StatusInternalServerError
	}
	return true
}

// afterUnknownOutcome retries attempt while the outcome stays unknown, with backoff, up to the
// client's retry budget.
func (c *Client) afterUnknownOutcome(ctx context.Context, err error, attempt func() error) error {
	for try := 0; unknownOutcome(err) && try < c.maxRetries; try++ {
		timer := time.NewTimer(backoff(try, nil))
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
		err = attempt()
	}
	return err
}

// adoptableSince allows for clock skew between this machine and Cloudflare when deciding
// whether a secret found after an unknown outcome was made by this create.
const adoptableSince = time.Minute

// createSecretsReconciling creates secrets; after an unknown outcome it adopts the ones that
// now exist and were created since the first attempt (writing the configured value, scopes and
// comment to them), and creates the rest. An older secret of the same name is someone else's:
// it is never adopted, and the create fails with Cloudflare's "already exists".
func (c *Client) createSecretsReconciling(ctx context.Context, accountID, storeID string, secrets []NewSecret) ([]Secret, error) {
	started := time.Now().Add(-adoptableSince)
	created, err := c.CreateSecrets(ctx, accountID, storeID, secrets)
	err = c.afterUnknownOutcome(ctx, err, func() error {
		created, err = c.adoptOrCreateSecrets(ctx, accountID, storeID, secrets, started)
		return err
	})
	return created, err
}

func (c *Client) adoptOrCreateSecrets(ctx context.Context, accountID, storeID string, secrets []NewSecret, started time.Time) ([]Secret, error) {
	existing, err := c.ListSecrets(ctx, accountID, storeID, SecretFilter{})
	if err != nil {
		return nil, err
	}
	byName := map[string]Secret{}
	for _, s := range existing {
		byName[s.Name] = s
	}
	results := make([]Secret, len(secrets))
	var missing []NewSecret
	var missingAt []int
	for i, want := range secrets {
		found, ok := byName[want.Name]
		if !ok {
			missing, missingAt = append(missing, want), append(missingAt, i)
			continue
		}
		if created, err := time.Parse(time.RFC3339, found.Created); err != nil || created.Before(started) {
			return nil, &APIError{Status: http.StatusConflict, Errors: []ErrorDetail{{Code: CodeLimitReached, Message: "secret_name_already_exists"}}}
		}
		value, scopes, comment := want.Value, want.Scopes, want.Comment
		if results[i], err = c.UpdateSecret(ctx, accountID, storeID, found.ID, SecretPatch{Value: &value, Scopes: &scopes, Comment: &comment}); err != nil {
			return nil, err
		}
	}
	if len(missing) > 0 {
		created, err := c.CreateSecrets(ctx, accountID, storeID, missing)
		if err != nil {
			return nil, err
		}
		for j, i := range missingAt {
			results[i] = created[j]
		}
	}
	return results, nil
}

// createStoreReconciling creates a store; after an unknown outcome it adopts a store of that
// name if one now exists.
func (c *Client) createStoreReconciling(ctx context.Context, accountID, name string) (Store, error) {
	store, err := c.createStore(ctx, accountID, name)
	err = c.afterUnknownOutcome(ctx, err, func() error {
		stores, err := c.ListStores(ctx, accountID)
		if err != nil {
			return err
		}
		for _, s := range stores {
			if s.Name == name {
				store = s
				return nil
			}
		}
		store, err = c.createStore(ctx, accountID, name)
		return err
	})
	return store, err
}

// createTokenReconciling creates a token. Token names need not be unique, so after an unknown
// outcome it looks for tokens of that name issued since the first attempt: it keeps the newest,
// deletes any others its retries made, and rolls the kept one, since a value is shown only once.
func (c *Client) createTokenReconciling(ctx context.Context, spec TokenSpec) (Token, error) {
	started := time.Now().Add(-time.Second)
	token, err := c.createToken(ctx, spec)
	err = c.afterUnknownOutcome(ctx, err, func() error {
		tokens, err := c.ListAccountTokens(ctx, spec.AccountID)
		if err != nil {
			return err
		}
		var mine []Token
		for _, t := range tokens {
			issued, parseErr := time.Parse(time.RFC3339, t.IssuedOn)
			if t.Name == spec.Name && parseErr == nil && !issued.Before(started.Truncate(time.Second)) {
				mine = append(mine, t)
			}
		}
		if len(mine) == 0 {
			token, err = c.createToken(ctx, spec)
			return err
		}
		newest := mine[0]
		for _, t := range mine[1:] {
			if t.IssuedOn > newest.IssuedOn {
				newest = t
			}
		}
		for _, t := range mine {
			if t.ID != newest.ID {
				if err := c.DeleteAccountToken(ctx, spec.AccountID, t.ID); err != nil {
					return err
				}
			}
		}
		value, err := c.RollAccountToken(ctx, spec.AccountID, newest.ID)
		token, token.Value = newest, value
		return err
	})
	return token, err
}
