package cloudflaremock

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// secret is a Secrets Store secret as the mock keeps it. Value is stored here and in the state
// file, and nowhere else: the API only ever sees a secretView.
type secret struct {
	ID        string    `json:"id"`
	StoreID   string    `json:"store_id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Value     string    `json:"value"`
	Comment   string    `json:"comment"`
	Scopes    []string  `json:"scopes"`
	Status    string    `json:"status"`
	Created   time.Time `json:"created"`
	Modified  time.Time `json:"modified"`
	Seq       uint64    `json:"seq"`
}

// secretView is a secret as the API returns it (FACTS.md, Secrets: shape): `{id, store_id, name,
// comment, scopes, status, created, modified}`. It has no value field, so no route can leak one.
type secretView struct {
	ID       string   `json:"id"`
	StoreID  string   `json:"store_id"`
	Name     string   `json:"name"`
	Comment  string   `json:"comment"`
	Scopes   []string `json:"scopes"`
	Status   string   `json:"status"`
	Created  string   `json:"created"`
	Modified string   `json:"modified"`
}

func (sec *secret) view() secretView {
	return secretView{
		ID:       sec.ID,
		StoreID:  sec.StoreID,
		Name:     sec.Name,
		Comment:  sec.Comment,
		Scopes:   slices.Clone(sec.Scopes),
		Status:   sec.Status,
		Created:  formatTime(sec.Created),
		Modified: formatTime(sec.Modified),
	}
}

// statusActive: the description lists pending, active and deleted; creation is synchronous in
// the mock, so a secret is active at once, and a deleted secret is gone (see FACTS.md,
// "Secrets: shape").
const statusActive = "active"

// Limits (FACTS.md, Secrets: quota and limits).
const (
	maxSecretNameLength = 255
	// maxSecretValueBytes is the description's limit (FACTS.md, Secrets: quota and limits); the
	// docs' 1,024 bytes is the dashboard's.
	maxSecretValueBytes = 64 << 10
)

var (
	secretNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	knownScopes       = []string{"access", "ai_gateway", "containers", "dex", "websearch", "workers"}
)

// Errors (FACTS.md, Secrets: errors). Where the first notes named no key (a name that breaks the
// pattern or the length limit, a value too large, an empty list) the key follows the same
// snake_case style.
var (
	errSecretNotFound      = fail(http.StatusNotFound, 1001, "secret_not_found")
	errSecretNameExists    = fail(http.StatusConflict, 1003, "secret_name_already_exists")
	errSecretQuotaExceeded = fail(http.StatusBadRequest, 1003, "quota_exceeded")
	errSecretNameEmpty     = badRequest("secret_name_empty")
	errSecretNameInvalid   = badRequest("secret_name_invalid")
	errSecretNameTooLong   = badRequest("secret_name_too_long")
	errSecretScopesEmpty   = badRequest("secret_scopes_empty")
	errSecretScopeInvalid  = badRequest("secret_scope_invalid")
	errSecretValueEmpty    = badRequest("secret_value_empty")
	errSecretValueTooLarge = badRequest("secret_value_too_large")
	errSecretListEmpty     = badRequest("secret_list_empty")
	errSecretIDsEmpty      = badRequest("secret_ids_empty")
	// A PATCH may not rename; the SDK always sends `name`, so the current name is fine (FACTS.md,
	// Secrets: update).
	errSecretRenameNotAllowed = badRequest("secret_rename_not_allowed")
)

func (s *Server) secretRoutes() []route {
	const secrets = "/accounts/{account_id}/secrets_store/stores/{store_id}/secrets"
	const one = secrets + "/{secret_id}"
	return []route{
		{method: http.MethodPost, pattern: secrets, permission: permSecretsStoreWrite, handle: s.createSecrets},
		{method: http.MethodGet, pattern: secrets, permission: permSecretsStoreRead, handle: s.listSecrets},
		{method: http.MethodDelete, pattern: secrets, permission: permSecretsStoreWrite, handle: s.deleteSecrets},
		{method: http.MethodGet, pattern: one, permission: permSecretsStoreRead, handle: s.getSecret},
		{method: http.MethodPatch, pattern: one, permission: permSecretsStoreWrite, handle: s.patchSecret},
		{method: http.MethodDelete, pattern: one, permission: permSecretsStoreWrite, handle: s.deleteSecret},
		{method: http.MethodPost, pattern: one + "/duplicate", permission: permSecretsStoreWrite, handle: s.duplicateSecret},
		{method: http.MethodGet, pattern: "/accounts/{account_id}/secrets_store/quota", permission: permSecretsStoreRead, handle: s.quota},
	}
}

type newSecretRequest struct {
	Name    string   `json:"name"`
	Value   string   `json:"value"`
	Scopes  []string `json:"scopes"`
	Comment string   `json:"comment"`
}

// createSecrets is the bulk create: an array body, all-or-nothing. Every item is checked before
// any is created, in this order: shape of every item (name, scopes, value), then name conflicts
// (with the store and within the request), then the account quota.
func (s *Server) createSecrets(c *call) (reply, *apiError) {
	st, apiErr := s.storeFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	var requests []newSecretRequest
	if apiErr := c.decode(&requests); apiErr != nil {
		return reply{}, apiErr
	}
	if len(requests) == 0 {
		return reply{}, errSecretListEmpty
	}
	scopes := make([][]string, len(requests))
	for i, req := range requests {
		if apiErr := validateSecretName(req.Name); apiErr != nil {
			return reply{}, apiErr
		}
		if scopes[i], apiErr = normaliseScopes(req.Scopes); apiErr != nil {
			return reply{}, apiErr
		}
		if apiErr := validateSecretValue(req.Value); apiErr != nil {
			return reply{}, apiErr
		}
	}
	taken := s.secretNames(st.ID)
	for _, req := range requests {
		if taken[req.Name] {
			return reply{}, errSecretNameExists
		}
		taken[req.Name] = true
	}
	if s.secretUsage(c.accountID())+len(requests) > s.cfg.SecretsQuota {
		return reply{}, errSecretQuotaExceeded
	}

	now := s.now()
	views := make([]secretView, 0, len(requests))
	for i, req := range requests {
		sec := s.addSecret(st, req.Name, req.Value, req.Comment, scopes[i], now)
		views = append(views, sec.view())
	}
	return ok(views), nil
}

// listSecrets pages through a store's secrets. `search` is a case-insensitive substring of the
// name or the comment; `scopes` (repeated or comma-separated) keeps secrets that hold every
// listed scope. An unknown scope in the filter matches nothing rather than failing.
func (s *Server) listSecrets(c *call) (reply, *apiError) {
	st, apiErr := s.storeFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	q := c.req.URL.Query()
	page, apiErr := parsePage(q)
	if apiErr != nil {
		return reply{}, apiErr
	}
	order, apiErr := parseOrder(q)
	if apiErr != nil {
		return reply{}, apiErr
	}
	search := strings.ToLower(q.Get("search"))
	var wanted []string
	for _, v := range q["scopes"] {
		for _, scope := range strings.Split(v, ",") {
			if scope = strings.TrimSpace(scope); scope != "" {
				wanted = append(wanted, scope)
			}
		}
	}

	var matches []*secret
	for _, sec := range s.storeSecrets(st.ID) {
		if search != "" &&
			!strings.Contains(strings.ToLower(sec.Name), search) &&
			!strings.Contains(strings.ToLower(sec.Comment), search) {
			continue
		}
		if !containsAll(sec.Scopes, wanted) {
			continue
		}
		matches = append(matches, sec)
	}
	sortBy(matches, order, secretSortKey, func(sec *secret) uint64 { return sec.Seq })
	views := make([]secretView, 0, len(matches))
	for _, sec := range matches {
		views = append(views, sec.view())
	}
	result, info := paginate(views, page)
	return reply{status: http.StatusOK, result: result, info: info}, nil
}

func secretSortKey(sec *secret, field string) string {
	switch field {
	case "name":
		return sec.Name
	case "comment":
		return sec.Comment
	case "created":
		return formatTime(sec.Created)
	case "modified":
		return formatTime(sec.Modified)
	case "status":
		return sec.Status
	}
	return ""
}

func (s *Server) getSecret(c *call) (reply, *apiError) {
	sec, apiErr := s.secretFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return ok(sec.view()), nil
}

// secretPatch holds what a PATCH may carry. Pointers tell "absent or null" (no change) from a
// given value; fields the API does not know are ignored.
type secretPatch struct {
	Name    *string   `json:"name"`
	Value   *string   `json:"value"`
	Comment *string   `json:"comment"`
	Scopes  *[]string `json:"scopes"`
}

// patchSecret changes value, comment or scopes, never the name (FACTS.md, Secrets: update).
// `modified` moves when a value is written, even an identical one (Cloudflare cannot compare
// against a value it does not reveal), and when comment or scopes actually change; an empty patch
// changes nothing.
func (s *Server) patchSecret(c *call) (reply, *apiError) {
	sec, apiErr := s.secretFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	var patch secretPatch
	if apiErr := c.decode(&patch); apiErr != nil {
		return reply{}, apiErr
	}
	if patch.Name != nil && *patch.Name != sec.Name {
		return reply{}, errSecretRenameNotAllowed
	}
	if patch.Value != nil {
		if apiErr := validateSecretValue(*patch.Value); apiErr != nil {
			return reply{}, apiErr
		}
	}
	scopes := sec.Scopes
	if patch.Scopes != nil {
		if scopes, apiErr = normaliseScopes(*patch.Scopes); apiErr != nil {
			return reply{}, apiErr
		}
	}
	comment := sec.Comment
	if patch.Comment != nil {
		comment = *patch.Comment
	}

	changed := patch.Value != nil || comment != sec.Comment || !slices.Equal(scopes, sec.Scopes)
	if patch.Value != nil {
		sec.Value = *patch.Value
	}
	sec.Comment = comment
	sec.Scopes = scopes
	if changed {
		sec.Modified = nextModified(sec.Modified, s.now())
	}
	return ok(sec.view()), nil
}

// deleteSecret deletes one secret. The answer is 200 with a null result (see FACTS.md,
// "Secrets: deletes").
func (s *Server) deleteSecret(c *call) (reply, *apiError) {
	sec, apiErr := s.secretFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	delete(s.state.Secrets, sec.ID)
	return ok(nil), nil
}

// bulkDeleteItem is one element of a bulk delete body.
type bulkDeleteItem struct {
	ID string `json:"id"`
}

// deleteSecrets is the bulk delete: the body is an array of `{"id":...}` objects, and the delete
// is all-or-nothing: an id that is not a secret of this store is 404 `secret_not_found` and
// nothing is deleted (see FACTS.md, "Secrets: deletes"). A repeated id is deleted once.
func (s *Server) deleteSecrets(c *call) (reply, *apiError) {
	st, apiErr := s.storeFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	var items []bulkDeleteItem
	if c.firstJSONByte() != '[' {
		return reply{}, errInvalidJSON
	}
	if apiErr := c.decode(&items); apiErr != nil {
		return reply{}, apiErr
	}
	if len(items) == 0 {
		return reply{}, errSecretIDsEmpty
	}
	doomed := map[string]*secret{}
	for _, item := range items {
		sec, found := s.state.Secrets[item.ID]
		if !found || sec.StoreID != st.ID {
			return reply{}, errSecretNotFound
		}
		doomed[sec.ID] = sec
	}
	for id := range doomed {
		delete(s.state.Secrets, id)
	}
	return ok(nil), nil
}

type duplicateRequest struct {
	Name    string   `json:"name"`
	Comment *string  `json:"comment"`
	Scopes  []string `json:"scopes"`
}

// duplicateSecret copies a secret's value under a new name. The body is `{"name","scopes",
// "comment"}`: name and scopes are required, as for a create; an absent comment is copied from the
// original (see FACTS.md, "Secrets: duplicate"). The copy counts against the quota.
func (s *Server) duplicateSecret(c *call) (reply, *apiError) {
	original, apiErr := s.secretFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	var req duplicateRequest
	if apiErr := c.decode(&req); apiErr != nil {
		return reply{}, apiErr
	}
	if apiErr := validateSecretName(req.Name); apiErr != nil {
		return reply{}, apiErr
	}
	scopes, apiErr := normaliseScopes(req.Scopes)
	if apiErr != nil {
		return reply{}, apiErr
	}
	comment := original.Comment
	if req.Comment != nil {
		comment = *req.Comment
	}
	if s.secretNames(original.StoreID)[req.Name] {
		return reply{}, errSecretNameExists
	}
	if s.secretUsage(c.accountID())+1 > s.cfg.SecretsQuota {
		return reply{}, errSecretQuotaExceeded
	}
	st := s.state.Stores[original.StoreID]
	sec := s.addSecret(st, req.Name, original.Value, comment, slices.Clone(scopes), s.now())
	return ok(sec.view()), nil
}

// quota reports the account's secret quota and usage, `{"secrets":{"quota","usage"}}` (FACTS.md,
// Secrets: quota and limits).
func (s *Server) quota(c *call) (reply, *apiError) {
	type usage struct {
		Quota int `json:"quota"`
		Usage int `json:"usage"`
	}
	return ok(map[string]usage{
		"secrets": {Quota: s.cfg.SecretsQuota, Usage: s.secretUsage(c.accountID())},
	}), nil
}

func (s *Server) addSecret(st *store, name, value, comment string, scopes []string, now time.Time) *secret {
	sec := &secret{
		ID:        newID(),
		StoreID:   st.ID,
		AccountID: st.AccountID,
		Name:      name,
		Value:     value,
		Comment:   comment,
		Scopes:    scopes,
		Status:    statusActive,
		Created:   now,
		Modified:  now,
		Seq:       s.state.nextSeq(),
	}
	s.state.Secrets[sec.ID] = sec
	return sec
}

// secretFor finds the secret named by the path, in the store named by the path.
func (s *Server) secretFor(c *call) (*secret, *apiError) {
	st, apiErr := s.storeFor(c)
	if apiErr != nil {
		return nil, apiErr
	}
	sec, found := s.state.Secrets[c.params["secret_id"]]
	if !found || sec.StoreID != st.ID {
		return nil, errSecretNotFound
	}
	return sec, nil
}

func (s *Server) storeSecrets(storeID string) []*secret {
	var secrets []*secret
	for _, sec := range s.state.Secrets {
		if sec.StoreID == storeID {
			secrets = append(secrets, sec)
		}
	}
	return secrets
}

func (s *Server) secretNames(storeID string) map[string]bool {
	names := map[string]bool{}
	for _, sec := range s.storeSecrets(storeID) {
		names[sec.Name] = true
	}
	return names
}

// secretUsage counts the account's secrets across its stores: the quota is per account.
func (s *Server) secretUsage(accountID string) int {
	n := 0
	for _, sec := range s.state.Secrets {
		if sec.AccountID == accountID {
			n++
		}
	}
	return n
}

func validateSecretName(name string) *apiError {
	switch {
	case name == "":
		return errSecretNameEmpty
	case len(name) > maxSecretNameLength:
		return errSecretNameTooLong
	case !secretNamePattern.MatchString(name):
		return errSecretNameInvalid
	}
	return nil
}

func validateSecretValue(value string) *apiError {
	switch {
	case value == "":
		return errSecretValueEmpty
	case len(value) > maxSecretValueBytes:
		return errSecretValueTooLarge
	}
	return nil
}

// normaliseScopes checks scopes and returns them sorted without repeats: Cloudflare returns
// scopes sorted alphabetically (FACTS.md, Secrets: shape), whatever order they were sent in.
func normaliseScopes(scopes []string) ([]string, *apiError) {
	if len(scopes) == 0 {
		return nil, errSecretScopesEmpty
	}
	for _, scope := range scopes {
		if !slices.Contains(knownScopes, scope) {
			return nil, errSecretScopeInvalid
		}
	}
	sorted := slices.Clone(scopes)
	slices.Sort(sorted)
	return slices.Compact(sorted), nil
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// secretByName finds a secret of a store by its name (names are unique per store).
func (s *Server) secretByName(storeID, name string) *secret {
	for _, sec := range s.storeSecrets(storeID) {
		if sec.Name == name {
			return sec
		}
	}
	return nil
}
