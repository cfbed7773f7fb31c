package main

import (
	"cmp"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}$`)

// endpoint names a request by method and path pattern: ids and script names become
// placeholders, and a secrets listing with a search is told apart from a plain listing, since
// they are sent by different code.
func endpoint(r cloudflaremock.LoggedRequest) string {
	path := strings.TrimPrefix(r.Path, "/client/v4")
	segments := strings.Split(path, "/")
	for i := 1; i < len(segments); i++ {
		prev, seg := segments[i-1], segments[i]
		switch {
		case prev == "accounts":
			segments[i] = "{account_id}"
		case prev == "stores":
			segments[i] = "{store_id}"
		case prev == "scripts":
			segments[i] = "{script_name}"
		case prev == "secrets" && hex32.MatchString(seg):
			segments[i] = "{secret_id}"
		case prev == "tokens" && hex32.MatchString(seg):
			segments[i] = "{token_id}"
		case hex32.MatchString(seg):
			segments[i] = "{id}"
		}
	}
	name := r.Method + " " + strings.Join(segments, "/")
	if q, err := url.ParseQuery(r.Query); err == nil && q.Get("search") != "" {
		name += "?search=…"
	}
	return name
}

// requestStats summarises one command's request log.
type requestStats struct {
	Total       int
	TooMany     int // 429s
	ByEndpoint  map[string]int
	TooManyByEP map[string]int
}

func summarise(log []cloudflaremock.LoggedRequest) requestStats {
	s := requestStats{Total: len(log), ByEndpoint: map[string]int{}, TooManyByEP: map[string]int{}}
	for _, r := range log {
		ep := endpoint(r)
		s.ByEndpoint[ep]++
		if r.Status == http.StatusTooManyRequests {
			s.TooMany++
			s.TooManyByEP[ep]++
		}
	}
	return s
}

type endpointCount struct {
	Endpoint string
	Count    int
	TooMany  int
}

// sorted lists the endpoints, most requests first.
func (s requestStats) sorted() []endpointCount {
	var out []endpointCount
	for ep, n := range s.ByEndpoint {
		out = append(out, endpointCount{Endpoint: ep, Count: n, TooMany: s.TooManyByEP[ep]})
	}
	slices.SortFunc(out, func(a, b endpointCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Endpoint, b.Endpoint))
	})
	return out
}

// senders says which provider code sends each endpoint's requests, per the provider code when
// this benchmark was written (internal/provider, internal/cfclient).
var senders = map[string]string{
	"GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets": "secret Read and binding ModifyPlan: the store's shared " +
		"listing (cfclient.GetSecret, SecretByName; 100 per page); per-resource mode never lists",
	"GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets?search=…": "binding ModifyPlan in per-resource mode: " +
		"SecretByName checks the bound secret's scopes with one search per binding",
	"GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}": "secret Read in per-resource mode (one GET per secret)",
	"POST /accounts/{account_id}/secrets_store/stores/{store_id}/secrets":            "secret Create: bulk creates of the secrets that queue up (createBatcher)",
	"DELETE /accounts/{account_id}/secrets_store/stores/{store_id}/secrets": "secret Delete: bulk deletes of the secrets " +
		"that queue up (the batcher of the creates)",
	"DELETE /accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}": "secret Delete: a lone delete, or each " +
		"delete of a bulk request Cloudflare refused as a whole",
	"DELETE /accounts/{account_id}/secrets_store/stores/{store_id}": "cfsecrets_store Delete",
	"GET /accounts/{account_id}/secrets_store/stores/{store_id}":    "cfsecrets_store Read",
	"GET /accounts/{account_id}/secrets_store/stores":               "cfsecrets_store Create: looks for an existing store first",
	"POST /accounts/{account_id}/secrets_store/stores":              "cfsecrets_store Create",
	"GET /accounts/{account_id}/workers/scripts/{script_name}/settings": "binding Read (one shared GET per script) and binding " +
		"writes (read-merge-write); per-resource mode: one per binding",
	"PATCH /accounts/{account_id}/workers/scripts/{script_name}/settings": "binding Create and Delete: merged edits, one PATCH per group of edits that queued up",
	"GET /accounts/{account_id}/workers/scripts": "secret and store plans that delete: which Workers bind what they delete " +
		"(cfclient.StoreBindings; one listing of the account's Workers per provider instance)",
	"GET /accounts/{account_id}/tokens":                   "cfsecrets_deploy_token Read: the account's shared token listing",
	"GET /accounts/{account_id}/tokens/{token_id}":        "cfsecrets_deploy_token Read in per-resource mode",
	"POST /accounts/{account_id}/tokens":                  "cfsecrets_deploy_token Create",
	"DELETE /accounts/{account_id}/tokens/{token_id}":     "cfsecrets_deploy_token Delete",
	"GET /accounts/{account_id}/tokens/verify":            "cfsecrets_deploy_token Read: checks the value in state still works",
	"GET /accounts/{account_id}/tokens/permission_groups": "cfsecrets_deploy_token ModifyPlan: permission-group catalogue (cached per provider instance)",
}
