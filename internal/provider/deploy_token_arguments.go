package provider

import (
	"context"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	ephemeralschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// The deploy token exists twice, as the cfsecrets_deploy_token resource and as its ephemeral twin.
// What they share is defined here once: the arguments' schema (descriptions and checks), and the
// token spec they build, with its permission groups resolved the same way.

// maxTokenNameLength is the longest token name, in characters (the mock's rule, which counts
// characters as the dashboard does).
const maxTokenNameLength = 120

// Token statuses.
const (
	tokenActive   = "active"
	tokenDisabled = "disabled"
	tokenExpired  = "expired"
)

// notBlank matches a name with something besides white space, as Unicode (and Cloudflare, which
// answers "Token name is required") counts it: RE2's \S alone would let a no-break space through.
var notBlank = regexp.MustCompile(`[^\s\v\x{85}\p{Z}]`)

// deployTokenArguments are the arguments both deploy tokens have; each model embeds them.
type deployTokenArguments struct {
	Name             types.String `tfsdk:"name"`
	ExtraPermissions types.Set    `tfsdk:"extra_permissions"`
	AllowedIPs       types.Set    `tfsdk:"allowed_ips"`
}

// deployTokenArgument is the one definition of a shared argument.
type deployTokenArgument struct {
	description string
	// set: a set of strings, each checked by validators; otherwise a string.
	set        bool
	validators []validator.String
	// requiredInResource: the resource requires it; the ephemeral token has a default.
	requiredInResource bool
	ephemeralDefault   string
}

var deployTokenSharedArguments = map[string]deployTokenArgument{
	"name": {
		description:        "The token's name, shown in the dashboard: 1 to 120 characters, not blank.",
		validators:         []validator.String{stringvalidator.UTF8LengthBetween(1, maxTokenNameLength), stringvalidator.RegexMatches(notBlank, "must not be blank")},
		requiredInResource: true,
		ephemeralDefault:   "terraform-ephemeral-deploy",
	},
	"extra_permissions": {
		description: "Names of further permission groups to grant, as the API names them (e.g. `Workers KV Storage Write`), " +
			"resolved through the API among the groups that apply to an account (scope `" + cfclient.AccountScope + "`): where Cloudflare " +
			"has a group of the same name at zone scope (e.g. `Logs Write`), the account one is granted, and a zone-only group " +
			"(e.g. `DNS Write`) is refused at plan time. Leave out for the least-privilege deploy token.",
		set:        true,
		validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	},
	"allowed_ips": {
		description: "Only requests from these CIDR ranges may use the token (e.g. your CI runners' egress), written as Cloudflare " +
			"returns them: no host bits set (`198.51.100.0/24`, or `/32` for one address), IPv6 in lowercase shortest form, " +
			"IPv4 not as IPv4-mapped IPv6.",
		set:        true,
		validators: []validator.String{cidrValidator{}},
	},
}

func (a deployTokenArgument) resourceAttribute() resourceschema.Attribute {
	if a.set {
		return resourceschema.SetAttribute{
			MarkdownDescription: a.description, Optional: true, ElementType: types.StringType,
			Validators: []validator.Set{setvalidator.ValueStringsAre(a.validators...)},
		}
	}
	return resourceschema.StringAttribute{
		MarkdownDescription: a.description, Required: a.requiredInResource, Optional: !a.requiredInResource, Validators: a.validators,
	}
}

func (a deployTokenArgument) ephemeralAttribute() ephemeralschema.Attribute {
	if a.set {
		return ephemeralschema.SetAttribute{
			MarkdownDescription: a.description, Optional: true, ElementType: types.StringType,
			Validators: []validator.Set{setvalidator.ValueStringsAre(a.validators...)},
		}
	}
	description := a.description
	if a.ephemeralDefault != "" {
		description += " Defaults to `" + a.ephemeralDefault + "`."
	}
	return ephemeralschema.StringAttribute{MarkdownDescription: description, Optional: true, Validators: a.validators}
}

// withDeployTokenArguments adds the shared arguments to a resource schema's attributes.
func withDeployTokenArguments(attributes map[string]resourceschema.Attribute) map[string]resourceschema.Attribute {
	for name, a := range deployTokenSharedArguments {
		attributes[name] = a.resourceAttribute()
	}
	return attributes
}

// withEphemeralDeployTokenArguments adds the shared arguments to an ephemeral schema's attributes.
func withEphemeralDeployTokenArguments(attributes map[string]ephemeralschema.Attribute) map[string]ephemeralschema.Attribute {
	for name, a := range deployTokenSharedArguments {
		attributes[name] = a.ephemeralAttribute()
	}
	return attributes
}

// permissionNames is the deploy pair plus extra_permissions, sorted and without repeats.
func (a deployTokenArguments) permissionNames(ctx context.Context, diags *diag.Diagnostics) []string {
	names := append(slices.Clone(deployPermissionNames), setStrings(ctx, a.ExtraPermissions, diags)...)
	slices.Sort(names)
	return slices.Compact(names)
}

// tokenSpec is the active token these arguments ask for on the account, with its permission
// groups resolved; a name that resolves to no account-scoped group is reported on
// extra_permissions. The resource adds what only it has.
func (a deployTokenArguments) tokenSpec(ctx context.Context, data *providerData, accountID string, diags *diag.Diagnostics) cfclient.TokenSpec {
	name := a.Name.ValueString()
	if a.Name.IsNull() {
		name = deployTokenSharedArguments["name"].ephemeralDefault
	}
	spec := cfclient.TokenSpec{
		Name:       name,
		AccountID:  accountID,
		AllowedIPs: setStrings(ctx, a.AllowedIPs, diags),
		Status:     tokenActive,
	}
	spec.PermissionGroupIDs = resolvePermissions(ctx, data, accountID, a.permissionNames(ctx, diags), diags)
	return spec
}

// resolvePermissions resolves permission-group names, reporting each unknown name on
// extra_permissions and a failed listing as the API error it is. Its callers create or change a
// token, so a token that may not list the groups is told to get what that needs (Account API
// Tokens Write, which includes Read), not only Read.
func resolvePermissions(ctx context.Context, data *providerData, accountID string, names []string, diags *diag.Diagnostics) []string {
	ids, unknown, err := data.permissions.resolve(ctx, data.client, accountID, names)
	for _, name := range unknown {
		diags.AddAttributeError(path.Root("extra_permissions"), "Unknown permission group", name.Error())
	}
	if err != nil {
		addAPIError(diags, apiCall{action: "list the permission groups", accountID: accountID, permission: apiTokensWrite}, err)
	}
	return ids
}
