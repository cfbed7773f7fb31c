package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identities (Terraform 1.12 and later): the ids that name a remote object for its whole
// life, which an import block's `identity` argument and a `terraform query` result give. Each
// identity attribute has the name of the resource attribute it equals, and none of them can
// change in place: a new account, store, name, script or id is a new object (a replace).

var (
	_ resource.ResourceWithIdentity = (*storeResource)(nil)
	_ resource.ResourceWithIdentity = (*secretResource)(nil)
	_ resource.ResourceWithIdentity = (*workerBindingResource)(nil)
	_ resource.ResourceWithIdentity = (*deployTokenResource)(nil)
)

// accountObjectIdentity names a store or a deploy token: the account and the object's id, all
// Cloudflare needs. A store cannot be renamed; a token's name and policies change in place.
type accountObjectIdentity struct {
	AccountID types.String `tfsdk:"account_id"`
	ID        types.String `tfsdk:"id"`
}

// parseAccountObjectID reads the string import id <account_id>/<id>; idName names the second
// part in the error that explains the form.
func parseAccountObjectID(idName string) func(string) (accountObjectIdentity, error) {
	return func(id string) (accountObjectIdentity, error) {
		parts, err := splitImportID(id, "account_id", idName)
		if err != nil {
			return accountObjectIdentity{}, err
		}
		return accountObjectIdentity{AccountID: types.StringValue(parts[0]), ID: types.StringValue(parts[1])}, nil
	}
}

// secretIdentity names a secret by what people know (its store and name, which Cloudflare
// cannot change) and by its id, which tells apart a secret deleted and made again under the
// same name. An import needs the name or the id.
type secretIdentity struct {
	AccountID types.String `tfsdk:"account_id"`
	StoreID   types.String `tfsdk:"store_id"`
	Name      types.String `tfsdk:"name"`
	ID        types.String `tfsdk:"id"`
}

// parseSecretImportID reads <account_id>/<store_id>/<secret_id or name>. A reference shaped like
// an id is tried as an id first (findSecret falls back to the name).
func parseSecretImportID(id string) (secretIdentity, error) {
	parts, err := splitImportID(id, "account_id", "store_id", "secret_id or name")
	if err != nil {
		return secretIdentity{}, err
	}
	identity := secretIdentity{AccountID: types.StringValue(parts[0]), StoreID: types.StringValue(parts[1])}
	if accountIDPattern.MatchString(parts[2]) {
		identity.ID = types.StringValue(parts[2])
	} else {
		identity.Name = types.StringValue(parts[2])
	}
	return identity, nil
}

// workerBindingIdentity names the binding slot env.<name> of a Worker. What it points at
// (store_id, secret_name) changes in place, so it is not part of the identity.
type workerBindingIdentity struct {
	AccountID  types.String `tfsdk:"account_id"`
	ScriptName types.String `tfsdk:"script_name"`
	Name       types.String `tfsdk:"name"`
}

// parseWorkerBindingImportID reads <account_id>/<script_name>/<binding_name>.
func parseWorkerBindingImportID(id string) (workerBindingIdentity, error) {
	parts, err := splitImportID(id, "account_id", "script_name", "binding_name")
	if err != nil {
		return workerBindingIdentity{}, err
	}
	return workerBindingIdentity{
		AccountID: types.StringValue(parts[0]), ScriptName: types.StringValue(parts[1]), Name: types.StringValue(parts[2]),
	}, nil
}

func identityAccountID() identityschema.StringAttribute {
	return identityschema.StringAttribute{
		OptionalForImport: true,
		Description:       "Cloudflare account id. An import may leave it out to use the provider's `account_id`.",
	}
}

func requiredForImport(description string) identityschema.StringAttribute {
	return identityschema.StringAttribute{RequiredForImport: true, Description: description}
}

func (r *storeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"account_id": identityAccountID(),
		"id":         requiredForImport("The store id."),
	}}
}

func (r *secretResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"account_id": identityAccountID(),
		"store_id":   requiredForImport("Id of the store that holds the secret."),
		"name": identityschema.StringAttribute{
			OptionalForImport: true,
			Description:       "The secret's name. An import gives the name, the id, or both.",
		},
		"id": identityschema.StringAttribute{
			OptionalForImport: true,
			Description:       "The secret id. An import gives the name, the id, or both.",
		},
	}}
}

func (r *workerBindingResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"account_id":  identityAccountID(),
		"script_name": requiredForImport("Name of the Worker script."),
		"name":        requiredForImport("The binding name (`env.<name>` in the Worker)."),
	}}
}

func (r *deployTokenResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"account_id": identityAccountID(),
		"id":         requiredForImport("The token id (not its value)."),
	}}
}

func (i *accountObjectIdentity) account() *types.String { return &i.AccountID }
func (i *secretIdentity) account() *types.String        { return &i.AccountID }
func (i *workerBindingIdentity) account() *types.String { return &i.AccountID }

func (m storeModel) identity() accountObjectIdentity {
	return accountObjectIdentity{AccountID: m.AccountID, ID: m.ID}
}

func (m secretModel) identity() secretIdentity {
	return secretIdentity{AccountID: m.AccountID, StoreID: m.StoreID, Name: m.Name, ID: m.ID}
}

func (m workerBindingModel) identity() workerBindingIdentity {
	return workerBindingIdentity{AccountID: m.AccountID, ScriptName: m.ScriptName, Name: m.Name}
}

func (m deployTokenModel) identity() accountObjectIdentity {
	return accountObjectIdentity{AccountID: m.AccountID, ID: m.ID}
}

// setIdentity records the identity of the object a response describes. The framework hands a
// target whenever the resource has an identity schema; Terraform before 1.12 ignores it.
func setIdentity(ctx context.Context, target *tfsdk.ResourceIdentity, identity any, diags *diag.Diagnostics) {
	if target != nil {
		diags.Append(target.Set(ctx, identity)...)
	}
}

// importedIdentity is what an import names: the string id of `terraform import` or of an import
// block's `id`, parsed by fromID, else the import block's `identity` (Terraform 1.12 and later).
// An identity without account_id takes the provider's; either way the account id must be one.
func importedIdentity[T any, PT interface {
	*T
	account() *types.String
}](ctx context.Context, req resource.ImportStateRequest, data *providerData, diags *diag.Diagnostics, fromID func(id string) (T, error)) (T, bool) {
	var identity T
	summary := "Invalid import identity"
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		summary = "Invalid import id"
		parsed, err := fromID(req.ID)
		if err != nil {
			diags.AddError(summary, err.Error())
			return identity, false
		}
		identity = parsed
	} else if diags.Append(req.Identity.Get(ctx, &identity)...); diags.HasError() {
		return identity, false
	}
	account := PT(&identity).account()
	if account.IsNull() || account.ValueString() == "" {
		if data == nil || data.accountID == "" {
			diags.AddError("No Cloudflare account id",
				"The import block's identity has no account_id and the provider has none either. Add account_id to the identity, "+
					"or set account_id in the provider block or the "+envAccountID+" environment variable.")
			return identity, false
		}
		*account = types.StringValue(data.accountID)
	}
	if !accountIDPattern.MatchString(account.ValueString()) {
		diags.AddError(summary,
			fmt.Sprintf("account_id %q is not a Cloudflare account id (32 lowercase hex characters, as in the dashboard's "+
				"address: dash.cloudflare.com/<account_id>).", account.ValueString()))
		return identity, false
	}
	return identity, true
}

// addCannotImport reports an import that names nothing this provider can adopt; detail says what
// is there instead and how to find the right name. Terraform's own message for an import that
// finds nothing ("Cannot import non-existent remote object") can say neither.
func addCannotImport(diags *diag.Diagnostics, kind, detail string) {
	diags.AddError("Cannot import "+kind, detail)
}
