package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// staleValueKey marks, between Read and Apply, a token whose value in state no longer works.
const staleValueKey = "value_rolled_out_of_band"

var (
	_ resource.ResourceWithConfigure      = (*deployTokenResource)(nil)
	_ resource.ResourceWithImportState    = (*deployTokenResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*deployTokenResource)(nil)
	_ resource.ResourceWithValidateConfig = (*deployTokenResource)(nil)
)

type deployTokenResource struct {
	data *providerData
}

type deployTokenModel struct {
	deployTokenArguments
	ID               types.String   `tfsdk:"id"`
	AccountID        types.String   `tfsdk:"account_id"`
	DeniedIPs        types.Set      `tfsdk:"denied_ips"`
	NotBefore        types.String   `tfsdk:"not_before"`
	ExpiresOn        types.String   `tfsdk:"expires_on"`
	RotationTriggers types.Map      `tfsdk:"rotation_triggers"`
	Status           types.String   `tfsdk:"status"`
	Value            types.String   `tfsdk:"value"`
	Permissions      types.Set      `tfsdk:"permissions"`
	Resources        types.Set      `tfsdk:"resources"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

func newDeployTokenResource() resource.Resource { return &deployTokenResource{} }

func (r *deployTokenResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deploy_token"
}

func (r *deployTokenResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A least-privilege Cloudflare API token for CI that deploys Workers reading Secrets Store secrets: " +
			"**Workers Scripts Edit** (the API's \"" + permWorkersScriptsWrite + "\") and **" + permSecretsStoreRead + "** on one " +
			"account, nothing else — the fix for deploys failing with error 10021 without a too-wide token. A plan restores least " +
			"privilege when the token was widened outside Terraform, re-enables it when it was disabled, recreates it when it was " +
			"deleted or expired, and rolls it again when its value was rolled elsewhere. The provider's own token needs Account API Tokens Write.",
		Attributes: withDeployTokenArguments(map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The token id (not its value).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": accountIDAttribute(),
			"timeouts":   timeoutsAttribute(ctx),
			"denied_ips": schema.SetAttribute{
				MarkdownDescription: "Requests from these CIDR ranges may not use the token, written like `allowed_ips`.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(cidrValidator{})},
			},
			"not_before": schema.StringAttribute{
				MarkdownDescription: "RFC 3339 time, in whole seconds as Cloudflare keeps it, before which the token does not work.",
				Optional:            true,
				Validators:          []validator.String{tokenTimeValidator{}},
			},
			"expires_on": schema.StringAttribute{
				MarkdownDescription: "RFC 3339 time, in whole seconds as Cloudflare keeps it, at which the token stops working. A time " +
					"in the past is refused at plan time (the token would be created expired). An expired token is planned for " +
					"re-creation, which then needs a new `expires_on`.",
				Optional:   true,
				Validators: []validator.String{tokenTimeValidator{}},
			},
			"rotation_triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; changing any of them rolls the token's value in place (the id stays, the old value stops working).",
				Optional:            true,
				ElementType:         types.StringType,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active`, or `disabled` when someone disabled it outside Terraform (the next apply re-enables it).",
				Computed:            true,
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The token's secret value, for CI (e.g. `CLOUDFLARE_API_TOKEN`). Sensitive and kept in state by design, " +
					"since CI needs it; Cloudflare shows it only on create and roll, so it is null after an import until a rotation trigger changes.",
				Computed:  true,
				Sensitive: true,
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "Names of the permission groups the token holds. A permission added outside Terraform shows here (a deny " +
					"policy as `deny: <name>`, a group of another scope with its scope and id) and is removed by the next apply.",
				Computed:    true,
				ElementType: types.StringType,
			},
			"resources": schema.SetAttribute{
				MarkdownDescription: "The resources the token's policies cover: exactly this account. A resource added outside Terraform (or the " +
					"account narrowed to some of its zones) shows here and is repaired by the next apply.",
				Computed:    true,
				ElementType: types.StringType,
			},
		}),
	}
}

func (r *deployTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig refuses times Cloudflare would refuse together: not_before must come first.
func (r *deployTokenResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var notBefore, expiresOn types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("not_before"), &notBefore)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("expires_on"), &expiresOn)...)
	from, errFrom := time.Parse(time.RFC3339, notBefore.ValueString())
	until, errUntil := time.Parse(time.RFC3339, expiresOn.ValueString())
	if errFrom == nil && errUntil == nil && !from.Before(until) {
		resp.Diagnostics.AddAttributeError(path.Root("not_before"), "The token would never be valid",
			fmt.Sprintf("not_before (%s) must be earlier than expires_on (%s): Cloudflare refuses a token that stops working "+
				"before it starts.", notBefore.ValueString(), expiresOn.ValueString()))
	}
}

// ModifyPlan states the least-privilege policy the token must have, so a token widened outside
// Terraform shows as an update; plans it active, so a disabled token is re-enabled; and plans a
// new value when the triggers changed or the value in state stopped working.
func (r *deployTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planAccountID(ctx, r.data, req, resp)
	if req.Plan.Raw.IsNull() || r.data == nil || resp.Diagnostics.HasError() {
		return
	}
	var plan deployTokenModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	refuseExpiry(plan.ExpiresOn, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || plan.AccountID.IsUnknown() || plan.ExtraPermissions.IsUnknown() {
		return
	}
	names := plan.permissionNames(ctx, &resp.Diagnostics)
	if resolvePermissions(ctx, r.data, plan.AccountID.ValueString(), names, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	plan.Permissions = stringSet(names)
	plan.Resources = stringSet([]string{cfclient.AccountResource(plan.AccountID.ValueString())})
	plan.Status = types.StringValue(tokenActive)
	if !req.State.Raw.IsNull() {
		var state deployTokenModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		stale, diags := req.Private.GetKey(ctx, staleValueKey)
		resp.Diagnostics.Append(diags...)
		switch {
		case state.Status.ValueString() == tokenDisabled:
			resp.Diagnostics.AddWarning("Deploy token was disabled outside Terraform",
				fmt.Sprintf("Token %q (%s) is disabled, so Cloudflare refuses it, CI's deploys included. Applying re-enables it with the "+
					"configured settings. Its value stays as it is, unless it was also rolled while disabled: then the apply rolls it "+
					"again so that state holds a working value.", state.Name.ValueString(), state.ID.ValueString()))
			plan.Value = types.StringUnknown()
		case len(stale) > 0:
			resp.Diagnostics.AddWarning("Deploy token value was rolled outside Terraform",
				fmt.Sprintf("The value of token %q in state no longer works (it was rolled elsewhere). Applying rolls it again so "+
					"state holds a working value; update CI with the new value afterwards.", state.Name.ValueString()))
			plan.Value = types.StringUnknown()
		case !plan.RotationTriggers.Equal(state.RotationTriggers):
			plan.Value = types.StringUnknown()
		default:
			plan.Value = state.Value
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// refuseExpiry refuses an expires_on that has already passed: Cloudflare would create a token
// that is expired at once, and every apply would create another.
func refuseExpiry(expiresOn types.String, diags *diag.Diagnostics) {
	until, err := time.Parse(time.RFC3339, expiresOn.ValueString())
	if err != nil || until.After(time.Now()) {
		return
	}
	diags.AddAttributeError(path.Root("expires_on"), "expires_on is in the past",
		fmt.Sprintf("expires_on %s is in the past: the token would be created already expired, and every apply would create "+
			"another. Set a time in the future, such as timeadd(plantimestamp(), \"720h\") kept in a variable, or leave it out.", expiresOn.ValueString()))
}

func (r *deployTokenResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan deployTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	spec := r.spec(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	token, err := r.data.client.CreateAccountToken(ctx, spec)
	if err != nil {
		addAPIError(&resp.Diagnostics, tokenCall("create deploy token "+spec.Name, spec.AccountID), err)
		return
	}
	plan.ID = types.StringValue(token.ID)
	plan.Value = types.StringValue(token.Value)
	resp.Diagnostics.Append(plan.fill(ctx, r.data, token)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

func (r *deployTokenResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state deployTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// Set before anything else: the framework wants an identity even when Read finds the object
	// gone and removes it from state (it cannot change during the object's life anyway).
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	accountID := state.AccountID.ValueString()
	token, err := r.data.client.GetAccountToken(ctx, accountID, state.ID.ValueString())
	if cfclient.IsNotFound(err) || (err == nil && token.Status == tokenExpired) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, tokenCall("read deploy token "+state.Name.ValueString(), accountID), err)
		return
	}
	// Only a token Cloudflare would accept right now tells, by refusing its value, that the value
	// was rolled: a disabled or not yet valid token refuses every value.
	if value := state.Value.ValueString(); value != "" && acceptsRequestsNow(token) {
		works, err := r.data.client.TokenValueWorks(ctx, accountID, value)
		if err == nil && !works {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, staleValueKey, mustJSON(true))...)
		}
	}
	resp.Diagnostics.Append(state.fill(ctx, r.data, token)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// acceptsRequestsNow reports whether Cloudflare would accept the token's own value at this moment.
func acceptsRequestsNow(token cfclient.Token) bool {
	notBefore, err := time.Parse(time.RFC3339, token.NotBefore)
	return token.Status == tokenActive && (token.NotBefore == "" || (err == nil && !notBefore.After(time.Now())))
}

func (r *deployTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state deployTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	stale, diags := req.Private.GetKey(ctx, staleValueKey)
	resp.Diagnostics.Append(diags...)
	spec := r.spec(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	token, err := r.data.client.UpdateAccountToken(ctx, state.ID.ValueString(), spec)
	if err != nil {
		addAPIError(&resp.Diagnostics, tokenCall("update deploy token "+spec.Name, spec.AccountID), err)
		return
	}
	if plan.Value.IsUnknown() {
		roll := len(stale) > 0 || !plan.RotationTriggers.Equal(state.RotationTriggers)
		if !roll {
			// Re-enabled: keep the value unless it was rolled while the token was disabled.
			plan.Value = state.Value
			if value := state.Value.ValueString(); value != "" {
				works, err := r.data.client.TokenValueWorks(ctx, spec.AccountID, value)
				roll = err == nil && !works
			}
		}
		if roll {
			value, err := r.data.client.RollAccountToken(ctx, spec.AccountID, state.ID.ValueString())
			if err != nil {
				addAPIError(&resp.Diagnostics, tokenCall("roll the value of deploy token "+spec.Name, spec.AccountID), err)
				return
			}
			plan.Value = types.StringValue(value)
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, staleValueKey, nil)...)
		}
	}
	plan.ID = state.ID
	resp.Diagnostics.Append(plan.fill(ctx, r.data, token)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

func (r *deployTokenResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state deployTokenModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.data.client.DeleteAccountToken(ctx, state.AccountID.ValueString(), state.ID.ValueString()); err != nil {
		addAPIError(&resp.Diagnostics, tokenCall("delete deploy token "+state.Name.ValueString(), state.AccountID.ValueString()), err)
	}
}

// ImportState accepts <account_id>/<token_id>, or an identity. The token is adopted as it is:
// permissions beyond the deploy pair become extra_permissions, so a configuration that lists
// them plans no change.
func (r *deployTokenResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	identity, ok := importedIdentity(ctx, req, r.data, &resp.Diagnostics, parseAccountObjectID("token_id"))
	if !ok {
		return
	}
	accountID := identity.AccountID.ValueString()
	tokenID := identity.ID.ValueString()
	token, err := r.data.client.GetAccountToken(ctx, accountID, tokenID)
	switch {
	case cfclient.IsNotFound(err):
		addCannotImport(&resp.Diagnostics, "deploy token", fmt.Sprintf("Account %s has no API token with id %s. The "+
			"cfsecrets_deploy_token list resource (terraform query, Terraform 1.14 or later) lists the account's deploy tokens, "+
			"and the dashboard every account token, under Manage Account > Account API Tokens. A token under My Profile > API "+
			"Tokens is a user token, which belongs to a person and which this provider does not manage: replace it with a "+
			"cfsecrets_deploy_token (guide \"Moving from the official Cloudflare provider\").", accountID, tokenID))
	case err != nil:
		addAPIError(&resp.Diagnostics, apiCall{action: "import deploy token " + tokenID, accountID: accountID, permission: apiTokensRead}, err)
	}
	if err != nil {
		return
	}
	model := adoptedDeployToken(ctx, r.data, accountID, token, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
	setIdentity(ctx, resp.Identity, model.identity(), &resp.Diagnostics)
}

// adoptedDeployToken is the state of a token Terraform did not create, as import and `terraform
// query` give it: what Cloudflare says, with the permissions beyond the deploy pair as
// extra_permissions, no rotation triggers, and no value (Cloudflare shows it only on create and roll).
func adoptedDeployToken(ctx context.Context, data *providerData, accountID string, token cfclient.Token, diags *diag.Diagnostics) deployTokenModel {
	model := deployTokenModel{
		AccountID:        types.StringValue(accountID),
		NotBefore:        types.StringNull(),
		ExpiresOn:        types.StringNull(),
		RotationTriggers: types.MapNull(types.StringType),
		Value:            types.StringNull(),
		Timeouts:         nullTimeouts(),
	}
	diags.Append(model.fill(ctx, data, token)...)
	extras := setStrings(ctx, model.Permissions, diags)
	extras = slices.DeleteFunc(extras, func(name string) bool { return slices.Contains(deployPermissionNames, name) })
	model.ExtraPermissions = nullIfEmptySet(extras)
	return model
}

// spec is the shared arguments' token plus what only the resource has.
func (r *deployTokenResource) spec(ctx context.Context, plan deployTokenModel, diags *diag.Diagnostics) cfclient.TokenSpec {
	spec := plan.tokenSpec(ctx, r.data, plan.AccountID.ValueString(), diags)
	spec.DeniedIPs = setStrings(ctx, plan.DeniedIPs, diags)
	spec.NotBefore = plan.NotBefore.ValueString()
	spec.ExpiresOn = plan.ExpiresOn.ValueString()
	return spec
}

// tokenCall is a call on the account's API tokens, which the provider's token needs Account API
// Tokens Write for.
func tokenCall(action, accountID string) apiCall {
	return apiCall{action: action, accountID: accountID, permission: apiTokensWrite}
}

// fill records what Cloudflare says the token is: its name, status, times, conditions, and the
// permissions and resources of its policies, so that any change outside Terraform shows as a diff.
func (m *deployTokenModel) fill(ctx context.Context, data *providerData, token cfclient.Token) diag.Diagnostics {
	var diags diag.Diagnostics
	var permissions, resources []string
	for _, p := range token.Policies {
		ids := make([]string, 0, len(p.PermissionGroups))
		for _, g := range p.PermissionGroups {
			ids = append(ids, g.ID)
		}
		names, err := data.permissions.displayNames(ctx, data.client, m.AccountID.ValueString(), ids)
		if err != nil {
			addAPIError(&diags, apiCall{action: "read the permission groups", accountID: m.AccountID.ValueString(), permission: apiTokensRead}, err)
		}
		for _, name := range names {
			if p.Effect != "allow" {
				name = p.Effect + ": " + name
			}
			permissions = append(permissions, name)
		}
		resources = append(resources, policyResources(p)...)
	}
	m.ID = types.StringValue(token.ID)
	m.Name = types.StringValue(token.Name)
	m.Status = types.StringValue(token.Status)
	// Several policies may name the same group or resource; a set holds each once.
	m.Permissions = stringSet(slices.Compact(sortedCopy(permissions)))
	m.Resources = stringSet(slices.Compact(sortedCopy(resources)))
	m.AllowedIPs = nullIfEmptySet(token.Condition.RequestIP.In)
	m.DeniedIPs = nullIfEmptySet(token.Condition.RequestIP.NotIn)
	m.NotBefore = sameInstantOrNew(m.NotBefore, token.NotBefore)
	m.ExpiresOn = sameInstantOrNew(m.ExpiresOn, token.ExpiresOn)
	return diags
}

// policyResources is what a policy covers: a resource key whose value is "*" covers that whole
// resource; an account key whose value lists zones covers those zones only, not the account.
func policyResources(p cfclient.TokenPolicy) []string {
	var covered []string
	for key, raw := range p.Resources {
		var everything string
		var zones map[string]string
		switch {
		case json.Unmarshal(raw, &everything) == nil && everything == "*":
			covered = append(covered, key)
		case json.Unmarshal(raw, &zones) == nil:
			for zone := range zones {
				covered = append(covered, zone)
			}
		default:
			covered = append(covered, key+" = "+string(raw))
		}
	}
	return covered
}

// sameInstantOrNew keeps the configured spelling of a time Cloudflare returns in its own format
// (e.g. "+00:00" against "Z"), so equal instants never cause a diff.
func sameInstantOrNew(known types.String, returned string) types.String {
	if returned == "" {
		return types.StringNull()
	}
	if cfclient.SameInstant(known.ValueString(), returned) {
		return known
	}
	return types.StringValue(returned)
}
