package cloudflaremock

// The API token routes (create, list, get, update, delete, roll, verify) for account-owned and
// user-owned tokens, and the control route that expires a token.

import (
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
)

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

// newTokenValue is 40 random characters of [A-Za-z0-9_-].
func newTokenValue() string {
	b := make([]byte, tokenValueBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
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
		ValueSHA256: sha256Hex(value),
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

// listTokens pages through the owner's tokens, oldest first; `direction=desc` reverses. An
// expired token is listed only with `include_expired=true` (see FACTS.md, "Tokens: list").
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
	includeExpired, apiErr := parseFlag(q, "include_expired", errTokenIncludeExpired)
	if apiErr != nil {
		return reply{}, apiErr
	}
	now := s.now()
	var tokens []*apiToken
	for _, t := range s.state.Tokens {
		if t.AccountID == c.accountID() && (includeExpired || t.statusAt(now) != tokenExpired) {
			tokens = append(tokens, t)
		}
	}
	slices.SortFunc(tokens, func(a, b *apiToken) int {
		if desc {
			a, b = b, a
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
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
	t.ValueSHA256 = sha256Hex(value)
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
