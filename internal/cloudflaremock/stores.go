package cloudflaremock

import (
	"net/http"
	"time"
)

// store is a Secrets Store as the mock keeps it (and as the state file holds it).
type store struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Created   time.Time `json:"created"`
	Modified  time.Time `json:"modified"`
	Seq       uint64    `json:"seq"`
}

// storeView is a store as the API returns it (FACTS.md, Stores).
type storeView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Created   string `json:"created"`
	Modified  string `json:"modified"`
	AccountID string `json:"account_id"`
}

func (st *store) view() storeView {
	return storeView{
		ID:        st.ID,
		Name:      st.Name,
		Created:   formatTime(st.Created),
		Modified:  formatTime(st.Modified),
		AccountID: st.AccountID,
	}
}

// maxStoresPerAccount is the beta limit of one store per account (FACTS.md, Stores).
const maxStoresPerAccount = 1

// maxStoreNameLength mirrors the secret name limit; the sources give none for stores.
const maxStoreNameLength = 255

var errStoreNotFound = fail(http.StatusNotFound, 1001, "store_not_found")

func (s *Server) storeRoutes() []route {
	const stores = "/accounts/{account_id}/secrets_store/stores"
	return []route{
		{method: http.MethodPost, pattern: stores, permission: permSecretsStoreWrite, handle: s.createStore},
		{method: http.MethodGet, pattern: stores, permission: permSecretsStoreRead, handle: s.listStores},
		{method: http.MethodGet, pattern: stores + "/{store_id}", permission: permSecretsStoreRead, handle: s.getStore},
		{method: http.MethodDelete, pattern: stores + "/{store_id}", permission: permSecretsStoreWrite, handle: s.deleteStore},
	}
}

type storeRequest struct {
	Name string `json:"name"`
}

// createStore accepts both bodies of FACTS.md, Stores: Wrangler's object `{"name":..}` and
// cloudflare-go v4.6.0's one-element array `[{"name":..}]`. It answers in the same form: the SDK's
// StoreService.New decodes `result` as a page (an array), Wrangler and plain clients read an
// object.
func (s *Server) createStore(c *call) (reply, *apiError) {
	var requests []storeRequest
	arrayForm := c.firstJSONByte() == '['
	if arrayForm {
		if apiErr := c.decode(&requests); apiErr != nil {
			return reply{}, apiErr
		}
		if len(requests) == 0 {
			return reply{}, badRequest("store_name_empty")
		}
	} else {
		var one storeRequest
		if apiErr := c.decode(&one); apiErr != nil {
			return reply{}, apiErr
		}
		requests = []storeRequest{one}
	}
	// The name is required by the API schema (the SDK marks it required); no default is invented.
	for _, req := range requests {
		switch {
		case req.Name == "":
			return reply{}, badRequest("store_name_empty")
		case len(req.Name) > maxStoreNameLength:
			return reply{}, badRequest("store_name_too_long")
		}
	}
	if len(s.accountStores(c.accountID()))+len(requests) > maxStoresPerAccount {
		return reply{}, fail(http.StatusBadRequest, 1003, "maximum_stores_exceeded")
	}

	now := s.now()
	views := make([]storeView, 0, len(requests))
	for _, req := range requests {
		st := &store{
			ID:        newID(),
			AccountID: c.accountID(),
			Name:      req.Name,
			Created:   now,
			Modified:  now,
			Seq:       s.state.nextSeq(),
		}
		s.state.Stores[st.ID] = st
		views = append(views, st.view())
	}
	if arrayForm {
		return ok(views), nil
	}
	return ok(views[0]), nil
}

func (s *Server) listStores(c *call) (reply, *apiError) {
	q := c.req.URL.Query()
	page, apiErr := parsePage(q)
	if apiErr != nil {
		return reply{}, apiErr
	}
	order, apiErr := parseOrder(q)
	if apiErr != nil {
		return reply{}, apiErr
	}
	stores := s.accountStores(c.accountID())
	sortBy(stores, order, storeSortKey, func(st *store) uint64 { return st.Seq })
	views := make([]storeView, 0, len(stores))
	for _, st := range stores {
		views = append(views, st.view())
	}
	result, info := paginate(views, page)
	return reply{status: http.StatusOK, result: result, info: info}, nil
}

// storeSortKey gives the value a store is ordered by. Stores have no comment or status; ordering
// by them is accepted (the SDK offers it) and falls back to creation order.
func storeSortKey(st *store, field string) string {
	switch field {
	case "name":
		return st.Name
	case "created":
		return formatTime(st.Created)
	case "modified":
		return formatTime(st.Modified)
	}
	return ""
}

func (s *Server) getStore(c *call) (reply, *apiError) {
	st, apiErr := s.storeFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return ok(st.view()), nil
}

// deleteStore refuses a store that still holds secrets unless `force` is true: 409 with code 1003,
// the code of the other Secrets Store conflict (secret_name_already_exists). The answer is 200
// with a null result (see FACTS.md, "Stores").
func (s *Server) deleteStore(c *call) (reply, *apiError) {
	st, apiErr := s.storeFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	force, apiErr := parseFlag(c.req.URL.Query(), "force", badRequest("invalid_force"))
	if apiErr != nil {
		return reply{}, apiErr
	}
	secrets := s.storeSecrets(st.ID)
	if len(secrets) > 0 && !force {
		return reply{}, fail(http.StatusConflict, 1003, "store_not_empty")
	}
	for _, sec := range secrets {
		delete(s.state.Secrets, sec.ID)
	}
	delete(s.state.Stores, st.ID)
	return ok(nil), nil
}

// storeFor finds the store named by the path on the path's account.
func (s *Server) storeFor(c *call) (*store, *apiError) {
	st, found := s.state.Stores[c.params["store_id"]]
	if !found || st.AccountID != c.accountID() {
		return nil, errStoreNotFound
	}
	return st, nil
}

func (s *Server) accountStores(accountID string) []*store {
	var stores []*store
	for _, st := range s.state.Stores {
		if st.AccountID == accountID {
			stores = append(stores, st)
		}
	}
	return stores
}
