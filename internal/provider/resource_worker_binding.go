package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
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

// bindingNamePattern: a binding becomes env.<name> in the Worker, so it must be a JavaScript identifier.
var bindingNamePattern = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// workerNamePattern is Cloudflare's rule for Worker script names.
var workerNamePattern = regexp.MustCompile(`^[a-z0-9_-]+$`)

var (
	_ resource.ResourceWithConfigure   = (*workerBindingResource)(nil)
	_ resource.ResourceWithImportState = (*workerBindingResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*workerBindingResource)(nil)
)

type workerBindingResource struct {
	data *providerData
}

type workerBindingModel struct {
	ID         types.String   `tfsdk:"id"`
	AccountID  types.String   `tfsdk:"account_id"`
	ScriptName types.String   `tfsdk:"script_name"`
	Name       types.String   `tfsdk:"name"`
	StoreID    types.String   `tfsdk:"store_id"`
	SecretName types.String   `tfsdk:"secret_name"`
	Timeouts   timeouts.Value `tfsdk:"timeouts"`
}

func newWorkerBindingResource() resource.Resource { return &workerBindingResource{} }

func (r *workerBindingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_worker_binding"
}

func (r *workerBindingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Binds a Secrets Store secret to a deployed Worker, which reads it with `await env.<name>.get()`. " +
			"Manages this one binding only: the Worker's code and its other bindings (set by `wrangler deploy`) stay as they are. " +
			"The Worker must exist first. The provider's token needs Workers Scripts Edit and Account Secrets Store Read.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<account_id>/<script_name>/<name>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": accountIDAttribute(),
			"timeouts":   timeoutsAttribute(ctx),
			"script_name": schema.StringAttribute{
				MarkdownDescription: "Name of the deployed Worker script. Changing it moves the binding to another Worker (replace).",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(workerNamePattern, "must be a Worker name: lowercase letters, digits, _ and -"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The binding name, a JavaScript identifier such as `STRIPE_KEY`: the Worker reads `env.STRIPE_KEY`. " +
					"Changing it replaces the binding.",
				Required: true,
				Validators: []validator.String{stringvalidator.RegexMatches(bindingNamePattern,
					"must be a JavaScript identifier: a letter, _ or $, then letters, digits, _ or $ (e.g. STRIPE_KEY)")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"store_id": schema.StringAttribute{
				MarkdownDescription: "Id of the store holding the secret. Changing it rebinds in place.",
				Required:            true,
				Validators:          []validator.String{storeIDValidator()},
			},
			"secret_name": schema.StringAttribute{
				MarkdownDescription: "Name of the secret to bind; it needs the `workers` scope. Changing it rebinds in place " +
					"(e.g. to `stripe_key_v2` during a rotation).",
				Required:   true,
				Validators: secretNameValidators(),
			},
		},
	}
}

func (r *workerBindingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fills in the account and, when the secret already exists, warns at plan time if it
// lacks the `workers` scope (the apply would fail with 10021).
func (r *workerBindingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planAccountID(ctx, r.data, req, resp)
	if req.Plan.Raw.IsNull() || r.data == nil || resp.Diagnostics.HasError() {
		return
	}
	var plan workerBindingModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !allKnown(plan.AccountID, plan.StoreID, plan.SecretName, plan.ScriptName, plan.Name) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.importID())...)
	secret, found, err := r.data.client.SecretByName(ctx, plan.AccountID.ValueString(), plan.StoreID.ValueString(), plan.SecretName.ValueString())
	if err != nil {
		tflog.Debug(ctx, "could not check the bound secret's scopes at plan time", map[string]any{"error": err.Error()})
		return
	}
	if found && !slices.Contains(secret.Scopes, "workers") {
		resp.Diagnostics.AddAttributeWarning(path.Root("secret_name"), "The secret cannot be bound to a Worker",
			fmt.Sprintf("Secret %q has scopes %v but not \"workers\", so Cloudflare will refuse this binding (error 10021). "+
				"Add \"workers\" to the secret's scopes.", secret.Name, secret.Scopes))
	}
}

func (r *workerBindingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan workerBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

func (r *workerBindingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state workerBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// Set before anything else: the framework wants an identity even when Read finds the object
	// gone and removes it from state (it cannot change during the object's life anyway).
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	bindings, err := r.data.client.ScriptBindings(ctx, state.AccountID.ValueString(), state.ScriptName.ValueString())
	if cfclient.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "read the bindings of Worker "+state.ScriptName.ValueString(), err)
		return
	}
	i := slices.IndexFunc(bindings, func(b cfclient.Binding) bool { return b.Name == state.Name.ValueString() })
	if i < 0 || bindings[i].Type != cfclient.BindingTypeSecretsStore {
		// Removed outside Terraform, e.g. by a `wrangler deploy` whose config lacks it: plan to add it back.
		resp.State.RemoveResource(ctx)
		return
	}
	state.StoreID = types.StringValue(bindings[i].StoreID)
	state.SecretName = types.StringValue(bindings[i].SecretName)
	state.ID = state.importID()
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *workerBindingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan workerBindingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

func (r *workerBindingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state workerBindingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	err := r.data.client.EditScriptBindings(ctx, state.AccountID.ValueString(), state.ScriptName.ValueString(),
		func(bindings []cfclient.Binding) ([]cfclient.Binding, error) {
			return slices.DeleteFunc(bindings, func(b cfclient.Binding) bool {
				return b.Name == name && b.Type == cfclient.BindingTypeSecretsStore
			}), nil
		})
	if err != nil && !cfclient.IsNotFound(err) {
		r.explainWriteError(ctx, state, err, &resp.Diagnostics)
	}
}

// ImportState accepts <account_id>/<script_name>/<binding_name>, or an identity.
func (r *workerBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	identity, ok := importedIdentity(ctx, req, r.data, &resp.Diagnostics, parseWorkerBindingImportID)
	if !ok {
		return
	}
	model := workerBindingModel{AccountID: identity.AccountID, ScriptName: identity.ScriptName, Name: identity.Name}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), model.AccountID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("script_name"), model.ScriptName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), model.Name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), model.importID())...)
	setIdentity(ctx, resp.Identity, identity, &resp.Diagnostics)
}

// errBindingTypeConflict stops an edit that would overwrite someone else's binding.
var errBindingTypeConflict = errors.New("binding name taken by another type")

// write merges this binding into the script's bindings, leaving every other binding as it was.
func (r *workerBindingResource) write(ctx context.Context, plan workerBindingModel, diags *diag.Diagnostics) {
	want := cfclient.NewSecretsStoreBinding(plan.Name.ValueString(), plan.StoreID.ValueString(), plan.SecretName.ValueString())
	var conflicting cfclient.Binding
	err := r.data.client.EditScriptBindings(ctx, plan.AccountID.ValueString(), plan.ScriptName.ValueString(),
		func(bindings []cfclient.Binding) ([]cfclient.Binding, error) {
			i := slices.IndexFunc(bindings, func(b cfclient.Binding) bool { return b.Name == want.Name })
			switch {
			case i < 0:
				return append(bindings, want), nil
			case bindings[i].Type != cfclient.BindingTypeSecretsStore:
				conflicting = bindings[i]
				return nil, errBindingTypeConflict
			}
			bindings[i] = want
			return bindings, nil
		})
	if errors.Is(err, errBindingTypeConflict) {
		fix := "Rename or remove that binding (usually in wrangler.toml), or choose another name here."
		if conflicting.Type == "secret_text" {
			fix = fmt.Sprintf("It is a legacy Workers secret: migrate it to Secrets Store and remove it with "+
				"`wrangler secret delete %s`, or choose another name here.", want.Name)
		}
		diags.AddAttributeError(path.Root("name"), "The Worker already has a binding with this name",
			fmt.Sprintf("Worker %q already has a %s binding named %s, which this provider will not overwrite. %s",
				plan.ScriptName.ValueString(), conflicting.Type, want.Name, fix))
		return
	}
	if err != nil {
		r.explainWriteError(ctx, plan, err, diags)
	}
}

// explainWriteError turns Cloudflare's refusals into what to do: deploy the Worker first, or fix
// the cause of 10021 that the provider can identify.
func (r *workerBindingResource) explainWriteError(ctx context.Context, plan workerBindingModel, err error, diags *diag.Diagnostics) {
	script := plan.ScriptName.ValueString()
	switch {
	case cfclient.HasCode(err, cfclient.CodeScriptNotFound, ""):
		diags.AddAttributeError(path.Root("script_name"), "The Worker does not exist",
			fmt.Sprintf("Account %s has no Worker named %q. A binding attaches to a deployed Worker: deploy it first "+
				"(for example with `wrangler deploy`), then apply again.", plan.AccountID.ValueString(), script))
	case cfclient.HasCode(err, cfclient.CodeBindingAuthFailed, cfclient.MessageBindingAuthFailed):
		diags.AddError("Cloudflare refused the Secrets Store binding (error 10021)",
			fmt.Sprintf("Binding %s on Worker %q: %s\n\n%s", plan.Name.ValueString(), script, r.cause10021(ctx, plan), leastPrivilegeFix))
	default:
		addAPIError(diags, "change the bindings of Worker "+script, err)
	}
}

const leastPrivilegeFix = "The least-privilege token for deploying Workers that read Secrets Store holds exactly Workers Scripts Edit " +
	"and Account Secrets Store Read on this account; the cfsecrets_deploy_token resource creates one."

// cause10021 tells which of 10021's causes applies, when the provider can find out.
func (r *workerBindingResource) cause10021(ctx context.Context, plan workerBindingModel) string {
	secret, found, err := r.data.client.SecretByName(ctx, plan.AccountID.ValueString(), plan.StoreID.ValueString(), plan.SecretName.ValueString())
	switch {
	case err != nil && isForbidden(err):
		return "The provider's API token cannot read Secrets Store: it lacks Account Secrets Store Read, which binding a secret requires."
	case err != nil:
		return "Cloudflare says the token lacks a permission or the secret is missing or lacks the workers scope; the provider could not check which: " + err.Error()
	case !found:
		return fmt.Sprintf("Store %s has no secret named %q. Create it (cfsecrets_secret) or fix secret_name.", plan.StoreID.ValueString(), plan.SecretName.ValueString())
	case !slices.Contains(secret.Scopes, "workers"):
		return fmt.Sprintf("Secret %q has scopes %v but not \"workers\". Add \"workers\" to its scopes.", secret.Name, secret.Scopes)
	}
	return "The secret exists and has the workers scope, so the API token is missing a permission: binding needs Workers Scripts Edit " +
		"and Account Secrets Store Read on this account."
}

func (m workerBindingModel) importID() types.String {
	return types.StringValue(m.AccountID.ValueString() + "/" + m.ScriptName.ValueString() + "/" + m.Name.ValueString())
}

func isForbidden(err error) bool {
	apiErr, ok := cfclient.AsAPIError(err)
	return ok && (apiErr.Status == http.StatusForbidden || apiErr.Status == http.StatusUnauthorized)
}

func allKnown(values ...types.String) bool {
	for _, v := range values {
		if v.IsNull() || v.IsUnknown() {
			return false
		}
	}
	return true
}
