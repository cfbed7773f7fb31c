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

// permissionGroups is the catalogue, sorted by name at start-up; groups of the same name keep
// the order they have here.
//
// Names are not unique (FACTS.md, Tokens: permission groups): Cloudflare has groups of the same
// name at account and at zone scope, such as "Logs Read" and "Logs Write". The mock lists the zone
// group of such a pair first, so a client that takes the first group of a name gets the zone one,
// as users of other tools have seen.
//
// IDs: groups marked "made up" carry random 32-hex ids that are NOT Cloudflare's; the others carry
// the ids FACTS.md, Tokens: permission groups gives with their sources. Clients must look groups
// up by name and scope (as real configurations should) rather than hard-code ids.
var permissionGroups = sortedGroups([]*permissionGroup{
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

	{ID: "4c0147b1df027e542047351fe17f1026", Name: "Account API Tokens Read", Scopes: []string{scopeAccount}, // made up
		grants: []string{permAPITokensRead}},
	{ID: "c1fde68c7bcc44588cbb6ddbc16d6480", Name: "Account Settings Read", Scopes: []string{scopeAccount}},
	{ID: "1af1fa2adc104452b74a9a3364202f20", Name: "Account Settings Write", Scopes: []string{scopeAccount}},
	{ID: "6c0dd70be976bf4ecdc4c87b6ecf24df", Name: "Account Analytics Read", Scopes: []string{scopeAccount}}, // made up
	{ID: "8b47d2786a534c08a1f94ee8f9f599ef", Name: "Workers KV Storage Read", Scopes: []string{scopeAccount}},
	{ID: "f7f0eda5697f475c90846e879bab8666", Name: "Workers KV Storage Write", Scopes: []string{scopeAccount}},
	{ID: "504d6efca0491f72ec5a49467c6b974d", Name: "Workers R2 Storage Read", Scopes: []string{scopeAccount}},  // made up
	{ID: "8e79c39af2af56704970752e2acccdc0", Name: "Workers R2 Storage Write", Scopes: []string{scopeAccount}}, // made up
	{ID: "6b19b42a2200fac787c049a1bdbb5c5d", Name: "Workers Tail Read", Scopes: []string{scopeAccount}},        // made up
	{ID: "1e81645dcd0855aed4614a87a834dbd6", Name: "Pages Read", Scopes: []string{scopeAccount}},               // made up
	{ID: "640609c648d0e102d5ada314aa0e49df", Name: "Pages Write", Scopes: []string{scopeAccount}},              // made up
	{ID: "956764074b5afbce81dbd4ccedfaab06", Name: "D1 Read", Scopes: []string{scopeAccount}},                  // made up
	{ID: "2eaab11b3bee3cec99f43bd7af35bb05", Name: "D1 Write", Scopes: []string{scopeAccount}},                 // made up
	{ID: "dc955475256d3352a361f562f806c7a6", Name: "Queues Read", Scopes: []string{scopeAccount}},              // made up
	{ID: "9ad5a12821ed331b88b48c596b22c606", Name: "Queues Write", Scopes: []string{scopeAccount}},             // made up
	{ID: "cc8e7289b1f2c52ac2e37746501150f4", Name: "Vectorize Read", Scopes: []string{scopeAccount}},           // made up
	{ID: "28e8d05d659a13ce7ea5d79407d5c2ca", Name: "Vectorize Write", Scopes: []string{scopeAccount}},          // made up
	{ID: "c8e5ee6b8631e09c67e55114db44cc61", Name: "Workers AI Read", Scopes: []string{scopeAccount}},          // made up
	{ID: "b660a6904566f3cac2cb595f715a15e8", Name: "Workers AI Write", Scopes: []string{scopeAccount}},         // made up
	{ID: "cf5fe143dbcba2a14f386503d53045c8", Name: "Hyperdrive Read", Scopes: []string{scopeAccount}},          // made up
	{ID: "231d04222c6e059096bbc68ef67d1fe4", Name: "Hyperdrive Write", Scopes: []string{scopeAccount}},         // made up
	{ID: "ed5bab4cfac3695caa8537eecf624380", Name: "Cloudflare Tunnel Read", Scopes: []string{scopeAccount}},   // made up
	{ID: "39f2ecff9580d63fc68b4a21522267d5", Name: "Cloudflare Tunnel Write", Scopes: []string{scopeAccount}},  // made up

	// Same name at both scopes; the zone group first. The mock serves no log routes, so they
	// grant nothing.
	{ID: "c4a30cd58c5d42619c86a3c36c441e2d", Name: "Logs Read", Scopes: []string{scopeZone}},
	{ID: "6a315a56f18441e59ed03352369ae956", Name: "Logs Read", Scopes: []string{scopeAccount}},
	{ID: "3e0b5820118e47f3922f7c989e673882", Name: "Logs Write", Scopes: []string{scopeZone}},
	{ID: "96163bd1b0784f62b3e44ed8c2ab1eb6", Name: "Logs Write", Scopes: []string{scopeAccount}},

	// Zone-scoped groups only. The mock serves no zone routes, so they grant nothing.
	{ID: "c8fed203ed3043cba015a93ad1616f1f", Name: "Zone Read", Scopes: []string{scopeZone}},
	{ID: "e6d2666161e84845a636613608cee8d5", Name: "Zone Write", Scopes: []string{scopeZone}},
	{ID: "3030687196b94b638145a3953da2b699", Name: "Zone Settings Write", Scopes: []string{scopeZone}},
	{ID: "82e64a83756745bbbb1c9c2701bf816b", Name: "DNS Read", Scopes: []string{scopeZone}},
	{ID: "4755a26eedb94da69e1066d98aa820be", Name: "DNS Write", Scopes: []string{scopeZone}},
	{ID: "2072033d694d415a936eaeb94e6405b8", Name: "Workers Routes Read", Scopes: []string{scopeZone}},
	{ID: "28f4b596e7d643029c524985477ae49a", Name: "Workers Routes Write", Scopes: []string{scopeZone}},
	{ID: "e17beae8b8cb423a99b1730f21238bed", Name: "Cache Purge", Scopes: []string{scopeZone}},
})

func sortedGroups(groups []*permissionGroup) []*permissionGroup {
	slices.SortStableFunc(groups, func(a, b *permissionGroup) int { return strings.Compare(a.Name, b.Name) })
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
