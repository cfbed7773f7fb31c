package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// driftKey is the private-state key under which Read records a change made outside Terraform,
// until an apply writes the configured secret back.
const driftKey = "out_of_band_change"

var (
	_ resource.ResourceWithConfigure   = (*secretResource)(nil)
	_ resource.ResourceWithImportState = (*secretResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*secretResource)(nil)
)

type secretResource struct {
	data *providerData
}

type secretModel struct {
	ID             types.String   `tfsdk:"id"`
	AccountID      types.String   `tfsdk:"account_id"`
	StoreID        types.String   `tfsdk:"store_id"`
	Name           types.String   `tfsdk:"name"`
	ValueWO        types.String   `tfsdk:"value_wo"`
	ValueWOVersion types.Int64    `tfsdk:"value_wo_version"`
	Scopes         types.Set      `tfsdk:"scopes"`
	Comment        types.String   `tfsdk:"comment"`
	Status         types.String   `tfsdk:"status"`
	Created        types.String   `tfsdk:"created"`
	Modified       types.String   `tfsdk:"modified"`
	Timeouts       timeouts.Value `tfsdk:"timeouts"`
}

func newSecretResource() resource.Resource { return &secretResource{} }

func (r *secretResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (r *secretResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A secret in a Cloudflare Secrets Store. Its value is **write-only**: Terraform sends it to " +
			"Cloudflare and never stores it in state or shows it in a plan (Terraform or OpenTofu 1.11 or later). " +
			"A scheduled `terraform plan` detects a secret changed outside Terraform (its `modified` time moved) " +
			"and the next apply writes the configured value back.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The secret id (32 lowercase hex characters).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": accountIDAttribute(),
			"timeouts":   timeoutsAttribute(ctx),
			"store_id": schema.StringAttribute{
				MarkdownDescription: "Id of the store that holds the secret (`cfsecrets_store.<name>.id`). Changing it replaces the secret.",
				Required:            true,
				Validators:          []validator.String{storeIDValidator()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The secret's name, which Worker bindings refer to as `secret_name`: 1 to 255 letters, digits, " +
					"underscores or hyphens. Cloudflare cannot rename a secret, so changing it replaces the secret " +
					"(see the rotation example for doing that without downtime).",
				Required:      true,
				Validators:    secretNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"value_wo": schema.StringAttribute{
				MarkdownDescription: "The secret value. **Write-only**: never stored in state or plan; feed it from an " +
					"ephemeral variable or ephemeral resource. 1 to 65,536 bytes through the API (the dashboard stops at " +
					"1,024 bytes, so a longer value cannot be edited there). It is sent when the secret is created, whenever " +
					"`value_wo_version` changes, and when a plan found the secret changed outside Terraform. Creating a secret " +
					"needs it; on a secret adopted by import, `terraform query` or `moved` it may be left out, and then the value " +
					"belongs to whoever sets it elsewhere (see \"Who owns the value\").",
				Optional:   true,
				Sensitive:  true,
				WriteOnly:  true,
				Validators: []validator.String{secretValueValidator{}},
			},
			"value_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number to send `value_wo` again (to rotate the value in place). Terraform " +
					"cannot see changes to a write-only value, so without a new version a changed `value_wo` is not sent. " +
					"Needs `value_wo`.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("value_wo"))},
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: "Services that may use the secret: any of `" + strings.Join(knownScopes, "`, `") +
					"`. A Worker binding needs `workers`. A set, so order never causes a diff.",
				Required:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(scopeValidator()),
				},
			},
			"comment": schema.StringAttribute{
				MarkdownDescription: "Free text describing the secret, shown in the dashboard. Leave out for none.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Cloudflare's status for the secret: `pending`, `active` or `deleted`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "When the secret was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"modified": schema.StringAttribute{
				MarkdownDescription: "When the secret's value, scopes or comment last changed (RFC 3339). A change to it " +
					"that this provider did not make is how a plan detects a secret changed outside Terraform.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *secretResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks a create against what exists (the store, a secret of the same name, another
// resource creating the same secret); warns before a plan deletes a secret, or takes its `workers`
// scope away, while Workers still bind it; and plans a write whenever the secret will change, and
// also when Read found it changed outside Terraform while Terraform owns its value: then
// `modified` becomes unknown, which is the in-place update that puts the configured value back,
// and a warning explains why. Without value_wo the value is someone else's: only scopes and
// comment are compared, and a secret to create (there is none, or a replace) is refused, since
// Cloudflare needs a value.
func (r *secretResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planAccountID(ctx, r.data, req, resp)
	if resp.Diagnostics.HasError() {
		return
	}
	var plan, state secretModel
	if !req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	}
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if req.Plan.Raw.IsNull() {
		r.warnIfBound(ctx, state, "This plan deletes it", &resp.Diagnostics)
		return
	}
	var valueWO types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value_wo"), &valueWO)...)
	ownsValue := !valueWO.IsNull() // an unknown value (from an ephemeral resource) is a value
	if req.State.Raw.IsNull() {
		if !ownsValue {
			addMissingValueError(&resp.Diagnostics, plan)
			return
		}
		r.checkCreate(ctx, req, plan, &resp.Diagnostics)
		return
	}
	rememberOwnKey(ctx, req, resp, state.remoteObject().key)
	drift, diags := readDrift(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if !ownsValue {
		drift = "" // the value is someone else's; scopes and comment are compared below like any attribute
	}
	if drift == "" && resp.Plan.Raw.Equal(req.State.Raw) {
		return // nothing changes: the common case of a scheduled plan, kept cheap
	}
	if !ownsValue && (len(resp.RequiresReplace) > 0 || plan.replaces(state)) {
		addMissingValueError(&resp.Diagnostics, plan)
		return
	}
	switch {
	case plan.replaces(state) || !plan.AccountID.Equal(state.AccountID):
		r.warnIfBound(ctx, state, "This plan replaces it, which deletes it and creates a new secret", &resp.Diagnostics)
		// The replacement deletes this secret before it creates the new one: say now if the
		// create will be refused (only this plan's diagnostics are shown, not the create's own).
		r.checkTarget(ctx, plan, false, &resp.Diagnostics)
	case hasScope(ctx, state, "workers") && !plan.Scopes.IsUnknown() && !hasScope(ctx, plan, "workers"):
		r.warnIfBound(ctx, state, `This plan leaves it without the "workers" scope`, &resp.Diagnostics)
	}
	if drift != "" {
		resp.Diagnostics.AddWarning("Secret changed outside Terraform",
			fmt.Sprintf("Secret %q in store %s %s. Applying writes the configured value, scopes and comment back.",
				state.Name.ValueString(), state.StoreID.ValueString(), drift))
	}
	if drift != "" || plan.changesSecret(state) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("modified"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
	}
}

// checkCreate refuses two resources for one secret, then checks where the secret goes
// (checkTarget); a secret found there may be this resource's own (a replacement after terraform
// taint).
func (r *secretResource) checkCreate(ctx context.Context, req resource.ModifyPlanRequest, plan secretModel, diags *diag.Diagnostics) {
	if r.data == nil || !allKnown(plan.AccountID, plan.StoreID, plan.Name) {
		return
	}
	object := plan.remoteObject()
	if claimPlannedCreate(r.data, object, diags); diags.HasError() {
		return
	}
	r.checkTarget(ctx, plan, replacesOwnObject(ctx, req.Private, object.key), diags)
}

// checkTarget refuses a store that does not exist, and warns when the store already holds a
// secret of the planned name that is not this resource's own: the apply will refuse to take it
// over.
func (r *secretResource) checkTarget(ctx context.Context, plan secretModel, own bool, diags *diag.Diagnostics) {
	if r.data == nil || !allKnown(plan.AccountID, plan.StoreID, plan.Name) {
		return
	}
	_, found, err := r.data.client.SecretByName(ctx, plan.AccountID.ValueString(), plan.StoreID.ValueString(), plan.Name.ValueString())
	switch {
	case isStoreNotFound(err):
		addStoreNotFound(diags, path.Root("store_id"), plan.AccountID.ValueString(), plan.StoreID.ValueString())
	case err != nil:
		tflog.Debug(ctx, "could not check the store at plan time", map[string]any{"error": err.Error()})
	case found && !own:
		diags.AddAttributeWarning(path.Root("name"), "A secret with this name already exists",
			secretExistsDetail(plan)+" Unless this plan replaces this resource's own secret (after terraform taint), the apply will "+
				"refuse to create it.")
	}
}

// warnIfBound warns, when a plan deletes a secret or takes its `workers` scope away, about every
// Worker binding that still reads it: the Worker's next deploy would fail.
func (r *secretResource) warnIfBound(ctx context.Context, state secretModel, change string, diags *diag.Diagnostics) {
	if r.data == nil {
		return
	}
	bindings, err := r.data.client.StoreBindings(ctx, state.AccountID.ValueString(), state.StoreID.ValueString())
	if err != nil {
		tflog.Debug(ctx, "could not look for Workers that bind the secret", map[string]any{"error": err.Error()})
		return
	}
	bindings = slices.DeleteFunc(bindings, func(b cfclient.StoreBinding) bool { return b.SecretName != state.Name.ValueString() })
	if len(bindings) == 0 {
		return
	}
	diags.AddWarning("Workers still bind this secret",
		fmt.Sprintf("Secret %q is still bound to Workers: %s. %s. Cloudflare checks every Secrets Store binding of a Worker whenever "+
			"it is deployed or its bindings change, so their next deploy will fail with error 10021. Rebind them first "+
			"(cfsecrets_worker_binding, or secrets_store_secrets in wrangler.toml), unless this plan also changes those bindings.",
			state.Name.ValueString(), describeBindings(bindings, false), change))
}

// describeBindings lists Worker bindings for a diagnostic, with the secret each reads if asked.
func describeBindings(bindings []cfclient.StoreBinding, withSecret bool) string {
	described := make([]string, 0, len(bindings))
	for _, b := range bindings {
		one := fmt.Sprintf("Worker %q (binding %s)", b.ScriptName, b.BindingName)
		if withSecret {
			one += fmt.Sprintf(" reads secret %q", b.SecretName)
		}
		described = append(described, one)
	}
	return strings.Join(described, ", ")
}

// hasScope reports whether the secret in a plan or state holds scope.
func hasScope(ctx context.Context, m secretModel, scope string) bool {
	return slices.Contains(setStrings(ctx, m.Scopes, &diag.Diagnostics{}), scope)
}

func (r *secretResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config secretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if config.ValueWO.IsNull() {
		addMissingValueError(&resp.Diagnostics, plan)
		return
	}
	scopes := setStrings(ctx, plan.Scopes, &resp.Diagnostics)
	accountID, storeID := plan.AccountID.ValueString(), plan.StoreID.ValueString()
	created, err := r.data.client.CreateSecret(ctx, accountID, storeID, cfclient.NewSecret{
		Name:    plan.Name.ValueString(),
		Value:   config.ValueWO.ValueString(),
		Scopes:  scopes,
		Comment: plan.Comment.ValueString(),
	})
	if err != nil {
		r.explainWriteError(ctx, &resp.Diagnostics, "create", plan, err)
		return
	}
	resp.Diagnostics.Append(plan.fill(ctx, created)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

func (r *secretResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state secretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// Set before anything else: the framework wants an identity even when Read finds the object
	// gone and removes it from state (it cannot change during the object's life anyway).
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	secret, err := r.data.client.GetSecret(ctx, state.AccountID.ValueString(), state.StoreID.ValueString(), state.ID.ValueString())
	if cfclient.IsNotFound(err) || (err == nil && secret.Status == "deleted") {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, secretCall("read secret "+state.Name.ValueString(), state.AccountID.ValueString(), secretsStoreRead), err)
		return
	}
	if known := state.Modified.ValueString(); known != "" && known != secret.Modified {
		drift := describeDrift(ctx, state, secret)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, driftKey, mustJSON(drift))...)
	}
	resp.Diagnostics.Append(state.fill(ctx, secret)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *secretResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config secretModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	drift, diags := readDrift(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Without value_wo the value belongs elsewhere: a repair writes scopes and comment only.
	ownsValue := !config.ValueWO.IsNull()
	writeAll := drift != "" && ownsValue
	var patch cfclient.SecretPatch
	if ownsValue && (writeAll || !plan.ValueWOVersion.Equal(state.ValueWOVersion)) {
		value := config.ValueWO.ValueString()
		patch.Value = &value
	}
	if writeAll || !plan.Scopes.Equal(state.Scopes) {
		scopes := setStrings(ctx, plan.Scopes, &resp.Diagnostics)
		patch.Scopes = &scopes
	}
	if writeAll || !plan.Comment.Equal(state.Comment) {
		comment := plan.Comment.ValueString()
		patch.Comment = &comment
	}
	secret, err := r.data.client.UpdateSecret(ctx, plan.AccountID.ValueString(), plan.StoreID.ValueString(), state.ID.ValueString(), patch)
	if err != nil {
		r.explainWriteError(ctx, &resp.Diagnostics, "update", plan, err)
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, driftKey, nil)...)
	resp.Diagnostics.Append(plan.fill(ctx, secret)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

func (r *secretResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state secretModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.data.client.DeleteSecret(ctx, state.AccountID.ValueString(), state.StoreID.ValueString(), state.ID.ValueString()); err != nil {
		addAPIError(&resp.Diagnostics, secretCall("delete secret "+state.Name.ValueString(), state.AccountID.ValueString(), secretsStoreEdit), err)
	}
}

// ImportState accepts <account_id>/<store_id>/<secret_id> and <account_id>/<store_id>/<name>, or
// an identity with the name, the id or both.
func (r *secretResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	identity, ok := importedIdentity(ctx, req, r.data, &resp.Diagnostics, parseSecretImportID)
	if !ok {
		return
	}
	secret, ok := r.findSecret(ctx, identity, &resp.Diagnostics)
	if !ok {
		return
	}
	// Read runs next; with `modified` already known it sees no change, which is right:
	// importing adopts the secret as it is.
	model := adoptedSecret(ctx, identity.AccountID.ValueString(), secret, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, model)...)
	setIdentity(ctx, resp.Identity, model.identity(), &resp.Diagnostics)
}

// findSecret finds the secret an import names: by id (which must then carry the name given, if
// any), else by exact name. An id that is no secret of the store is tried as a name, since a
// name may look like an id. When there is none it says why, and how to find the right one.
func (r *secretResource) findSecret(ctx context.Context, identity secretIdentity, diags *diag.Diagnostics) (cfclient.Secret, bool) {
	accountID, storeID := identity.AccountID.ValueString(), identity.StoreID.ValueString()
	id, name := identity.ID.ValueString(), identity.Name.ValueString()
	if id != "" {
		secret, err := r.data.client.GetSecret(ctx, accountID, storeID, id)
		switch {
		case err == nil && name != "" && secret.Name != name:
			addCannotImport(diags, "secret", fmt.Sprintf("The identity names secret %q with id %s, but that id is secret %q in "+
				"store %s. Give the name and id of one secret, or only one of them.", name, id, secret.Name, storeID))
			return secret, false
		case err == nil:
			return secret, true
		case !cfclient.IsNotFound(err):
			addAPIError(diags, secretCall("import secret "+id, accountID, secretsStoreRead), err)
			return secret, false
		case name == "":
			name = id
		}
	}
	if name == "" {
		addCannotImport(diags, "secret", fmt.Sprintf("The import identity names no secret of store %s. Give its name, its id, or both.", storeID))
		return cfclient.Secret{}, false
	}
	secret, found, err := r.data.client.SecretByName(ctx, accountID, storeID, name)
	switch {
	case isStoreNotFound(err):
		addCannotImport(diags, "secret", storeNotFound(accountID, storeID))
	case err != nil:
		addAPIError(diags, secretCall("import secret "+name, accountID, secretsStoreRead), err)
	case !found:
		addCannotImport(diags, "secret", fmt.Sprintf("Store %s of account %s has no secret with id or name %q. The "+
			"cfsecrets_secret list resource (terraform query, Terraform 1.14 or later), the cfsecrets_secrets data source and "+
			"`wrangler secrets-store secret list %s --remote` list the store's secrets.", storeID, accountID, name, storeID))
	}
	return secret, err == nil && found
}

// adoptedSecret is the state of a secret Terraform did not create, as import and `terraform
// query` give it: what Cloudflare says, with no value and no value version.
func adoptedSecret(ctx context.Context, accountID string, secret cfclient.Secret, diags *diag.Diagnostics) secretModel {
	model := secretModel{
		AccountID:      types.StringValue(accountID),
		ValueWOVersion: types.Int64Null(),
		Timeouts:       nullTimeouts(),
	}
	diags.Append(model.fill(ctx, secret)...)
	return model
}

// addMissingValueError refuses to plan a secret Cloudflare would have to create without a value.
func addMissingValueError(diags *diag.Diagnostics, plan secretModel) {
	store := plan.StoreID.ValueString()
	diags.AddAttributeError(path.Root("value_wo"), "A new secret needs a value",
		fmt.Sprintf("Terraform must create secret %q in store %s (it does not exist, was deleted outside Terraform, or a change "+
			"of name, store_id or account_id replaces it), and Cloudflare creates no secret without a value. Set value_wo "+
			"from an ephemeral variable or ephemeral resource. value_wo may be left out only on a secret that exists and that "+
			"Terraform adopted, e.g. with\n\nimport {\n  to = cfsecrets_secret.<name>\n  id = \"%s/%s/%s\"\n}",
			plan.Name.ValueString(), store, plan.AccountID.ValueString(), store, plan.Name.ValueString()))
}

// explainWriteError turns Cloudflare's refusals into what to do about them.
func (r *secretResource) explainWriteError(ctx context.Context, diags *diag.Diagnostics, action string, plan secretModel, err error) {
	name, store, account := plan.Name.ValueString(), plan.StoreID.ValueString(), plan.AccountID.ValueString()
	switch {
	case cfclient.HasCode(err, cfclient.CodeLimitReached, "secret_name_already_exists"):
		if existing, found, _ := r.data.client.SecretByName(ctx, account, store, name); found && r.data.client.Created(existing.ID) {
			addTwoResourcesError(diags, plan.remoteObject(), "; another cfsecrets_secret of this configuration created it during this apply")
			return
		}
		diags.AddAttributeError(path.Root("name"), "A secret with this name already exists", secretExistsDetail(plan))
	case cfclient.HasCode(err, cfclient.CodeLimitReached, "quota_exceeded"):
		diags.AddError("Secrets Store quota reached",
			fmt.Sprintf("Cloudflare refused to create secret %q: the account already holds as many secrets as its quota "+
				"allows (100 per account during the beta). Delete secrets you no longer need, or ask Cloudflare to raise the quota.", name))
	case isStoreNotFound(err):
		addStoreNotFound(diags, path.Root("store_id"), account, store)
	case cfclient.IsNotFound(err):
		diags.AddError("Secret not found",
			fmt.Sprintf("Could not %s secret %q: Cloudflare says store %s of account %s has no such secret any more. Plan "+
				"again: the plan will create it.", action, name, store, account))
	default:
		addAPIError(diags, secretCall(action+" secret "+name, account, secretsStoreEdit), err)
	}
}

// secretExistsDetail says that the store already holds a secret of the planned name, and how to
// adopt it.
func secretExistsDetail(plan secretModel) string {
	name, store, account := plan.Name.ValueString(), plan.StoreID.ValueString(), plan.AccountID.ValueString()
	return fmt.Sprintf("Store %s already holds a secret named %q. Pick another name, or manage the existing secret with "+
		"Terraform by importing it:\n\nimport {\n  to = cfsecrets_secret.<name>\n  id = \"%s/%s/%s\"\n}", store, name, account, store, name)
}

// secretCall is a call on the account's Secrets Store.
func secretCall(action, accountID string, needs permission) apiCall {
	return apiCall{action: action, accountID: accountID, permission: needs}
}

// remoteObject is the secret as the ownership checks name it.
func (m secretModel) remoteObject() remoteObject {
	return remoteObject{kind: "secret", resource: "cfsecrets_secret",
		key:         m.AccountID.ValueString() + "/" + m.StoreID.ValueString() + "/" + m.Name.ValueString(),
		description: fmt.Sprintf("secret %q of store %s", m.Name.ValueString(), m.StoreID.ValueString())}
}

// replaces reports whether the plan needs a new secret: Cloudflare can move or rename none.
func (m secretModel) replaces(state secretModel) bool {
	return !m.Name.Equal(state.Name) || !m.StoreID.Equal(state.StoreID)
}

// changesSecret reports whether applying the plan writes anything to Cloudflare.
func (m secretModel) changesSecret(state secretModel) bool {
	return !m.ValueWOVersion.Equal(state.ValueWOVersion) || !m.Scopes.Equal(state.Scopes) || !m.Comment.Equal(state.Comment)
}

// fill copies what Cloudflare returned into the model; the value stays out of it.
func (m *secretModel) fill(ctx context.Context, secret cfclient.Secret) diag.Diagnostics {
	scopes, diags := types.SetValueFrom(ctx, types.StringType, sortedCopy(secret.Scopes))
	m.ID = types.StringValue(secret.ID)
	m.StoreID = types.StringValue(secret.StoreID)
	m.Name = types.StringValue(secret.Name)
	m.ValueWO = types.StringNull()
	m.Scopes = scopes
	m.Comment = nullIfEmpty(secret.Comment)
	m.Status = types.StringValue(secret.Status)
	m.Created = types.StringValue(secret.Created)
	m.Modified = types.StringValue(secret.Modified)
	return diags
}

// describeDrift says what Read can tell about a change made outside Terraform. A changed value
// leaves no trace but `modified`, so when scopes and comment are as before it names the value.
func describeDrift(ctx context.Context, state secretModel, secret cfclient.Secret) string {
	var changes []string
	known := setStrings(ctx, state.Scopes, &diag.Diagnostics{})
	if !slices.Equal(sortedCopy(known), sortedCopy(secret.Scopes)) {
		changes = append(changes, fmt.Sprintf("its scopes from [%s] to [%s]", strings.Join(known, ", "), strings.Join(secret.Scopes, ", ")))
	}
	if state.Comment.ValueString() != secret.Comment {
		changes = append(changes, "its comment")
	}
	what := "its value was probably rotated (scopes and comment are unchanged, but modified moved)"
	if len(changes) > 0 {
		what = "someone changed " + strings.Join(changes, " and ") + ", and possibly its value"
	}
	return fmt.Sprintf("was changed outside Terraform at %s: %s", secret.Modified, what)
}

func readDrift(ctx context.Context, private privateState) (string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, driftKey)
	if len(raw) == 0 || diags.HasError() {
		return "", diags
	}
	var drift string
	if err := json.Unmarshal(raw, &drift); err != nil {
		return "", diags
	}
	return drift, diags
}
