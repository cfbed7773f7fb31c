package cloudflaremock

import (
	"encoding/json"
	"net/http"
	"regexp"
	"time"
)

// API tokens (FACTS.md, Tokens): account-owned tokens under /accounts/{account_id}/tokens
// and user-owned tokens under /user/tokens, with the same shapes. The mock has one user, the
// owner of the admin token, who is a member of the configured account only.
//
// A token's value is shown once, in the answer to the create or the roll that made it. The mock
// keeps only its SHA-256 (in memory and in the state file); a bearer token is recognised by
// hashing it. Values are 40 characters of [A-Za-z0-9_-], like Cloudflare's.
//
// Token times (issued_on, modified_on, last_used_on, not_before, expires_on) are RFC 3339 in UTC
// at whole seconds ("2025-06-01T12:00:00Z"), as Cloudflare writes them for tokens; incoming
// not_before/expires_on are truncated to the second.
//
// Decisions where the sources are silent (FACTS.md, Tokens: create and update; codes and
// messages are fixed strings, never built from request content):
//   - Malformed or wrongly shaped JSON on a token route: 400 code 6007 "Malformed JSON in request
//     body" (the API gateway's wording), not the Secrets Store's `invalid_json_body`.
//   - Validation failures: 400 code 1001 with a sentence, the style of Cloudflare's IAM errors
//     ("Reusing existing policies is not supported by token creation" is Cloudflare's own).
//   - Unknown token id, or a token of another owner: 404 code 1003 "Token not found".
//   - Delete answers 200 with `{"id": ...}` (cloudflare-go decodes TokenDeleteResponse{id}).
//   - `status` is stored as active or disabled and may be set by create or update (absent on
//     update: unchanged); a token whose expires_on has passed reads as `expired` whatever its
//     stored status. An update may not set `expired`.
//   - Update replaces name, policies, not_before, expires_on and condition (absent = cleared). A
//     policy that carries the id of one of the token's current policies keeps that id; a policy
//     without id gets a new one; an id the token does not have is rejected.
//   - `condition` comes back as `{}` without an IP rule, else as
//     `{"request_ip":{"in":[...],"not_in":[...]}}` with both lists present.
//   - last_used_on is set on every request the token authenticates (also ones then refused for a
//     missing permission). A GET does not save the state file, so it reaches the file with the
//     next change.

// Token statuses (cloudflare-go v4.6.0 TokenStatus).
const (
	tokenActive   = "active"
	tokenDisabled = "disabled"
	tokenExpired  = "expired"
)

const (
	// maxTokenNameLength is the mock's limit; the sources give none.
	maxTokenNameLength = 120
	// tokenValueBytes random bytes encode to the 40 characters of a Cloudflare token value.
	tokenValueBytes = 30

	accountResourcePrefix = "com.cloudflare.api.account."
	accountWildcard       = "com.cloudflare.api.account.*"
	anyResource           = `"*"`
)

var (
	accountResourceKey = regexp.MustCompile(`^com\.cloudflare\.api\.account\.([0-9a-f]{32}|\*)$`)
	zoneResourceKey    = regexp.MustCompile(`^com\.cloudflare\.api\.account\.zone\.([0-9a-f]{32}|\*)$`)
)

// Errors of the token routes (see the decisions above).
var (
	errTokenForbidden     = fail(http.StatusForbidden, 9109, "Unauthorized to access requested resource")
	errTokenMalformedJSON = fail(http.StatusBadRequest, 6007, "Malformed JSON in request body")
	errTokenNotFound      = fail(http.StatusNotFound, 1003, "Token not found")

	errTokenNameRequired        = tokenInvalid("Token name is required")
	errTokenNameTooLong         = tokenInvalid("Token name must be at most 120 characters")
	errTokenPoliciesEmpty       = tokenInvalid("Token must have at least one policy")
	errTokenPolicyReused        = tokenInvalid("Reusing existing policies is not supported by token creation")
	errTokenPolicyUnknown       = tokenInvalid("Policy id does not belong to this token")
	errTokenEffectInvalid       = tokenInvalid("Policy effect must be allow or deny")
	errTokenGroupsEmpty         = tokenInvalid("Policy must have at least one permission group")
	errTokenGroupUnknown        = tokenInvalid("Permission group does not exist")
	errTokenResourcesEmpty      = tokenInvalid("Policy must have at least one resource")
	errTokenResourceKeyInvalid  = tokenInvalid("Invalid resource key in policy resources")
	errTokenResourceValue       = tokenInvalid("Invalid resource value in policy resources")
	errTokenResourceOutOfReach  = tokenInvalid("Policy resources name an account the token owner cannot access")
	errTokenCIDRInvalid         = tokenInvalid("Invalid CIDR in condition.request_ip")
	errTokenNotBeforeInvalid    = tokenInvalid("not_before must be an RFC 3339 date-time")
	errTokenExpiresOnInvalid    = tokenInvalid("expires_on must be an RFC 3339 date-time")
	errTokenExpiresBeforeNotBef = tokenInvalid("expires_on must be later than not_before")
	errTokenStatusInvalid       = tokenInvalid("Token status must be active or disabled")
	errTokenIncludeExpired      = tokenInvalid("include_expired must be true or false")
)

func tokenInvalid(message string) *apiError { return fail(http.StatusBadRequest, 1001, message) }

// verifiedMessage is the message of a successful verify (FACTS.md, Tokens: verify and roll).
var verifiedMessage = errorItem{Code: 10000, Message: "This API Token is valid and active"}

// apiToken is a token as the mock keeps it (and as the state file holds it): never its value.
type apiToken struct {
	ID string `json:"id"`
	// AccountID owns an account-owned token; empty for a user-owned token.
	AccountID   string        `json:"account_id,omitempty"`
	Name        string        `json:"name"`
	Status      string        `json:"status"`
	ValueSHA256 string        `json:"value_sha256"`
	IssuedOn    time.Time     `json:"issued_on"`
	ModifiedOn  time.Time     `json:"modified_on"`
	LastUsedOn  *time.Time    `json:"last_used_on,omitempty"`
	NotBefore   *time.Time    `json:"not_before,omitempty"`
	ExpiresOn   *time.Time    `json:"expires_on,omitempty"`
	Policies    []tokenPolicy `json:"policies"`
	Condition   *ipCondition  `json:"condition,omitempty"`
	Seq         uint64        `json:"seq"`
}

type tokenPolicy struct {
	ID               string   `json:"id"`
	Effect           string   `json:"effect"`
	PermissionGroups []string `json:"permission_groups"`
	// Resources maps a resource key to `"*"` or, for an account key, to an object of zone keys;
	// values are stored as canonical JSON and never mutated, so views can share them.
	Resources map[string]json.RawMessage `json:"resources"`
}

// ipCondition is `condition.request_ip`; both lists hold CIDRs validated at write time.
type ipCondition struct {
	In    []string `json:"in"`
	NotIn []string `json:"not_in"`
}

// tokenView is a token as get, list and update return it. It has no value field, so those
// routes cannot leak one; createdTokenView adds it for create only.
type tokenView struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Status     string             `json:"status"`
	IssuedOn   string             `json:"issued_on"`
	ModifiedOn string             `json:"modified_on"`
	LastUsedOn string             `json:"last_used_on,omitempty"`
	NotBefore  string             `json:"not_before,omitempty"`
	ExpiresOn  string             `json:"expires_on,omitempty"`
	Policies   []tokenPolicyView  `json:"policies"`
	Condition  tokenConditionView `json:"condition"`
}

type createdTokenView struct {
	tokenView
	Value string `json:"value"`
}

type tokenPolicyView struct {
	ID               string                     `json:"id"`
	Effect           string                     `json:"effect"`
	PermissionGroups []permissionGroupRef       `json:"permission_groups"`
	Resources        map[string]json.RawMessage `json:"resources"`
}

type permissionGroupRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type tokenConditionView struct {
	RequestIP *ipCondition `json:"request_ip,omitempty"`
}

type tokenVerifyView struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	NotBefore string `json:"not_before,omitempty"`
	ExpiresOn string `json:"expires_on,omitempty"`
}

func formatTokenTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func formatOptionalTokenTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatTokenTime(*t)
}

// tokenNow is the server clock at the whole second tokens are stamped with.
func (s *Server) tokenNow() time.Time { return s.now().Truncate(time.Second) }

// statusAt is the status a client sees at now: expired once expires_on has come.
func (t *apiToken) statusAt(now time.Time) string {
	if t.ExpiresOn != nil && !now.Before(*t.ExpiresOn) {
		return tokenExpired
	}
	return t.Status
}

func (t *apiToken) view(now time.Time) tokenView {
	policies := make([]tokenPolicyView, 0, len(t.Policies))
	for _, p := range t.Policies {
		groups := make([]permissionGroupRef, 0, len(p.PermissionGroups))
		for _, id := range p.PermissionGroups {
			ref := permissionGroupRef{ID: id}
			if pg := permissionGroupByID[id]; pg != nil {
				ref.Name = pg.Name
			}
			groups = append(groups, ref)
		}
		policies = append(policies, tokenPolicyView{
			ID:               p.ID,
			Effect:           p.Effect,
			PermissionGroups: groups,
			Resources:        cloneResources(p.Resources),
		})
	}
	v := tokenView{
		ID:         t.ID,
		Name:       t.Name,
		Status:     t.statusAt(now),
		IssuedOn:   formatTokenTime(t.IssuedOn),
		ModifiedOn: formatTokenTime(t.ModifiedOn),
		LastUsedOn: formatOptionalTokenTime(t.LastUsedOn),
		NotBefore:  formatOptionalTokenTime(t.NotBefore),
		ExpiresOn:  formatOptionalTokenTime(t.ExpiresOn),
		Policies:   policies,
	}
	if t.Condition != nil {
		v.Condition.RequestIP = &ipCondition{
			In:    append([]string{}, t.Condition.In...),
			NotIn: append([]string{}, t.Condition.NotIn...),
		}
	}
	return v
}

// cloneResources copies a resources map; the raw values are immutable and shared.
func cloneResources(m map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
