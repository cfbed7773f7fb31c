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

// resolve maps names to ids, in the order given. An unknown name is an error that lists the
// names it most resembles.
func (c *permissionCatalog) resolve(ctx context.Context, client *cfclient.Client, accountID string, names []string) ([]string, error) {
	groups, err := c.groups(ctx, client, accountID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(names))
	for _, name := range names {
		i := slices.IndexFunc(groups, func(g cfclient.PermissionGroup) bool { return g.Name == name })
		if i < 0 {
			return nil, unknownPermissionError(name, groups)
		}
		ids = append(ids, groups[i].ID)
	}
	return ids, nil
}

// namesOf maps ids back to names; an id the catalogue lacks is shown as the id.
func (c *permissionCatalog) namesOf(ctx context.Context, client *cfclient.Client, accountID string, ids []string) ([]string, error) {
	groups, err := c.groups(ctx, client, accountID)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		name := id
		if i := slices.IndexFunc(groups, func(g cfclient.PermissionGroup) bool { return g.ID == id }); i >= 0 {
			name = groups[i].Name
		}
		names = append(names, name)
	}
	return names, nil
}

func unknownPermissionError(name string, groups []cfclient.PermissionGroup) error {
	var near []string
	for _, g := range groups {
		if sharesAWord(name, g.Name) {
			near = append(near, fmt.Sprintf("%q", g.Name))
		}
	}
	hint := "The cfsecrets_permission_groups data source lists them all."
	if len(near) > 0 {
		hint = "Did you mean one of: " + strings.Join(near, ", ") + "?"
	}
	return fmt.Errorf("%q is not a permission group name Cloudflare knows. %s", name, hint)
}

// sharesAWord reports whether a and b share a word of three letters or more, ignoring case
// and punctuation such as the dashboard's "Workers Scripts: Edit".
func sharesAWord(a, b string) bool {
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ':' || r == '-' || r == '_' })
	}
	bWords := words(b)
	for _, w := range words(a) {
		if len(w) >= 3 && slices.Contains(bWords, w) {
			return true
		}
	}
	return false
}
