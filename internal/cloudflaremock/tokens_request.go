package cloudflaremock

// Reading and validating the body of a token create or update (tokens_routes.go). Every check runs
// before anything changes, and every error is a fixed string.

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// tokenRequest is the body of a create or an update (cloudflare-go's TokenNewParams and
// shared.TokenParam). Pointers tell absent from given.
type tokenRequest struct {
	Name      *string         `json:"name"`
	Policies  []policyRequest `json:"policies"`
	NotBefore *string         `json:"not_before"`
	ExpiresOn *string         `json:"expires_on"`
	Condition *struct {
		RequestIP *ipCondition `json:"request_ip"`
	} `json:"condition"`
	Status *string `json:"status"`
}

type policyRequest struct {
	ID               *string `json:"id"`
	Effect           string  `json:"effect"`
	PermissionGroups []struct {
		ID string `json:"id"`
	} `json:"permission_groups"`
	Resources map[string]json.RawMessage `json:"resources"`
}

// tokenSpec is a validated request, ready to be written into a token.
type tokenSpec struct {
	name      string
	status    string
	policies  []tokenPolicy
	notBefore *time.Time
	expiresOn *time.Time
	condition *ipCondition
}

// parseTokenRequest validates a create (existing nil) or an update body for the owner of the
// path: every check runs before anything changes. Order: JSON, name, policies (each: id, effect,
// permission groups, resources), condition, times, status.
func (s *Server) parseTokenRequest(c *call, existing *apiToken) (tokenSpec, *apiError) {
	var req tokenRequest
	if c.firstJSONByte() != '{' || json.Unmarshal(c.body, &req) != nil {
		return tokenSpec{}, errTokenMalformedJSON
	}
	spec := tokenSpec{status: tokenActive}
	if existing != nil {
		spec.status = existing.Status
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return tokenSpec{}, errTokenNameRequired
	}
	if len([]rune(*req.Name)) > maxTokenNameLength {
		return tokenSpec{}, errTokenNameTooLong
	}
	spec.name = *req.Name

	if len(req.Policies) == 0 {
		return tokenSpec{}, errTokenPoliciesEmpty
	}
	kept := map[string]bool{}
	for _, p := range req.Policies {
		policy, apiErr := s.parsePolicy(p, c.accountID(), existing, kept)
		if apiErr != nil {
			return tokenSpec{}, apiErr
		}
		spec.policies = append(spec.policies, policy)
	}

	if req.Condition != nil && req.Condition.RequestIP != nil {
		rule := req.Condition.RequestIP
		for _, cidr := range append(slices.Clone(rule.In), rule.NotIn...) {
			if _, err := netip.ParsePrefix(cidr); err != nil {
				return tokenSpec{}, errTokenCIDRInvalid
			}
		}
		if len(rule.In) > 0 || len(rule.NotIn) > 0 {
			spec.condition = &ipCondition{In: slices.Clone(rule.In), NotIn: slices.Clone(rule.NotIn)}
		}
	}

	var apiErr *apiError
	if spec.notBefore, apiErr = parseTokenTime(req.NotBefore, errTokenNotBeforeInvalid); apiErr != nil {
		return tokenSpec{}, apiErr
	}
	if spec.expiresOn, apiErr = parseTokenTime(req.ExpiresOn, errTokenExpiresOnInvalid); apiErr != nil {
		return tokenSpec{}, apiErr
	}
	if spec.notBefore != nil && spec.expiresOn != nil && !spec.expiresOn.After(*spec.notBefore) {
		return tokenSpec{}, errTokenExpiresBeforeNotBef
	}

	if req.Status != nil {
		if *req.Status != tokenActive && *req.Status != tokenDisabled {
			return tokenSpec{}, errTokenStatusInvalid
		}
		spec.status = *req.Status
	}
	return spec, nil
}

// parsePolicy validates one policy. owner is the owning account ("" for a user token); kept
// collects the existing policy ids an update reuses, so none is used twice.
func (s *Server) parsePolicy(p policyRequest, owner string, existing *apiToken, kept map[string]bool) (tokenPolicy, *apiError) {
	policy := tokenPolicy{ID: newID(), Effect: p.Effect}
	if p.ID != nil {
		if existing == nil {
			return tokenPolicy{}, errTokenPolicyReused
		}
		if kept[*p.ID] || !slices.ContainsFunc(existing.Policies, func(old tokenPolicy) bool { return old.ID == *p.ID }) {
			return tokenPolicy{}, errTokenPolicyUnknown
		}
		kept[*p.ID] = true
		policy.ID = *p.ID
	}
	if p.Effect != "allow" && p.Effect != "deny" {
		return tokenPolicy{}, errTokenEffectInvalid
	}
	if len(p.PermissionGroups) == 0 {
		return tokenPolicy{}, errTokenGroupsEmpty
	}
	for _, g := range p.PermissionGroups {
		if permissionGroupByID[g.ID] == nil {
			return tokenPolicy{}, errTokenGroupUnknown
		}
		policy.PermissionGroups = append(policy.PermissionGroups, g.ID)
	}
	if len(p.Resources) == 0 {
		return tokenPolicy{}, errTokenResourcesEmpty
	}
	policy.Resources = make(map[string]json.RawMessage, len(p.Resources))
	for key, raw := range p.Resources {
		canonical, apiErr := s.parseResource(key, raw, owner)
		if apiErr != nil {
			return tokenPolicy{}, apiErr
		}
		policy.Resources[key] = canonical
	}
	return policy, nil
}

// parseResource checks one resource entry and returns its value as canonical JSON:
//   - `com.cloudflare.api.account.<account id>`: `"*"` (the account itself) or an object of zone
//     keys, each `"*"` (zones of that account). An account-owned token may only name its own
//     account; a user token may name the accounts the user belongs to (the configured one).
//   - `com.cloudflare.api.account.*`: `"*"`, every account of the user (user tokens only).
//   - `com.cloudflare.api.account.zone.<zone id>` or `com.cloudflare.api.account.zone.*`: `"*"`.
func (s *Server) parseResource(key string, raw json.RawMessage, owner string) (json.RawMessage, *apiError) {
	switch {
	case zoneResourceKey.MatchString(key):
		if !isAnyResource(raw) {
			return nil, errTokenResourceValue
		}
		return json.RawMessage(anyResource), nil
	case accountResourceKey.MatchString(key):
		account := strings.TrimPrefix(key, accountResourcePrefix)
		reachable := account == s.cfg.AccountID && (owner == "" || owner == account) ||
			account == "*" && owner == ""
		if !reachable {
			return nil, errTokenResourceOutOfReach
		}
		if isAnyResource(raw) {
			return json.RawMessage(anyResource), nil
		}
		var zones map[string]string
		if account == "*" || json.Unmarshal(raw, &zones) != nil || len(zones) == 0 {
			return nil, errTokenResourceValue
		}
		for zoneKey, v := range zones {
			if !zoneResourceKey.MatchString(zoneKey) {
				return nil, errTokenResourceKeyInvalid
			}
			if v != "*" {
				return nil, errTokenResourceValue
			}
		}
		canonical, _ := json.Marshal(zones) // sorted keys
		return canonical, nil
	}
	return nil, errTokenResourceKeyInvalid
}

func isAnyResource(raw json.RawMessage) bool {
	var v string
	return json.Unmarshal(raw, &v) == nil && v == "*"
}

// parseTokenTime reads an optional RFC 3339 time (absent or null: none), truncated to the second.
func parseTokenTime(v *string, invalid *apiError) (*time.Time, *apiError) {
	if v == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, *v)
	if year := t.UTC().Year(); err != nil || year < 0 || year > 9999 {
		// Cloudflare keeps token times in UTC: an offset that moves one out of the four-digit
		// years leaves nothing it could store or return as RFC 3339.
		return nil, invalid
	}
	t = t.UTC().Truncate(time.Second)
	return &t, nil
}
