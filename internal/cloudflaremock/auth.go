package cloudflaremock

// Authentication and authorization of /client/v4 requests: the bearer header, which token it is
// (the admin token or a stored API token, found by the digest of its value), whether that token is
// valid here (status, dates, IP condition) and what its policies let it do on the route's account.
// Server.serveRoute calls authorize before every handler.

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Permissions a route can require, named after Cloudflare's permission groups ("Account Secrets
// Store Read/Write"; FACTS.md, Tokens: permission groups). The admin token holds them all; API
// tokens get them from their policies' permission groups (permission_groups.go maps each group to
// what it grants).
const (
	permSecretsStoreRead  = "secrets_store.read"
	permSecretsStoreWrite = "secrets_store.write"
	// API tokens (tokens.go): "Account API Tokens Read/Write".
	permAPITokensRead  = "api_tokens.read"
	permAPITokensWrite = "api_tokens.write"
	// Workers scripts (workers.go): "Workers Scripts Read/Write" (the dashboard's "Edit").
	permWorkersScriptsRead  = "workers_scripts.read"
	permWorkersScriptsWrite = "workers_scripts.write"
)

// bearerToken reads `Authorization: Bearer <token>`. Anything else, including a missing header,
// is 400 6003/6111 (FACTS.md, Transport: base URL and auth).
func bearerToken(h http.Header) (string, *apiError) {
	scheme, token, ok := strings.Cut(h.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return "", errBadAuthHeader
	}
	return token, nil
}

// authorize applies the auth rules of FACTS.md, Transport: base URL and auth: an unknown, disabled,
// expired or not-yet-valid token is 401 code 1000; a token used from outside its IP condition is
// 403 code 9109; a valid token without the route's permission (on an account it cannot reach it
// holds none) is 403 code 10000, or 9109 "Unauthorized to access requested resource" on the token
// routes. A route with no permission (token verify) only needs a valid token.
func (s *Server) authorize(token string, rt route, c *call) (grant, *apiError) {
	g, apiErr := s.grantFor(token, rt, c)
	if apiErr != nil {
		return grant{}, apiErr
	}
	if rt.permission != "" && !g.allows(rt.permission) {
		return grant{}, forbiddenFor(rt)
	}
	return g, nil
}

// forbiddenFor is the missing-permission answer of a route (FACTS.md, Transport: base URL and
// auth).
func forbiddenFor(rt route) *apiError {
	if isTokenRoute(rt.pattern) {
		return errTokenForbidden
	}
	return errForbidden
}

// isTokenRoute tells the routes whose missing-permission answer is 9109 (FACTS.md, Tokens: errors).
func isTokenRoute(pattern string) bool {
	return strings.HasPrefix(pattern, "/user/tokens") || strings.HasPrefix(pattern, "/accounts/{account_id}/tokens")
}

// grant is what the caller's token may do on the route's account (on a /user route: as the user).
type grant struct {
	accountID string // the route's account; "" on /user routes
	tokenID   string // the caller's token (for the admin token, a stable made-up id)
	admin     bool   // the admin token: every permission
	// permissions held by a stored token (tokens.go computes them from its policies).
	permissions map[string]bool
}

func (g grant) allows(permission string) bool {
	return g.admin || g.permissions[permission]
}

// grantFor identifies the bearer token and works out its grant for this request.
//   - The admin token (Config.AdminToken) holds every permission on the configured account and
//     stands for the mock's one user on /user routes; on another account it reaches nothing.
//   - Any other token is looked up by the SHA-256 of its value: unknown is 401 code 1000 "Invalid
//     API Token", and so is an account-owned token on a /user route (Cloudflare does not know
//     account-owned tokens there). Then authenticateToken applies validity and IP rules, and
//     tokenPermissions the policies (tokens.go).
func (s *Server) grantFor(token string, rt route, c *call) (grant, *apiError) {
	account, accountRoute := c.params["account_id"]
	if s.isAdminToken(token) {
		if accountRoute && account != s.cfg.AccountID {
			return grant{}, forbiddenFor(rt)
		}
		return grant{accountID: account, tokenID: s.adminTokenID(), admin: true}, nil
	}
	t := s.tokenByValue(token)
	if t == nil || (!accountRoute && t.AccountID != "") {
		return grant{}, errInvalidToken
	}
	if apiErr := s.authenticateToken(t, c.req); apiErr != nil {
		return grant{}, apiErr
	}
	return grant{accountID: account, tokenID: t.ID, permissions: s.tokenPermissions(t, account, accountRoute)}, nil
}

// isAdminToken compares in constant time: the admin token is a real secret in a shared setup.
func (s *Server) isAdminToken(token string) bool {
	return subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AdminToken)) == 1
}

// adminTokenID is the id verify reports for the admin token: stable across restarts and derived
// from the account, never from the token.
func (s *Server) adminTokenID() string {
	sum := sha256.Sum256([]byte("cloudflaremock admin token of " + s.cfg.AccountID))
	return hex.EncodeToString(sum[:16])
}

// tokenByValue finds the token a bearer value belongs to, by its digest.
func (s *Server) tokenByValue(value string) *apiToken {
	digest := []byte(sha256Hex(value))
	for _, t := range s.state.Tokens {
		if subtle.ConstantTimeCompare(digest, []byte(t.ValueSHA256)) == 1 {
			return t
		}
	}
	return nil
}

// authenticateToken applies a stored token's own rules to a request: validity (401 code 1000
// for disabled, expired or not yet valid, like an unknown token; FACTS.md, Transport: base URL
// and auth) and then its IP condition (403 code 9109 "Cannot use the access token from
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

// errTokenLocation is Cloudflare's answer to a token used from outside its IP condition.
func errTokenLocation(ip string) *apiError {
	return fail(http.StatusForbidden, 9109, "Cannot use the access token from location: "+ip)
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
