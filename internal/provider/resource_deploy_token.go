package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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

// notBlank matches a name with something besides white space, as Unicode (and Cloudflare, which
// answers "Token name is required") counts it: RE2's \S alone would let a no-break space through.
var notBlank = regexp.MustCompile(`[^\s\v\x{85}\p{Z}]`)

// staleValueKey marks, between Read and Apply, a token whose value in state no longer works.
const staleValueKey = "value_rolled_out_of_band"

var (
	_ resource.ResourceWithConfigure   = (*deployTokenResource)(nil)
	_ resource.ResourceWithImportState = (*deployTokenResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*deployTokenResource)(nil)
)

type deployTokenResource struct {
	data *providerData
}

type deployTokenModel struct {
	ID               types.String   `tfsdk:"id"`
	AccountID        types.String   `tfsdk:"account_id"`
	Name             types.String   `tfsdk:"name"`
	ExtraPermissions types.Set      `tfsdk:"extra_permissions"`
	AllowedIPs       types.Set      `tfsdk:"allowed_ips"`
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
			"privilege when the token was widened outside Terraform, recreates it when it was deleted or expired, and rolls it again " +
			"when its value was rolled elsewhere. The provider's own token needs Account API Tokens Write.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The token id (not its value).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": accountIDAttribute(),
			"timeouts":   timeoutsAttribute(ctx),
			"name": schema.StringAttribute{
				MarkdownDescription: "The token's name, shown in the dashboard.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 120),
					stringvalidator.RegexMatches(notBlank, "must not be blank"),
				},
			},
			"extra_permissions": schema.SetAttribute{
				MarkdownDescription: "Names of further permission groups to grant, as the API names them (e.g. `Workers KV Storage Write`); " +
					"resolved through the API. Leave out for the least-privilege deploy token.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"allowed_ips": schema.SetAttribute{
				MarkdownDescription: "Only requests from these CIDR ranges may use the token (e.g. your CI runners' egress).",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(cidrValidator{})},
			},
			"denied_ips": schema.SetAttribute{
				MarkdownDescription: "Requests from these CIDR ranges may not use the token.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(cidrValidator{})},
			},
			"not_before": schema.StringAttribute{
				MarkdownDescription: "RFC 3339 time before which the token does not work.",
				Optional:            true,
				Validators:          []validator.String{rfc3339Validator{}},
			},
			"expires_on": schema.StringAttribute{
				MarkdownDescription: "RFC 3339 time at which the token stops working. An expired token is planned for re-creation.",
				Optional:            true,
				Validators:          []validator.String{rfc3339Validator{}},
			},
			"rotation_triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values; changing any of them rolls the token's value in place (the id stays, the old value stops working).",
				Optional:            true,
				ElementType:         types.StringType,
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`active`, `disabled` or `expired`.",
				Computed:            true,
			},
			"value": schema.StringAttribute{
				MarkdownDescription: "The token's secret value, for CI (e.g. `CLOUDFLARE_API_TOKEN`). Sensitive and kept in state by design, " +
					"since CI needs it; Cloudflare shows it only on create and roll, so it is null after an import until a rotation trigger changes.",
				Computed:  true,
				Sensitive: true,
			},
			"permissions": schema.SetAttribute{
				MarkdownDescription: "Names of the permission groups the token holds. A permission added outside Terraform shows here and is removed by the next apply.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"resources": schema.SetAttribute{
				MarkdownDescription: "The resources the token's policies cover: exactly this account. A resource added outside Terraform is removed by the next apply.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (r *deployTokenResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan states the least-privilege policy the token must have, so a token widened outside
// Terraform shows as an update, and plans a roll when the triggers changed or the value in
// state stopped working.
func (r *deployTokenResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planAccountID(ctx, r.data, req, resp)
	if req.Plan.Raw.IsNull() || r.data == nil || resp.Diagnostics.HasError() {
		return
	}
	var plan deployTokenModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.AccountID.IsUnknown() || plan.ExtraPermissions.IsUnknown() {
		return
	}
	names := desiredPermissionNames(ctx, plan, &resp.Diagnostics)
	if _, err := r.data.permissions.resolve(ctx, r.data.client, plan.AccountID.ValueString(), names); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("extra_permissions"), "Unknown permission group", err.Error())
		return
	}
	plan.Permissions = stringSet(names)
	plan.Resources = stringSet([]string{cfclient.AccountResource(plan.AccountID.ValueString())})
	if !req.State.Raw.IsNull() {
		var state deployTokenModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		stale, diags := req.Private.GetKey(ctx, staleValueKey)
		resp.Diagnostics.Append(diags...)
		switch {
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
		if plan.Permissions.Equal(state.Permissions) && plan.Resources.Equal(state.Resources) && plan.sameSettings(state) {
			plan.Status = state.Status
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
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
		explainTokenError(&resp.Diagnostics, "create deploy token "+spec.Name, err)
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
	if cfclient.IsNotFound(err) || (err == nil && token.Status == "expired") {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		explainTokenError(&resp.Diagnostics, "read deploy token "+state.Name.ValueString(), err)
		return
	}
	if value := state.Value.ValueString(); value != "" {
		works, err := r.data.client.TokenValueWorks(ctx, accountID, value)
		if err == nil && !works {
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, staleValueKey, mustJSON(true))...)
		}
	}
	resp.Diagnostics.Append(state.fill(ctx, r.data, token)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *deployTokenResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state deployTokenModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	spec := r.spec(ctx, plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	token, err := r.data.client.UpdateAccountToken(ctx, state.ID.ValueString(), spec)
	if err != nil {
		explainTokenError(&resp.Diagnostics, "update deploy token "+spec.Name, err)
		return
	}
	if plan.Value.IsUnknown() {
		value, err := r.data.client.RollAccountToken(ctx, spec.AccountID, state.ID.ValueString())
		if err != nil {
			explainTokenError(&resp.Diagnostics, "roll the value of deploy token "+spec.Name, err)
			return
		}
		plan.Value = types.StringValue(value)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, staleValueKey, nil)...)
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
		explainTokenError(&resp.Diagnostics, "delete deploy token "+state.Name.ValueString(), err)
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
	token, err := r.data.client.GetAccountToken(ctx, accountID, identity.ID.ValueString())
	if err != nil {
		explainTokenError(&resp.Diagnostics, "import deploy token "+identity.ID.ValueString(), err)
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

func (r *deployTokenResource) spec(ctx context.Context, plan deployTokenModel, diags *diag.Diagnostics) cfclient.TokenSpec {
	spec := cfclient.TokenSpec{
		Name:       plan.Name.ValueString(),
		AccountID:  plan.AccountID.ValueString(),
		AllowedIPs: setStrings(ctx, plan.AllowedIPs, diags),
		DeniedIPs:  setStrings(ctx, plan.DeniedIPs, diags),
		NotBefore:  plan.NotBefore.ValueString(),
		ExpiresOn:  plan.ExpiresOn.ValueString(),
	}
	ids, err := r.data.permissions.resolve(ctx, r.data.client, spec.AccountID, desiredPermissionNames(ctx, plan, diags))
	if err != nil {
		diags.AddAttributeError(path.Root("extra_permissions"), "Unknown permission group", err.Error())
	}
	spec.PermissionGroupIDs = ids
	return spec
}

// desiredPermissionNames is the deploy pair plus the extras, sorted.
func desiredPermissionNames(ctx context.Context, plan deployTokenModel, diags *diag.Diagnostics) []string {
	names := append(slices.Clone(deployPermissionNames), setStrings(ctx, plan.ExtraPermissions, diags)...)
	slices.Sort(names)
	return slices.Compact(names)
}

// sameSettings reports whether the user-set attributes that Update sends are unchanged.
func (m deployTokenModel) sameSettings(state deployTokenModel) bool {
	return m.Name.Equal(state.Name) && m.AllowedIPs.Equal(state.AllowedIPs) && m.DeniedIPs.Equal(state.DeniedIPs) &&
		m.NotBefore.Equal(state.NotBefore) && m.ExpiresOn.Equal(state.ExpiresOn)
}

// fill records what Cloudflare says the token is: its name, times, conditions, and the
// permissions and resources of its allow policies, so widening shows up as a diff.
func (m *deployTokenModel) fill(ctx context.Context, data *providerData, token cfclient.Token) diag.Diagnostics {
	var diags diag.Diagnostics
	var groupIDs, resources []string
	for _, p := range token.Policies {
		if p.Effect != "allow" {
			continue
		}
		for _, g := range p.PermissionGroups {
			groupIDs = append(groupIDs, g.ID)
		}
		for key := range p.Resources {
			resources = append(resources, key)
		}
	}
	names, err := data.permissions.namesOf(ctx, data.client, m.AccountID.ValueString(), groupIDs)
	if err != nil {
		diags.AddError("Could not read the permission groups", err.Error())
	}
	m.ID = types.StringValue(token.ID)
	m.Name = types.StringValue(token.Name)
	m.Status = types.StringValue(token.Status)
	m.Permissions = stringSet(sortedCopy(names))
	m.Resources = stringSet(sortedCopy(resources))
	m.AllowedIPs = nullIfEmptySet(token.Condition.RequestIP.In)
	m.DeniedIPs = nullIfEmptySet(token.Condition.RequestIP.NotIn)
	m.NotBefore = sameInstantOrNew(m.NotBefore, token.NotBefore)
	m.ExpiresOn = sameInstantOrNew(m.ExpiresOn, token.ExpiresOn)
	return diags
}

// sameInstantOrNew keeps the configured spelling of a time Cloudflare returns in its own format
// (e.g. "+00:00" against "Z"), so equal instants never cause a diff.
func sameInstantOrNew(known types.String, returned string) types.String {
	if returned == "" {
		return types.StringNull()
	}
	a, errA := time.Parse(time.RFC3339, known.ValueString())
	b, errB := time.Parse(time.RFC3339, returned)
	if errA == nil && errB == nil && a.Equal(b) {
		return known
	}
	return types.StringValue(returned)
}

func explainTokenError(diags *diag.Diagnostics, action string, err error) {
	if apiErr, ok := cfclient.AsAPIError(err); ok && apiErr.Status == http.StatusForbidden {
		diags.AddError("Could not "+action,
			"The provider's API token may not manage API tokens: it needs the Account API Tokens Write permission on this account "+
				"(only for cfsecrets_deploy_token). Cloudflare answered: "+err.Error())
		return
	}
	addAPIError(diags, action, err)
}
