package cfclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
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

// madeObjects is the set of ids of the stores, secrets and tokens this client created, or adopted
// after an unknown outcome. A later create that lost its answer never adopts one of them: it was
// another create's (in Terraform, another resource of the same configuration).
type madeObjects struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (m *madeObjects) add(ids ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ids == nil {
		m.ids = map[string]bool{}
	}
	for _, id := range ids {
		m.ids[id] = true
	}
}

func (m *madeObjects) has(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ids[id]
}

// Created reports whether this client created the store, secret or token with this id, or adopted
// it after a create whose answer was lost. A provider instance serves one Terraform run, so an
// object it created that a later create runs into was made by another resource of that run.
func (c *Client) Created(id string) bool { return c.made.has(id) }

// madeSince reports whether a `created` time Cloudflare wrote is at or after since.
func madeSince(created string, since time.Time) bool {
	t, err := time.Parse(time.RFC3339, created)
	return err == nil && !t.Before(since)
}

// errSecretNameTaken is Cloudflare's answer to a create whose name a store already holds.
var errSecretNameTaken = &APIError{Status: http.StatusConflict, Errors: []ErrorDetail{{Code: CodeLimitReached, Message: "secret_name_already_exists"}}}

// createSecretsReconciling creates secrets; after an unknown outcome it adopts the ones that
// now exist, were created since the first attempt and were not made by another create of this
// client (writing the configured value, scopes and comment to them), and creates the rest. Any
// other secret of the same name is someone else's: it is never adopted, and the create fails
// with Cloudflare's "already exists".
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
		if !madeSince(found.Created, started) || c.made.has(found.ID) {
			return nil, errSecretNameTaken
		}
		c.made.add(found.ID)
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
// name if one now exists that did not exist before the first attempt (stores are few and created
// rarely, so it lists them first). A store that was there before is someone else's: the create is
// sent again, and Cloudflare refuses it (one store per account) so that the resource can name the
// import.
func (c *Client) createStoreReconciling(ctx context.Context, accountID, name string) (Store, error) {
	existed := map[string]bool{}
	before, err := c.ListStores(ctx, accountID)
	if err != nil {
		return Store{}, err
	}
	for _, s := range before {
		existed[s.ID] = true
	}
	store, err := c.createStore(ctx, accountID, name)
	err = c.afterUnknownOutcome(ctx, err, func() error {
		stores, err := c.ListStores(ctx, accountID)
		if err != nil {
			return err
		}
		for _, s := range stores {
			if s.Name == name && !existed[s.ID] && !c.made.has(s.ID) {
				c.made.add(s.ID)
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
// outcome it looks for tokens issued since the first attempt that match the spec exactly (name,
// permissions, resources, IP ranges, times) and that no other create of this client made. Those
// can only be what its own attempts made, as long as there are no more of them than attempts: it
// keeps the newest, deletes the others and rolls the kept one, since a value is shown only once.
// More matches than attempts means someone else is making identical tokens: it then touches none.
func (c *Client) createTokenReconciling(ctx context.Context, spec TokenSpec) (Token, error) {
	started := time.Now().Add(-time.Second).Truncate(time.Second)
	attempts := 1
	token, err := c.createToken(ctx, spec)
	err = c.afterUnknownOutcome(ctx, err, func() error {
		tokens, err := c.ListAccountTokens(ctx, spec.AccountID)
		if err != nil {
			return err
		}
		var mine []Token
		for _, t := range tokens {
			if madeSince(t.IssuedOn, started) && !c.made.has(t.ID) && matchesSpec(t, spec) {
				mine = append(mine, t)
			}
		}
		if len(mine) == 0 {
			attempts++
			token, err = c.createToken(ctx, spec)
			return err
		}
		if len(mine) > attempts {
			return fmt.Errorf("the answer to creating token %q was lost, and %d tokens with that name and these permissions were "+
				"issued meanwhile, more than the %d this provider asked for: it cannot tell which one is its own, so it changed none of them. "+
				"Delete the extra ones in the dashboard (My Profile, API Tokens), then apply again", spec.Name, len(mine), attempts)
		}
		newest := mine[0]
		for _, t := range mine[1:] {
			if t.IssuedOn > newest.IssuedOn {
				newest = t
			}
		}
		c.made.add(newest.ID)
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

// matchesSpec reports whether a token is exactly what spec asks for: its name, one allow policy of
// the spec's permission groups on exactly the spec's account, its IP ranges and its times.
func matchesSpec(t Token, spec TokenSpec) bool {
	if t.Name != spec.Name || len(t.Policies) != 1 || !SameInstant(t.NotBefore, spec.NotBefore) || !SameInstant(t.ExpiresOn, spec.ExpiresOn) ||
		!sameElements(t.Condition.RequestIP.In, spec.AllowedIPs) || !sameElements(t.Condition.RequestIP.NotIn, spec.DeniedIPs) {
		return false
	}
	p := t.Policies[0]
	groups := make([]string, 0, len(p.PermissionGroups))
	for _, g := range p.PermissionGroups {
		groups = append(groups, g.ID)
	}
	everything, ok := p.Resources[AccountResource(spec.AccountID)]
	return p.Effect == "allow" && len(p.Resources) == 1 && ok && string(everything) == `"*"` && sameElements(groups, spec.PermissionGroupIDs)
}

func sameElements(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
