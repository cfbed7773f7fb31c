package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	datasourceschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// Cloudflare account, store and secret ids are 32 lowercase hex characters.
var accountIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func accountIDValidator() validator.String {
	return stringvalidator.RegexMatches(accountIDPattern, "must be a Cloudflare account id: 32 lowercase hex characters")
}

// accountIDAttribute is the account_id every resource has: optional, defaulting to the
// provider's account_id; changing it moves the object to another account, so it replaces.
func accountIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Cloudflare account id (32 lowercase hex characters). Defaults to the provider's `account_id`. " +
			"Changing it replaces the resource.",
		Optional:   true,
		Computed:   true,
		Validators: []validator.String{accountIDValidator()},
	}
}

// planAccountID fills in account_id from the provider default when the configuration leaves it
// out, and asks for replacement when the effective account changes. Every resource's
// ModifyPlan calls it first.
func planAccountID(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var configured, prior types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("account_id"), &configured)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("account_id"), &prior)...)
	}
	if resp.Diagnostics.HasError() || configured.IsUnknown() {
		return
	}
	effective := configured.ValueString()
	if configured.IsNull() {
		if data == nil {
			// The provider is not configured yet (its own configuration is unknown); leave it to apply.
			return
		}
		if data.accountID == "" {
			resp.Diagnostics.AddAttributeError(path.Root("account_id"), "No Cloudflare account id",
				"Set account_id on this resource, or account_id in the provider block, or the "+envAccountID+" environment variable.")
			return
		}
		effective = data.accountID
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("account_id"), effective)...)
	if !prior.IsNull() && prior.ValueString() != effective {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("account_id"))
	}
}

// dataSourceAccountID is the account a data source reads: its own account_id, else the
// provider's; with neither it reports what to set.
func dataSourceAccountID(configured types.String, data *providerData, diags *diag.Diagnostics) string {
	if !configured.IsNull() && configured.ValueString() != "" {
		return configured.ValueString()
	}
	if data != nil && data.accountID != "" {
		return data.accountID
	}
	diags.AddAttributeError(path.Root("account_id"), "No Cloudflare account id",
		"Set account_id on this data source, or account_id in the provider block, or the "+envAccountID+" environment variable.")
	return ""
}

// storeIDValidator checks a store id, which has the same form as an account id.
func storeIDValidator() validator.String {
	return stringvalidator.RegexMatches(accountIDPattern, "must be a store id: 32 lowercase hex characters")
}

// dataSourceAccountIDAttribute is the account_id every data source has.
func dataSourceAccountIDAttribute() datasourceschema.StringAttribute {
	return datasourceschema.StringAttribute{
		MarkdownDescription: "Cloudflare account id. Defaults to the provider's `account_id`.",
		Optional:            true,
		Validators:          []validator.String{accountIDValidator()},
	}
}

// isStoreNotFound reports whether err is Cloudflare's answer that a store does not exist.
func isStoreNotFound(err error) bool {
	return cfclient.IsNotFound(err) && cfclient.HasCode(err, cfclient.CodeBadRequest, "store_not_found")
}

// addStoreNotFound reports a store id that names no store of the account, on the attribute at.
func addStoreNotFound(diags *diag.Diagnostics, at path.Path, accountID, storeID string) {
	diags.AddAttributeError(at, "No such Secrets Store", storeNotFound(accountID, storeID))
}

// storeNotFound says that a store id names no store of the account, and where its id is.
func storeNotFound(accountID, storeID string) string {
	return fmt.Sprintf("Store %s does not exist on account %s. Use the id of the account's store: cfsecrets_store.<name>.id, "+
		"or the cfsecrets_store data source, which finds it by name (`wrangler secrets-store store list --remote` shows it too).",
		storeID, accountID)
}
