package cfclient

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/accounts"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/shared"
)

// AccountScope is the scope of the permission groups that apply to an account (PermissionGroup
// Scopes); Cloudflare has groups of the same name at zone scope, told apart only by it.
const AccountScope = "com.cloudflare.api.account"

// AccountResource is the policy resource key that covers exactly one account.
func AccountResource(accountID string) string { return "com.cloudflare.api.account." + accountID }

// TokenSpec is an account-owned API token with one allow policy on one account.
type TokenSpec struct {
	Name               string
	AccountID          string
	PermissionGroupIDs []string
	AllowedIPs         []string
	DeniedIPs          []string
	// NotBefore and ExpiresOn are RFC 3339 times; empty means none.
	NotBefore string
	ExpiresOn string
	// Status is "active" or "disabled", sent by updates (a create is always active); empty
	// leaves it as it is.
	Status string
}

// Token is an API token as Cloudflare returns it. Value is set only by create and roll.
type Token struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Status     string         `json:"status"`
	IssuedOn   string         `json:"issued_on"`
	ModifiedOn string         `json:"modified_on"`
	NotBefore  string         `json:"not_before"`
	ExpiresOn  string         `json:"expires_on"`
	Policies   []TokenPolicy  `json:"policies"`
	Condition  TokenCondition `json:"condition"`
	Value      string         `json:"value"`
}

// TokenPolicy is one policy of a token; Cloudflare assigns its id.
type TokenPolicy struct {
	ID               string                     `json:"id"`
	Effect           string                     `json:"effect"`
	PermissionGroups []PermissionGroup          `json:"permission_groups"`
	Resources        map[string]json.RawMessage `json:"resources"`
}

// TokenCondition limits where a token may be used from.
type TokenCondition struct {
	RequestIP struct {
		In    []string `json:"in"`
		NotIn []string `json:"not_in"`
	} `json:"request_ip"`
}

// PermissionGroup is a named set of permissions a token policy grants.
type PermissionGroup struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

// CreateAccountToken creates a token; the result holds its value, the only time it is shown.
func (c *Client) CreateAccountToken(ctx context.Context, spec TokenSpec) (Token, error) {
	return c.createTokenReconciling(ctx, spec)
}

func (c *Client) createToken(ctx context.Context, spec TokenSpec) (Token, error) {
	params, err := tokenParams(spec)
	if err != nil {
		return Token{}, err
	}
	var env envelope[Token]
	_, err = c.sdk.Accounts.Tokens.New(ctx, accounts.TokenNewParams{
		AccountID: cloudflare.F(spec.AccountID),
		Name:      params.Name,
		Policies:  params.Policies,
		Condition: cloudflare.F(accounts.TokenNewParamsCondition{RequestIP: cloudflare.F(accounts.TokenNewParamsConditionRequestIP{
			In: params.Condition.Value.RequestIP.Value.In, NotIn: params.Condition.Value.RequestIP.Value.NotIn,
		})}),
		NotBefore: params.NotBefore,
		ExpiresOn: params.ExpiresOn,
	}, into(&env))
	if err == nil {
		c.made.add(env.Result.ID)
		c.rememberToken(spec.AccountID, env.Result.ID, &env.Result)
	}
	return env.Result, translate(err)
}

// UpdateAccountToken replaces a token's name, policies, condition and times, and its status when
// the spec has one; its value stays.
func (c *Client) UpdateAccountToken(ctx context.Context, tokenID string, spec TokenSpec) (Token, error) {
	params, err := tokenParams(spec)
	if err != nil {
		return Token{}, err
	}
	var env envelope[Token]
	_, err = c.sdk.Accounts.Tokens.Update(ctx, tokenID, accounts.TokenUpdateParams{
		AccountID: cloudflare.F(spec.AccountID),
		Token:     params,
	}, into(&env))
	if err == nil {
		c.rememberToken(spec.AccountID, tokenID, &env.Result)
	}
	return env.Result, translate(err)
}

// GetAccountToken reads a token (without its value). Reads share one paged listing of the
// account's tokens per provider instance.
func (c *Client) GetAccountToken(ctx context.Context, accountID, tokenID string) (Token, error) {
	if !c.sharedReads {
		var env envelope[Token]
		_, err := c.sdk.Accounts.Tokens.Get(ctx, tokenID, accounts.TokenGetParams{AccountID: cloudflare.F(accountID)}, into(&env))
		return env.Result, translate(err)
	}
	tokens, err := c.sharedTokens(ctx, accountID)
	if err != nil {
		return Token{}, err
	}
	if token, ok := tokens[tokenID]; ok {
		return token, nil
	}
	return Token{}, &APIError{Status: http.StatusNotFound, Errors: []ErrorDetail{{Code: 1003, Message: "Invalid token id"}}}
}

// AccountTokens lists the account's tokens (without values), ordered by name then id, from the
// account's shared listing: one paged listing per account and provider instance.
func (c *Client) AccountTokens(ctx context.Context, accountID string) ([]Token, error) {
	if !c.sharedReads {
		return c.ListAccountTokens(ctx, accountID)
	}
	tokens, err := c.sharedTokens(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return slices.SortedFunc(maps.Values(tokens), func(a, b Token) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	}), nil
}

// sharedTokens is the account's shared token listing, by id.
func (c *Client) sharedTokens(ctx context.Context, accountID string) (map[string]Token, error) {
	return c.accountTokens.get(ctx, accountID, func(ctx context.Context) (map[string]Token, error) {
		listed, err := c.ListAccountTokens(ctx, accountID)
		byID := make(map[string]Token, len(listed))
		for _, t := range listed {
			byID[t.ID] = t
		}
		return byID, err
	})
}

// ListAccountTokens lists the account's tokens (without values), expired ones included,
// following pages.
func (c *Client) ListAccountTokens(ctx context.Context, accountID string) ([]Token, error) {
	return collectPages(func(page int) ([]Token, *resultInfo, error) {
		var env envelope[[]Token]
		_, err := c.sdk.Accounts.Tokens.List(ctx, accounts.TokenListParams{
			AccountID: cloudflare.F(accountID),
			Page:      cloudflare.F(float64(page)),
			PerPage:   cloudflare.F(float64(maxPerPage)),
		}, tokenListWithExpired(), into(&env))
		return env.Result, env.ResultInfo, translate(err)
	})
}

// rememberToken puts a written token into the shared listing; a nil token removes the id.
func (c *Client) rememberToken(accountID, tokenID string, token *Token) {
	c.accountTokens.update(accountID, func(old map[string]Token) map[string]Token {
		updated := maps.Clone(old)
		if token == nil {
			delete(updated, tokenID)
		} else {
			stored := *token
			stored.Value = ""
			updated[tokenID] = stored
		}
		return updated
	})
}

// DeleteAccountToken deletes a token. A token that is already gone is not an error.
func (c *Client) DeleteAccountToken(ctx context.Context, accountID, tokenID string) error {
	var env envelope[any]
	_, err := c.sdk.Accounts.Tokens.Delete(ctx, tokenID, accounts.TokenDeleteParams{AccountID: cloudflare.F(accountID)}, into(&env))
	if err = translate(err); err != nil && !IsNotFound(err) {
		return err
	}
	c.rememberToken(accountID, tokenID, nil)
	return nil
}

// RollAccountToken gives the token a new value; the old one stops working at once.
func (c *Client) RollAccountToken(ctx context.Context, accountID, tokenID string) (string, error) {
	var env envelope[string]
	_, err := c.sdk.Accounts.Tokens.Value.Update(ctx, tokenID, accounts.TokenValueUpdateParams{
		AccountID: cloudflare.F(accountID),
		Body:      map[string]any{},
	}, into(&env))
	return env.Result, translate(err)
}

// TokenValueWorks reports whether value is a token Cloudflare accepts right now, by verifying
// it with itself as the credential. A rolled, deleted or expired value answers 401.
func (c *Client) TokenValueWorks(ctx context.Context, accountID, value string) (bool, error) {
	var env envelope[any]
	_, err := c.sdk.Accounts.Tokens.Verify(ctx, accounts.TokenVerifyParams{AccountID: cloudflare.F(accountID)},
		option.WithAPIToken(value), into(&env))
	err = translate(err)
	if apiErr, ok := AsAPIError(err); ok && apiErr.Status == http.StatusUnauthorized {
		return false, nil
	}
	return err == nil, err
}

// PermissionGroups lists the permission groups tokens on this account can hold.
func (c *Client) PermissionGroups(ctx context.Context, accountID, name, scope string) ([]PermissionGroup, error) {
	params := accounts.TokenPermissionGroupListParams{AccountID: cloudflare.F(accountID)}
	if name != "" {
		params.Name = cloudflare.F(name)
	}
	if scope != "" {
		params.Scope = cloudflare.F(scope)
	}
	var env envelope[[]PermissionGroup]
	_, err := c.sdk.Accounts.Tokens.PermissionGroups.List(ctx, params, into(&env))
	return env.Result, translate(err)
}

// tokenParams is the SDK's form of a spec: one allow policy on exactly the spec's account.
func tokenParams(spec TokenSpec) (shared.TokenParam, error) {
	groups := make([]shared.TokenPolicyPermissionGroupParam, 0, len(spec.PermissionGroupIDs))
	for _, id := range spec.PermissionGroupIDs {
		groups = append(groups, shared.TokenPolicyPermissionGroupParam{ID: cloudflare.F(id)})
	}
	params := shared.TokenParam{
		Name: cloudflare.F(spec.Name),
		Policies: cloudflare.F([]shared.TokenPolicyParam{{
			Effect:           cloudflare.F(shared.TokenPolicyEffectAllow),
			PermissionGroups: cloudflare.F(groups),
			Resources: cloudflare.F(map[string]shared.TokenPolicyResourcesUnionParam{
				AccountResource(spec.AccountID): shared.UnionString("*"),
			}),
		}}),
		Condition: cloudflare.F(shared.TokenConditionParam{RequestIP: cloudflare.F(shared.TokenConditionRequestIPParam{
			In:    cloudflare.F(nonNil(spec.AllowedIPs)),
			NotIn: cloudflare.F(nonNil(spec.DeniedIPs)),
		})}),
	}
	if spec.Status != "" {
		params.Status = cloudflare.F(shared.TokenStatus(spec.Status))
	}
	if spec.NotBefore != "" {
		t, err := time.Parse(time.RFC3339, spec.NotBefore)
		if err != nil {
			return params, fmt.Errorf("not_before %q is not an RFC 3339 time", spec.NotBefore)
		}
		params.NotBefore = cloudflare.F(t)
	}
	if spec.ExpiresOn != "" {
		t, err := time.Parse(time.RFC3339, spec.ExpiresOn)
		if err != nil {
			return params, fmt.Errorf("expires_on %q is not an RFC 3339 time", spec.ExpiresOn)
		}
		params.ExpiresOn = cloudflare.F(t)
	}
	return params, nil
}

// SameInstant tells whether two token times (RFC 3339, such as not_before and expires_on) name
// the same instant however each is written: a time may come back in another zone or spelling
// than it was sent in ("Z" for "+00:00"). An empty time (none) equals only another empty one, and
// a time that does not parse equals nothing.
func SameInstant(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	ta, errA := time.Parse(time.RFC3339, a)
	tb, errB := time.Parse(time.RFC3339, b)
	return errA == nil && errB == nil && ta.Equal(tb)
}

func nonNil(values []string) []string {
	if values == nil {
		return []string{}
	}
	return values
}
