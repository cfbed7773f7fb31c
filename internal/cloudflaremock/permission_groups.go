package cloudflaremock

import (
	"net/http"
	"slices"
	"strings"
)

// Scopes a permission group can apply to (cloudflare-go v4.6.0 lists these values for
// TokenPermissionGroupListResponseScope; the mock's catalogue uses the first two).
const (
	scopeAccount = "com.cloudflare.api.account"
	scopeZone    = "com.cloudflare.api.account.zone"
)

// permissionGroup is one entry of the fixed catalogue. grants are the mock permission strings
// (the route permissions of server.go and workers.go) a token holding the group gets on an
// account the policy reaches. Groups for products the mock does not serve grant nothing: they
// exist so realistic policies validate and so lookups by name behave like Cloudflare's.
type permissionGroup struct {
	ID     string
	Name   string
	Scopes []string
	grants []string
}

// permissionGroupView is a permission group as the API lists it: `{id, name, scopes}`.
type permissionGroupView struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

func (pg *permissionGroup) view() permissionGroupView {
	return permissionGroupView{ID: pg.ID, Name: pg.Name, Scopes: slices.Clone(pg.Scopes)}
}

// permissionGroups is the catalogue, sorted by name at start-up.
//
// IDs: the five groups FACTS.md, Tokens: permission groups names carry the ids given there, and
// "Zone Write" and "DNS Write" carry the ids seen in public Cloudflare API examples. Every other
// id below was made up for the mock (random 32-hex): it is NOT Cloudflare's id for that group.
// Clients must look groups up by name (as real configurations should) rather than hard-code ids.
var permissionGroups = sortedGroups([]*permissionGroup{
	// Ids from FACTS.md, Tokens: permission groups.
	{ID: "e086da7e2179491d91ee5f35b3ca210a", Name: "Workers Scripts Write", Scopes: []string{scopeAccount},
		grants: []string{permWorkersScriptsRead, permWorkersScriptsWrite}},
	{ID: "1a71c399035b4950a1bd1466bbe4f420", Name: "Workers Scripts Read", Scopes: []string{scopeAccount},
		grants: []string{permWorkersScriptsRead}},
	{ID: "adc8fa2bc6124928a8b3314dc63a1235", Name: "Account Secrets Store Write", Scopes: []string{scopeAccount},
		grants: []string{permSecretsStoreRead, permSecretsStoreWrite}},
	{ID: "5e33b7d77788455c9fdf18cbd38ee5a0", Name: "Account Secrets Store Read", Scopes: []string{scopeAccount},
		grants: []string{permSecretsStoreRead}},
	{ID: "5bc3f8b21c554832afc660159ab75fa4", Name: "Account API Tokens Write", Scopes: []string{scopeAccount},
		grants: []string{permAPITokensRead, permAPITokensWrite}},

	// Made-up ids from here on, except Zone Write and DNS Write (zone section).
	{ID: "4c0147b1df027e542047351fe17f1026", Name: "Account API Tokens Read", Scopes: []string{scopeAccount},
		grants: []string{permAPITokensRead}},
	{ID: "90aad04aeb0155c80c875fa866dd0b0a", Name: "Account Settings Read", Scopes: []string{scopeAccount}},
	{ID: "4448937c58c9f5302cd4ad92eabdc728", Name: "Account Settings Write", Scopes: []string{scopeAccount}},
	{ID: "6c0dd70be976bf4ecdc4c87b6ecf24df", Name: "Account Analytics Read", Scopes: []string{scopeAccount}},
	{ID: "1b2197f63e012c7c1a4484979056fa9b", Name: "Workers KV Storage Read", Scopes: []string{scopeAccount}},
	{ID: "eda56bffc9013018ec54ef5077c4e950", Name: "Workers KV Storage Write", Scopes: []string{scopeAccount}},
	{ID: "504d6efca0491f72ec5a49467c6b974d", Name: "Workers R2 Storage Read", Scopes: []string{scopeAccount}},
	{ID: "8e79c39af2af56704970752e2acccdc0", Name: "Workers R2 Storage Write", Scopes: []string{scopeAccount}},
	{ID: "6b19b42a2200fac787c049a1bdbb5c5d", Name: "Workers Tail Read", Scopes: []string{scopeAccount}},
	{ID: "1e81645dcd0855aed4614a87a834dbd6", Name: "Pages Read", Scopes: []string{scopeAccount}},
	{ID: "640609c648d0e102d5ada314aa0e49df", Name: "Pages Write", Scopes: []string{scopeAccount}},
	{ID: "956764074b5afbce81dbd4ccedfaab06", Name: "D1 Read", Scopes: []string{scopeAccount}},
	{ID: "2eaab11b3bee3cec99f43bd7af35bb05", Name: "D1 Write", Scopes: []string{scopeAccount}},
	{ID: "dc955475256d3352a361f562f806c7a6", Name: "Queues Read", Scopes: []string{scopeAccount}},
	{ID: "9ad5a12821ed331b88b48c596b22c606", Name: "Queues Write", Scopes: []string{scopeAccount}},
	{ID: "cc8e7289b1f2c52ac2e37746501150f4", Name: "Vectorize Read", Scopes: []string{scopeAccount}},
	{ID: "28e8d05d659a13ce7ea5d79407d5c2ca", Name: "Vectorize Write", Scopes: []string{scopeAccount}},
	{ID: "c8e5ee6b8631e09c67e55114db44cc61", Name: "Workers AI Read", Scopes: []string{scopeAccount}},
	{ID: "b660a6904566f3cac2cb595f715a15e8", Name: "Workers AI Write", Scopes: []string{scopeAccount}},
	{ID: "cf5fe143dbcba2a14f386503d53045c8", Name: "Hyperdrive Read", Scopes: []string{scopeAccount}},
	{ID: "231d04222c6e059096bbc68ef67d1fe4", Name: "Hyperdrive Write", Scopes: []string{scopeAccount}},
	{ID: "ed5bab4cfac3695caa8537eecf624380", Name: "Cloudflare Tunnel Read", Scopes: []string{scopeAccount}},
	{ID: "39f2ecff9580d63fc68b4a21522267d5", Name: "Cloudflare Tunnel Write", Scopes: []string{scopeAccount}},

	// Zone-scoped groups. The mock serves no zone routes, so they grant nothing.
	{ID: "da7ec9ec2ff7e6f43b35506535f7ad31", Name: "Zone Read", Scopes: []string{scopeZone}},
	{ID: "e6d2666161e84845a636613608cee8d5", Name: "Zone Write", Scopes: []string{scopeZone}},
	{ID: "419aecbc5ecf21db1ca2527446a044a1", Name: "Zone Settings Write", Scopes: []string{scopeZone}},
	{ID: "80327c0ef6ded8a1ccbb94266f763555", Name: "DNS Read", Scopes: []string{scopeZone}},
	{ID: "4755a26eedb94da69e1066d98aa820be", Name: "DNS Write", Scopes: []string{scopeZone}},
	{ID: "b57ef63ddd220fba98f756b85c5e65ed", Name: "Workers Routes Read", Scopes: []string{scopeZone}},
	{ID: "2a3aba3a21850e2e3c6f429cc43b6c98", Name: "Workers Routes Write", Scopes: []string{scopeZone}},
	{ID: "188e600596427001f4a432424a8a36d1", Name: "Cache Purge", Scopes: []string{scopeZone}},
})

func sortedGroups(groups []*permissionGroup) []*permissionGroup {
	slices.SortFunc(groups, func(a, b *permissionGroup) int { return strings.Compare(a.Name, b.Name) })
	return groups
}

// permissionGroupByID indexes the catalogue; it is never written after start-up.
var permissionGroupByID = func() map[string]*permissionGroup {
	byID := make(map[string]*permissionGroup, len(permissionGroups))
	for _, pg := range permissionGroups {
		if !hexID.MatchString(pg.ID) || byID[pg.ID] != nil {
			panic("cloudflaremock: bad or duplicate permission group id " + pg.ID)
		}
		byID[pg.ID] = pg
	}
	return byID
}()

func (s *Server) permissionGroupRoutes() []route {
	return []route{
		{method: http.MethodGet, pattern: "/accounts/{account_id}/tokens/permission_groups", permission: permAPITokensRead, handle: s.listPermissionGroups},
		{method: http.MethodGet, pattern: "/user/tokens/permission_groups", permission: permAPITokensRead, handle: s.listPermissionGroups},
	}
}

// listPermissionGroups answers `GET .../tokens/permission_groups?name=&scope=`.
//
//   - `name` is an EXACT, case-sensitive match on the whole name ("Workers Scripts Write"), not a
//     substring search. Cloudflare documents it only as "Filter by the name of the permission
//     group" and its examples pass full names; an exact match is the strict reading, so a client
//     that works against the mock does not come to rely on a looser search than Cloudflare's.
//   - `scope` keeps groups having that exact scope ("com.cloudflare.api.account").
//   - Filters that match nothing give an empty list, not an error.
//
// cloudflare-go treats this list as a single page (pagination.SinglePage), so without `page` or
// `per_page` the whole (filtered) catalogue comes back in one page; with either, it pages like
// the other lists (default 20, at most 100 per page).
func (s *Server) listPermissionGroups(c *call) (reply, *apiError) {
	q := c.req.URL.Query()
	page, apiErr := parsePage(q)
	if apiErr != nil {
		return reply{}, apiErr
	}
	name, filterName := q.Get("name"), q.Has("name") && q.Get("name") != ""
	scope, filterScope := q.Get("scope"), q.Has("scope") && q.Get("scope") != ""
	views := []permissionGroupView{}
	for _, pg := range permissionGroups {
		if filterName && pg.Name != name {
			continue
		}
		if filterScope && !slices.Contains(pg.Scopes, scope) {
			continue
		}
		views = append(views, pg.view())
	}
	if !q.Has("page") && !q.Has("per_page") {
		page.perPage = max(len(views), 1)
	}
	result, info := paginate(views, page)
	return reply{status: http.StatusOK, result: result, info: info}, nil
}
