package cloudflaremock

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"
)

// API tokens (API facts, "API tokens"): account-owned tokens under /accounts/{account_id}/tokens
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
// Decisions where the API facts are silent (codes and messages are fixed strings, never built
// from request content):
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
	// maxTokenNameLength is the mock's limit; the API facts give none.
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
)

func tokenInvalid(message string) *apiError { return fail(http.StatusBadRequest, 1001, message) }

// errTokenLocation is Cloudflare's answer to a token used from outside its IP condition.
func errTokenLocation(ip string) *apiError {
	return fail(http.StatusForbidden, 9109, "Cannot use the access token from location: "+ip)
}

// verifiedMessage is the message of a successful verify (API facts).
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

func (s *Server) tokenRoutes() []route {
	var routes []route
	for _, base := range []string{"/accounts/{account_id}/tokens", "/user/tokens"} {
		one := base + "/{token_id}"
		routes = append(routes,
			route{method: http.MethodPost, pattern: base, permission: permAPITokensWrite, handle: s.createToken},
			route{method: http.MethodGet, pattern: base, permission: permAPITokensRead, handle: s.listTokens},
			// verify needs only a valid token: no permission.
			route{method: http.MethodGet, pattern: base + "/verify", handle: s.verifyToken},
			route{method: http.MethodGet, pattern: one, permission: permAPITokensRead, handle: s.getToken},
			route{method: http.MethodPut, pattern: one, permission: permAPITokensWrite, handle: s.updateToken},
			route{method: http.MethodDelete, pattern: one, permission: permAPITokensWrite, handle: s.deleteToken},
			route{method: http.MethodPut, pattern: one + "/value", permission: permAPITokensWrite, handle: s.rollToken},
		)
	}
	return append(routes, s.permissionGroupRoutes()...)
}

// isTokenRoute tells the routes whose missing-permission answer is 9109 (API facts).
func isTokenRoute(pattern string) bool {
	return strings.HasPrefix(pattern, "/user/tokens") || strings.HasPrefix(pattern, "/accounts/{account_id}/tokens")
}

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

// newTokenValue is 40 random characters of [A-Za-z0-9_-].
func newTokenValue() string {
	b := make([]byte, tokenValueBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenDigest(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

func (s *Server) createToken(c *call) (reply, *apiError) {
	spec, apiErr := s.parseTokenRequest(c, nil)
	if apiErr != nil {
		return reply{}, apiErr
	}
	value := newTokenValue()
	now := s.tokenNow()
	t := &apiToken{
		ID:          newID(),
		AccountID:   c.accountID(),
		Name:        spec.name,
		Status:      spec.status,
		ValueSHA256: tokenDigest(value),
		IssuedOn:    now,
		ModifiedOn:  now,
		NotBefore:   spec.notBefore,
		ExpiresOn:   spec.expiresOn,
		Policies:    spec.policies,
		Condition:   spec.condition,
		Seq:         s.state.nextSeq(),
	}
	s.state.Tokens[t.ID] = t
	return ok(createdTokenView{tokenView: t.view(s.now()), Value: value}), nil
}

// listTokens pages through the owner's tokens, oldest first; `direction=desc` reverses.
func (s *Server) listTokens(c *call) (reply, *apiError) {
	q := c.req.URL.Query()
	page, apiErr := parsePage(q)
	if apiErr != nil {
		return reply{}, apiErr
	}
	desc := false
	switch q.Get("direction") {
	case "", "asc":
	case "desc":
		desc = true
	default:
		return reply{}, badRequest("invalid_direction")
	}
	var tokens []*apiToken
	for _, t := range s.state.Tokens {
		if t.AccountID == c.accountID() {
			tokens = append(tokens, t)
		}
	}
	slices.SortFunc(tokens, func(a, b *apiToken) int {
		if desc {
			a, b = b, a
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	now := s.now()
	views := make([]tokenView, 0, len(tokens))
	for _, t := range tokens {
		views = append(views, t.view(now))
	}
	result, info := paginate(views, page)
	return reply{status: http.StatusOK, result: result, info: info}, nil
}

func (s *Server) getToken(c *call) (reply, *apiError) {
	t, apiErr := s.tokenFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return ok(t.view(s.now())), nil
}

// updateToken replaces the token's settings (full body); the value is unchanged.
func (s *Server) updateToken(c *call) (reply, *apiError) {
	t, apiErr := s.tokenFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	spec, apiErr := s.parseTokenRequest(c, t)
	if apiErr != nil {
		return reply{}, apiErr
	}
	t.Name = spec.name
	t.Status = spec.status
	t.Policies = spec.policies
	t.NotBefore = spec.notBefore
	t.ExpiresOn = spec.expiresOn
	t.Condition = spec.condition
	t.ModifiedOn = s.tokenNow()
	return ok(t.view(s.now())), nil
}

func (s *Server) deleteToken(c *call) (reply, *apiError) {
	t, apiErr := s.tokenFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	delete(s.state.Tokens, t.ID)
	return ok(map[string]string{"id": t.ID}), nil
}

// rollToken (`PUT .../{token_id}/value`, body `{}`) gives the token a new value and answers it as
// a bare JSON string; the old value stops working at once.
func (s *Server) rollToken(c *call) (reply, *apiError) {
	t, apiErr := s.tokenFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	var body map[string]json.RawMessage
	if c.firstJSONByte() != '{' || json.Unmarshal(c.body, &body) != nil {
		return reply{}, errTokenMalformedJSON
	}
	value := newTokenValue()
	t.ValueSHA256 = tokenDigest(value)
	t.ModifiedOn = s.tokenNow()
	return ok(value), nil
}

// verifyToken answers for the calling token itself. authorize has already refused an unknown,
// disabled, expired, not-yet-valid or IP-denied token (and an account-owned token on /user). On
// /accounts/{account_id}/tokens/verify only tokens owned by that account verify; any other
// token, user-owned ones included, is "Invalid API Token" there. The admin token verifies on both
// (it stands for the user, who is also the account's Super Administrator).
func (s *Server) verifyToken(c *call) (reply, *apiError) {
	view := tokenVerifyView{ID: c.grant.tokenID, Status: tokenActive}
	if !c.grant.admin {
		t := s.state.Tokens[c.grant.tokenID]
		if t == nil || t.AccountID != c.accountID() {
			return reply{}, errInvalidToken
		}
		view.NotBefore = formatOptionalTokenTime(t.NotBefore)
		view.ExpiresOn = formatOptionalTokenTime(t.ExpiresOn)
	}
	return reply{status: http.StatusOK, result: view, messages: []errorItem{verifiedMessage}}, nil
}

// tokenFor finds the token named by the path among the path owner's tokens.
func (s *Server) tokenFor(c *call) (*apiToken, *apiError) {
	t, found := s.state.Tokens[c.params["token_id"]]
	if !found || t.AccountID != c.accountID() {
		return nil, errTokenNotFound
	}
	return t, nil
}

// tokenByValue finds the token a bearer value belongs to, by its digest.
func (s *Server) tokenByValue(value string) *apiToken {
	digest := []byte(tokenDigest(value))
	for _, t := range s.state.Tokens {
		if subtle.ConstantTimeCompare(digest, []byte(t.ValueSHA256)) == 1 {
			return t
		}
	}
	return nil
}

// adminTokenID is the id verify reports for the admin token: stable across restarts and derived
// from the account, never from the token.
func (s *Server) adminTokenID() string {
	sum := sha256.Sum256([]byte("cloudflaremock admin token of " + s.cfg.AccountID))
	return hex.EncodeToString(sum[:16])
}

// authenticateToken applies a stored token's own rules to a request: validity (401 code 1000
// for disabled, expired or not yet valid, like an unknown token: the API facts' "expired or
// revoked") and then its IP condition (403 code 9109 "Cannot use the access token from
// location: <ip>"). It stamps last_used_on when the token passes.
func (s *Server) authenticateToken(t *apiToken, r *http.Request) *apiError {
	now := s.now()
	if t.statusAt(now) != tokenActive || (t.NotBefore != nil && now.Before(*t.NotBefore)) {
		return errInvalidToken
	}
	if t.Condition != nil {
		ip, allowed := ipAllowed(t.Condition, r.RemoteAddr)
		if !allowed {
			return errTokenLocation(ip)
		}
	}
	used := s.tokenNow()
	t.LastUsedOn = &used
	return nil
}

// ipAllowed checks the request's address (RemoteAddr: the mock trusts no forwarding header)
// against the condition: inside an `in` range when `in` is set, and inside no `not_in` range.
func ipAllowed(cond *ipCondition, remoteAddr string) (string, bool) {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host, false
	}
	addr = addr.Unmap()
	inAny := func(cidrs []string) bool {
		for _, cidr := range cidrs {
			if p, err := netip.ParsePrefix(cidr); err == nil && p.Masked().Contains(addr) {
				return true
			}
		}
		return false
	}
	if len(cond.In) > 0 && !inAny(cond.In) {
		return addr.String(), false
	}
	if inAny(cond.NotIn) {
		return addr.String(), false
	}
	return addr.String(), true
}

// tokenPermissions is what t may do on a route. On an account route (accountRoute true) a policy
// counts when its resources give that whole account (`com.cloudflare.api.account.<id>: "*"`, or
// `com.cloudflare.api.account.*: "*"` for a user token), the account is the user's (the
// configured one) and, for an account-owned token, its own. On a /user route the account does not
// matter: a policy counts when it gives any account. The answer is the union of the counting
// allow policies' grants minus those of the counting deny policies.
func (s *Server) tokenPermissions(t *apiToken, account string, accountRoute bool) map[string]bool {
	allowed, denied := map[string]bool{}, map[string]bool{}
	for _, p := range t.Policies {
		if !s.policyReaches(t, p, account, accountRoute) {
			continue
		}
		into := allowed
		if p.Effect == "deny" {
			into = denied
		}
		for _, id := range p.PermissionGroups {
			if pg := permissionGroupByID[id]; pg != nil {
				for _, permission := range pg.grants {
					into[permission] = true
				}
			}
		}
	}
	for permission := range denied {
		delete(allowed, permission)
	}
	return allowed
}

func (s *Server) policyReaches(t *apiToken, p tokenPolicy, account string, accountRoute bool) bool {
	if !accountRoute {
		for key, v := range p.Resources {
			if accountResourceKey.MatchString(key) && string(v) == anyResource {
				return true
			}
		}
		return false
	}
	if account != s.cfg.AccountID || (t.AccountID != "" && t.AccountID != account) {
		return false
	}
	return string(p.Resources[accountResourcePrefix+account]) == anyResource ||
		(t.AccountID == "" && string(p.Resources[accountWildcard]) == anyResource)
}

// expireTokenControl (`POST /__mock/tokens/{token_id}/expire`) sets a token's expires_on to now,
// so a test sees expiry without sleeping or moving the clock. It answers `{"id","expires_on"}`.
func (s *Server) expireTokenControl(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	t, found := s.state.Tokens[r.PathValue("token_id")]
	var answer map[string]string
	var err error
	if found {
		now := s.tokenNow()
		t.ExpiresOn = &now
		answer = map[string]string{"id": t.ID, "expires_on": formatTokenTime(now)}
		err = s.persist()
	}
	s.mu.Unlock()
	switch {
	case !found:
		writeJSON(w, http.StatusNotFound, controlError{Error: "token_not_found"})
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, controlError{Error: "could not save the state"})
	default:
		writeJSON(w, http.StatusOK, answer)
	}
}

// isAdminToken compares in constant time: the admin token is a real secret in a shared setup.
func (s *Server) isAdminToken(token string) bool {
	return subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) == 1
}
