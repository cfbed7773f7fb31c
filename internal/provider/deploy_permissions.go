package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// The two permission groups a Worker deploy that binds Secrets Store secrets needs, by the names
// the API uses (the dashboard calls the first "Workers Scripts: Edit").
const (
	permWorkersScriptsWrite = "Workers Scripts Write"
	permSecretsStoreRead    = "Account Secrets Store Read"
)

var deployPermissionNames = []string{permSecretsStoreRead, permWorkersScriptsWrite}

// Permission-group names are not unique: Cloudflare has groups of the same name at account and
// at zone scope ("Logs Write", cloudflare/terraform-provider-cloudflare#1650). A name therefore
// means the account-scoped group of that name; a group is shown by its name only when it is the
// group that name means, and otherwise with its scope and id, so a plan never shows two different
// groups as the same word.

// permissionCatalog resolves permission-group names to ids with one listing per account per
// provider instance: names do not change during a run.
type permissionCatalog struct {
	mu        sync.Mutex
	byAccount map[string][]cfclient.PermissionGroup
}

func (c *permissionCatalog) groups(ctx context.Context, client *cfclient.Client, accountID string) ([]cfclient.PermissionGroup, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if groups, ok := c.byAccount[accountID]; ok {
		return groups, nil
	}
	groups, err := client.PermissionGroups(ctx, accountID, "", "")
	if err != nil {
		return nil, err
	}
	if c.byAccount == nil {
		c.byAccount = map[string][]cfclient.PermissionGroup{}
	}
	c.byAccount[accountID] = groups
	return groups, nil
}

// accountScoped tells whether a group applies to an account: a deploy token's one policy covers
// exactly one account, so it may hold only such groups.
func accountScoped(g cfclient.PermissionGroup) bool {
	return slices.Contains(g.Scopes, cfclient.AccountScope)
}

// resolve maps names to the ids of the account-scoped groups of those names, in the order given.
// Each name with no account-scoped group is one unknownPermission that says what it is and lists
// the account-scoped names it most resembles; err is a failed listing.
func (c *permissionCatalog) resolve(ctx context.Context, client *cfclient.Client, accountID string, names []string) (ids []string, unknown []*unknownPermission, err error) {
	groups, err := c.groups(ctx, client, accountID)
	if err != nil {
		return nil, nil, err
	}
	ids = make([]string, 0, len(names))
	for _, name := range names {
		i := slices.IndexFunc(groups, func(g cfclient.PermissionGroup) bool { return g.Name == name && accountScoped(g) })
		if i < 0 {
			unknown = append(unknown, unknownPermissionError(name, groups))
			continue
		}
		ids = append(ids, groups[i].ID)
	}
	return ids, unknown, nil
}

// nameable reports whether every id is an account-scoped group of the catalogue, that is a group
// extra_permissions can name.
func (c *permissionCatalog) nameable(ctx context.Context, client *cfclient.Client, accountID string, ids []string) (bool, error) {
	groups, err := c.groups(ctx, client, accountID)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(groups, func(g cfclient.PermissionGroup) bool { return g.ID == id && accountScoped(g) }) {
			return false, nil
		}
	}
	return true, nil
}

// displayNames maps ids back to what the plan shows: the name when it is the account-scoped group
// of that name (what the name resolves to), else the name with the group's scope and id, and the
// bare id for a group the catalogue lacks.
func (c *permissionCatalog) displayNames(ctx context.Context, client *cfclient.Client, accountID string, ids []string) ([]string, error) {
	groups, err := c.groups(ctx, client, accountID)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		i := slices.IndexFunc(groups, func(g cfclient.PermissionGroup) bool { return g.ID == id })
		switch {
		case i < 0:
			names = append(names, id)
		case accountScoped(groups[i]):
			names = append(names, groups[i].Name)
		default:
			names = append(names, fmt.Sprintf("%s (%s scope, id %s)", groups[i].Name, scopeWords(groups[i].Scopes), id))
		}
	}
	return names, nil
}

// scopeWords names scopes the way the dashboard groups permissions: "zone", "user".
func scopeWords(scopes []string) string {
	words := make([]string, 0, len(scopes))
	for _, s := range scopes {
		words = append(words, s[strings.LastIndex(s, ".")+1:])
	}
	return strings.Join(words, ", ")
}

// unknownPermission is a permission-group name that resolves to no account-scoped group.
type unknownPermission struct{ message string }

func (e *unknownPermission) Error() string { return e.message }

func unknownPermissionError(name string, groups []cfclient.PermissionGroup) *unknownPermission {
	var near []string
	var otherScopes []string
	for _, g := range groups {
		switch {
		case g.Name == name && !accountScoped(g):
			otherScopes = append(otherScopes, scopeWords(g.Scopes))
		case accountScoped(g) && sharesAWord(name, g.Name) && !slices.Contains(near, fmt.Sprintf("%q", g.Name)):
			near = append(near, fmt.Sprintf("%q", g.Name))
		}
	}
	hint := "The cfsecrets_permission_groups data source lists them all (scope = \"" + cfclient.AccountScope + "\")."
	if len(near) > 0 {
		hint = "Did you mean one of: " + strings.Join(near, ", ") + "?"
	}
	if len(otherScopes) > 0 {
		return &unknownPermission{fmt.Sprintf("%q is a %s permission group: a deploy token covers one account, so it can hold account "+
			"permission groups only. %s", name, strings.Join(otherScopes, " and "), hint)}
	}
	return &unknownPermission{fmt.Sprintf("%q is not a permission group name Cloudflare knows. %s", name, hint)}
}

// accessWords end most group names; sharing one says nothing about being close ("DNS Write" and
// "Pages Write").
var accessWords = []string{"read", "write", "edit"}

// sharesAWord reports whether a and b share a word of three letters or more other than an access
// word, ignoring case and punctuation such as the dashboard's "Workers Scripts: Edit".
func sharesAWord(a, b string) bool {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ':' || r == '-' || r == '_' })
	}
	bWords := words(b)
	for _, w := range words(a) {
		if len(w) >= 3 && !slices.Contains(accessWords, w) && slices.Contains(bWords, w) {
			return true
		}
	}
	return false
}
