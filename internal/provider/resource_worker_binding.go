package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

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
				Validators:          workerNameValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
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

// ModifyPlan fills in the account and checks at plan time what the apply would run into: two
// resources for one binding, a store that does not exist, a Worker not deployed yet (a warning), a binding of that name that
// someone else made, and, when the plan writes or removes the binding, whatever would make
// Cloudflare answer 10021 (warnings: the secret may be created, or the Worker fixed, by this same
// apply).
func (r *workerBindingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planAccountID(ctx, r.data, req, resp)
	if r.data == nil || resp.Diagnostics.HasError() {
		return
	}
	if req.Plan.Raw.IsNull() {
		var state workerBindingModel
		if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); !resp.Diagnostics.HasError() {
			r.warnIfWriteWouldBeRefused(ctx, state, true, &resp.Diagnostics)
		}
		return
	}
	var plan workerBindingModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !allKnown(plan.AccountID, plan.ScriptName, plan.Name) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.importID())...)
	object := plan.remoteObject()
	creating := req.State.Raw.IsNull()
	// A replacement that moves the binding to another Worker or name deletes this one before it
	// creates that one: check the new name now, since only this plan's diagnostics are shown.
	movesTo := false
	if !creating {
		var state workerBindingModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		rememberOwnKey(ctx, req, resp, state.remoteObject().key)
		movesTo = state.remoteObject().key != object.key
	}
	if creating {
		if claimPlannedCreate(r.data, object, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
	}
	if resp.Diagnostics.HasError() || !allKnown(plan.StoreID, plan.SecretName) {
		return
	}
	r.checkSecret(ctx, plan, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() && (movesTo || creating && !replacesOwnObject(ctx, req.Private, object.key)) {
		r.checkNameIsFree(ctx, plan, &resp.Diagnostics)
	}
	if !resp.Diagnostics.HasError() && (creating || movesTo || !resp.Plan.Raw.Equal(req.State.Raw)) {
		r.warnIfWriteWouldBeRefused(ctx, plan, false, &resp.Diagnostics)
	}
}

// checkSecret refuses a store that does not exist and warns about a secret without the `workers`
// scope.
func (r *workerBindingResource) checkSecret(ctx context.Context, plan workerBindingModel, diags *diag.Diagnostics) {
	secret, found, err := r.data.client.SecretByName(ctx, plan.AccountID.ValueString(), plan.StoreID.ValueString(), plan.SecretName.ValueString())
	switch {
	case isStoreNotFound(err):
		addStoreNotFound(diags, path.Root("store_id"), plan.AccountID.ValueString(), plan.StoreID.ValueString())
	case err != nil:
		tflog.Debug(ctx, "could not check the bound secret at plan time", map[string]any{"error": err.Error()})
	case found && !slices.Contains(secret.Scopes, "workers"):
		diags.AddAttributeWarning(path.Root("secret_name"), "The secret cannot be bound to a Worker",
			fmt.Sprintf("Secret %q has scopes %v but not \"workers\", so Cloudflare will refuse this binding (error 10021). "+
				"Add \"workers\" to the secret's scopes.", secret.Name, secret.Scopes))
	}
}

// warnIfWriteWouldBeRefused makes, before the binding is written (or removed), the checks
// Cloudflare makes on every Secrets Store binding of the Worker (binding_10021.go), and warns about
// each that fails beyond what checkSecret reports: this binding's secret does not exist yet or is
// not active, or another binding of the Worker is broken. A write that changes nothing is not made,
// so not checked.
func (r *workerBindingResource) warnIfWriteWouldBeRefused(ctx context.Context, plan workerBindingModel, removing bool, diags *diag.Diagnostics) {
	account, script, name := plan.AccountID.ValueString(), plan.ScriptName.ValueString(), plan.Name.ValueString()
	current, err := r.data.client.ScriptBindings(ctx, account, script)
	if err != nil {
		return // a Worker not deployed yet is checkNameIsFree's warning; other failures are the apply's to report
	}
	unchanged := slices.ContainsFunc(current, func(b cfclient.Binding) bool { return b.Name == name && plan.boundTo(b) })
	edit := withBinding(plan.binding())
	if removing {
		unchanged = !slices.ContainsFunc(current, func(b cfclient.Binding) bool { return b.Name == name })
		edit = withoutBinding(name)
	}
	if unchanged {
		return
	}
	findings, forbidden := r.checkBindings(ctx, plan, edit(slices.Clone(current)))
	if forbidden {
		return
	}
	for _, f := range findings {
		switch {
		case f.failure == passes, f.ours && (f.failure == storeMissing || f.failure == noWorkersScope):
		case f.ours && f.failure == secretMissing:
			diags.AddAttributeWarning(path.Root("secret_name"), "Cloudflare will refuse this binding",
				f.ownProblem(account)+" Unless this apply creates it first, Cloudflare will refuse the binding (error 10021).")
		case f.ours:
			diags.AddAttributeWarning(path.Root("secret_name"), "Cloudflare will refuse this binding",
				f.ownProblem(account)+" Cloudflare will refuse the binding (error 10021).")
		default:
			diags.AddAttributeWarning(path.Root("script_name"), "Another binding of the Worker will make this apply fail",
				fmt.Sprintf("Binding %s of Worker %q (not managed by this resource) %s Cloudflare will refuse this plan's change to "+
					"binding %s (error 10021) unless this apply fixes that one first. %s", f.binding.Name, script, f.otherProblem(account),
					name, otherBindingFix))
		}
	}
}

// checkNameIsFree looks, before a create, at the Worker's binding of that name: a Worker that does
// not exist is a warning; a name taken by another type of binding is an error; a Secrets Store binding bound
// elsewhere is a warning, since the object found could be this resource's own after `terraform
// taint` (its create is then planned like any other). The apply refuses it in any other case.
func (r *workerBindingResource) checkNameIsFree(ctx context.Context, plan workerBindingModel, diags *diag.Diagnostics) {
	bindings, err := r.data.client.ScriptBindings(ctx, plan.AccountID.ValueString(), plan.ScriptName.ValueString())
	if cfclient.HasCode(err, cfclient.CodeScriptNotFound, "") {
		// A warning, not an error: the Worker may be deployed between this plan and its apply.
		diags.AddAttributeWarning(path.Root("script_name"), "The Worker does not exist yet",
			fmt.Sprintf("Account %s has no Worker named %q. A binding attaches to a deployed Worker: unless it is deployed "+
				"(for example with `wrangler deploy`) before the apply, the apply will fail.", plan.AccountID.ValueString(), plan.ScriptName.ValueString()))
		return
	}
	if err != nil {
		tflog.Debug(ctx, "could not read the Worker's bindings at plan time", map[string]any{"error": err.Error()})
		return
	}
	i := slices.IndexFunc(bindings, func(b cfclient.Binding) bool { return b.Name == plan.Name.ValueString() })
	switch {
	case i < 0:
	case bindings[i].Type != cfclient.BindingTypeSecretsStore:
		addBindingTypeConflict(diags, plan, bindings[i])
	case !plan.boundTo(bindings[i]):
		diags.AddAttributeWarning(path.Root("name"), "The Worker already has this binding",
			bindingTakenDetail(plan, bindings[i])+" Unless this plan replaces this resource's own binding (after terraform taint), "+
				"the apply will refuse to create it.")
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
	// Nothing reaches state unless the binding was written: a refused create must leave no
	// binding behind that a later destroy would remove.
	if r.write(ctx, plan, true, &resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
	}
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
		addAPIError(&resp.Diagnostics, apiCall{action: "read the bindings of Worker " + state.ScriptName.ValueString(),
			accountID: state.AccountID.ValueString(), permission: workersScriptsRead}, err)
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
	if r.write(ctx, plan, false, &resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
	}
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
		r.explainWriteError(ctx, state, err, withoutBinding(name), &resp.Diagnostics)
	}
}

// ImportState accepts <account_id>/<script_name>/<binding_name>, or an identity, of a Secrets
// Store binding that exists. The Worker's bindings are the shared read the Read after it uses.
func (r *workerBindingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	identity, ok := importedIdentity(ctx, req, r.data, &resp.Diagnostics, parseWorkerBindingImportID)
	if !ok || !r.checkImportable(ctx, identity, &resp.Diagnostics) {
		return
	}
	model := workerBindingModel{AccountID: identity.AccountID, ScriptName: identity.ScriptName, Name: identity.Name}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), model.AccountID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("script_name"), model.ScriptName)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), model.Name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), model.importID())...)
	setIdentity(ctx, resp.Identity, identity, &resp.Diagnostics)
}

// checkImportable reports whether the binding an import names exists and is a Secrets Store
// binding, and when not, what the Worker has instead.
func (r *workerBindingResource) checkImportable(ctx context.Context, identity workerBindingIdentity, diags *diag.Diagnostics) bool {
	accountID, script, name := identity.AccountID.ValueString(), identity.ScriptName.ValueString(), identity.Name.ValueString()
	bindings, err := r.data.client.ScriptBindings(ctx, accountID, script)
	i := slices.IndexFunc(bindings, func(b cfclient.Binding) bool { return b.Name == name })
	switch {
	case cfclient.HasCode(err, cfclient.CodeScriptNotFound, ""):
		addCannotImport(diags, "Worker binding", fmt.Sprintf("Account %s has no Worker named %q. Check the script name: the "+
			"`name` in the Worker's wrangler.toml, as listed under Workers & Pages in the dashboard.", accountID, script))
	case err != nil:
		addAPIError(diags, apiCall{action: "read the bindings of Worker " + script, accountID: accountID, permission: workersScriptsRead}, err)
	case i < 0:
		var names []string
		for _, b := range bindings {
			if b.Type == cfclient.BindingTypeSecretsStore {
				names = append(names, b.Name)
			}
		}
		slices.Sort(names)
		has := "It has no Secrets Store bindings."
		if len(names) > 0 {
			has = "Its Secrets Store bindings are " + strings.Join(names, ", ") + "."
		}
		addCannotImport(diags, "Worker binding", fmt.Sprintf("Worker %q has no binding named %q. %s", script, name, has))
	case bindings[i].Type != cfclient.BindingTypeSecretsStore:
		addCannotImport(diags, "Worker binding", fmt.Sprintf("Binding %q of Worker %q is a %s binding. cfsecrets_worker_binding "+
			"manages Secrets Store bindings (type %s) only: leave this one to the Worker's deploy (wrangler.toml).",
			name, script, bindings[i].Type, cfclient.BindingTypeSecretsStore))
	}
	return !diags.HasError()
}

// Refusals of a binding edit: the name holds another type of binding, or a Secrets Store
// binding someone else made, or another resource of this configuration created it.
var (
	errBindingTypeConflict = errors.New("binding name taken by another type")
	errBindingTaken        = errors.New("binding name taken by a binding this provider did not create")
	errBindingClaimed      = errors.New("binding created by another resource of this configuration")
)

// write merges this binding into the script's bindings, leaving every other binding as it was.
// A create takes a name only when it is free or already bound to the same secret: it never
// repoints a binding someone else made, and never one another resource of this run created.
func (r *workerBindingResource) write(ctx context.Context, plan workerBindingModel, creating bool, diags *diag.Diagnostics) {
	want := plan.binding()
	object := plan.remoteObject()
	writer := new(struct{}) // this write's identity for the claims
	var found cfclient.Binding
	err := r.data.client.EditScriptBindings(ctx, plan.AccountID.ValueString(), plan.ScriptName.ValueString(),
		func(bindings []cfclient.Binding) ([]cfclient.Binding, error) {
			i := slices.IndexFunc(bindings, func(b cfclient.Binding) bool { return b.Name == want.Name })
			if i >= 0 {
				found = bindings[i]
			}
			switch {
			case i >= 0 && found.Type != cfclient.BindingTypeSecretsStore:
				return nil, errBindingTypeConflict
			case creating && !r.data.claims.write(object.key, writer):
				return nil, errBindingClaimed
			case creating && i >= 0 && !plan.boundTo(found):
				return nil, errBindingTaken
			case i < 0:
				return append(bindings, want), nil
			case plan.boundTo(found):
				return bindings, nil // already what the plan asks for: nothing to write
			}
			bindings[i] = want
			return bindings, nil
		})
	if err != nil && creating {
		r.data.claims.release(object.key, writer)
	}
	switch {
	case errors.Is(err, errBindingTypeConflict):
		addBindingTypeConflict(diags, plan, found)
	case errors.Is(err, errBindingTaken):
		diags.AddAttributeError(path.Root("name"), "The Worker already has this binding",
			bindingTakenDetail(plan, found)+" This provider did not create it and will not repoint it.")
	case errors.Is(err, errBindingClaimed):
		addTwoResourcesError(diags, object, "; another cfsecrets_worker_binding of this configuration created it during this apply")
	case err != nil:
		r.explainWriteError(ctx, plan, err, withBinding(want), diags)
	}
}

// bindingTakenDetail describes a Secrets Store binding of the name that points elsewhere, and how
// to adopt it.
func bindingTakenDetail(plan workerBindingModel, found cfclient.Binding) string {
	return fmt.Sprintf("Worker %q already has a Secrets Store binding named %s, bound to secret %q of store %s. To manage it with "+
		"Terraform, import it (then this resource's store_id and secret_name decide what it is bound to):\n\n"+
		"import {\n  to = cfsecrets_worker_binding.<name>\n  id = %q\n}\n\nor choose another binding name here.",
		plan.ScriptName.ValueString(), found.Name, found.SecretName, found.StoreID, plan.importID().ValueString())
}

func addBindingTypeConflict(diags *diag.Diagnostics, plan workerBindingModel, conflicting cfclient.Binding) {
	name := plan.Name.ValueString()
	fix := "Rename or remove that binding (usually in wrangler.toml), or choose another name here."
	if conflicting.Type == "secret_text" {
		fix = fmt.Sprintf("It is a legacy Workers secret: migrate it to Secrets Store and remove it with "+
			"`wrangler secret delete %s`, or choose another name here.", name)
	}
	diags.AddAttributeError(path.Root("name"), "The Worker already has a binding with this name",
		fmt.Sprintf("Worker %q already has a %s binding named %s, which this provider will not overwrite. %s",
			plan.ScriptName.ValueString(), conflicting.Type, name, fix))
}

func addWorkerNotFound(diags *diag.Diagnostics, plan workerBindingModel) {
	diags.AddAttributeError(path.Root("script_name"), "The Worker does not exist",
		fmt.Sprintf("Account %s has no Worker named %q. A binding attaches to a deployed Worker: deploy it first "+
			"(for example with `wrangler deploy`), then apply again.", plan.AccountID.ValueString(), plan.ScriptName.ValueString()))
}

// explainWriteError turns Cloudflare's refusals into what to do: deploy the Worker first, give
// the token what it lacks, or fix the cause of 10021 that the provider finds. edit is the change
// that was refused, to work out the list of bindings Cloudflare checked.
func (r *workerBindingResource) explainWriteError(ctx context.Context, plan workerBindingModel, err error, edit bindingEdit, diags *diag.Diagnostics) {
	script := plan.ScriptName.ValueString()
	switch {
	case cfclient.HasCode(err, cfclient.CodeScriptNotFound, ""):
		addWorkerNotFound(diags, plan)
	case isForbidden(err):
		diags.AddError("The provider's token may not change this Worker's bindings", r.forbiddenDetail(ctx, plan, err))
	case cfclient.HasCode(err, cfclient.CodeBindingAuthFailed, cfclient.MessageBindingAuthFailed):
		diags.AddError("Cloudflare refused the Secrets Store binding (error 10021)",
			fmt.Sprintf("Binding %s on Worker %q: %s", plan.Name.ValueString(), script, r.cause10021(ctx, plan, edit)))
	default:
		addAPIError(diags, apiCall{action: "change the bindings of Worker " + script, accountID: plan.AccountID.ValueString(),
			permission: workersScriptsEdit}, err)
	}
}

// forbiddenDetail tells which Workers permission the token lacks, by whether it can read the
// Worker's bindings.
func (r *workerBindingResource) forbiddenDetail(ctx context.Context, plan workerBindingModel, err error) string {
	account, script := plan.AccountID.ValueString(), plan.ScriptName.ValueString()
	needs := fmt.Sprintf("Binding a secret needs %s and %s on account %s; the cfsecrets_deploy_token resource creates a token "+
		"with exactly these.", workersScriptsEdit, secretsStoreRead.dashboard, account)
	if _, readErr := r.data.client.ScriptBindings(ctx, account, script); readErr == nil {
		return fmt.Sprintf("The provider's API token can read Worker %q but may not change it (%s). %s", script, err.Error(), needs)
	}
	return fmt.Sprintf("The provider's API token may not read or change Worker %q (%s). %s", script, err.Error(), needs)
}

func (m workerBindingModel) importID() types.String {
	return types.StringValue(m.AccountID.ValueString() + "/" + m.ScriptName.ValueString() + "/" + m.Name.ValueString())
}

// remoteObject is the binding as the ownership checks name it.
func (m workerBindingModel) remoteObject() remoteObject {
	return remoteObject{kind: "Worker binding", key: m.importID().ValueString(), resource: "cfsecrets_worker_binding",
		description: fmt.Sprintf("binding %s of Worker %q on account %s", m.Name.ValueString(), m.ScriptName.ValueString(), m.AccountID.ValueString())}
}

// binding is the Secrets Store binding the model asks for.
func (m workerBindingModel) binding() cfclient.Binding {
	return cfclient.NewSecretsStoreBinding(m.Name.ValueString(), m.StoreID.ValueString(), m.SecretName.ValueString())
}

// boundTo reports whether a Secrets Store binding already reads the secret this one asks for.
func (m workerBindingModel) boundTo(b cfclient.Binding) bool {
	return b.StoreID == m.StoreID.ValueString() && b.SecretName == m.SecretName.ValueString()
}

// isForbidden reports whether Cloudflare refused a call for a permission the token lacks.
func isForbidden(err error) bool {
	apiErr, ok := cfclient.AsAPIError(err)
	return ok && apiErr.Status == http.StatusForbidden
}

func allKnown(values ...types.String) bool {
	for _, v := range values {
		if v.IsNull() || v.IsUnknown() {
			return false
		}
	}
	return true
}
