package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

const defaultStoreName = "default_secrets_store"

var (
	_ resource.ResourceWithConfigure   = (*storeResource)(nil)
	_ resource.ResourceWithImportState = (*storeResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*storeResource)(nil)
)

type storeResource struct {
	data *providerData
}

type storeModel struct {
	ID           types.String   `tfsdk:"id"`
	AccountID    types.String   `tfsdk:"account_id"`
	Name         types.String   `tfsdk:"name"`
	ForceDestroy types.Bool     `tfsdk:"force_destroy"`
	Created      types.String   `tfsdk:"created"`
	Modified     types.String   `tfsdk:"modified"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

func newStoreResource() resource.Resource { return &storeResource{} }

func (r *storeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store"
}

func (r *storeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Cloudflare Secrets Store: the account-level container for secrets that Workers read through bindings. " +
			"While Secrets Store is in beta an account holds **one** store; if yours already has one, import it " +
			"(or read it with the `cfsecrets_store` data source) instead of creating another.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The store id (32 lowercase hex characters), used as `store_id` by secrets and bindings.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"account_id": accountIDAttribute(),
			"timeouts":   timeoutsAttribute(ctx),
			"name": schema.StringAttribute{
				MarkdownDescription: "The store's name. Defaults to `" + defaultStoreName + "`, the name the dashboard and Wrangler use. " +
					"Cloudflare cannot rename a store, so changing it replaces the store.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(defaultStoreName),
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"force_destroy": schema.BoolAttribute{
				MarkdownDescription: "When `true`, destroying the store also deletes every secret in it, including secrets " +
					"Terraform does not manage. When `false` (the default), destroying a store that still holds secrets fails.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "When the store was created (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"modified": schema.StringAttribute{
				MarkdownDescription: "When the store was last modified (RFC 3339).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *storeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses two resources for one store, warns when a create would meet the store the
// account already has (the apply will refuse it), and warns before a plan deletes a store (with
// force_destroy, so its secrets too) whose secrets Workers still bind.
func (r *storeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planAccountID(ctx, r.data, req, resp)
	if resp.Diagnostics.HasError() || r.data == nil {
		return // every check below needs the client
	}
	var plan, state storeModel
	if !req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	}
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	switch {
	case req.State.Raw.IsNull():
		if !allKnown(plan.AccountID, plan.Name) {
			return
		}
		if claimPlannedCreate(r.data, plan.remoteObject(), &resp.Diagnostics); !resp.Diagnostics.HasError() {
			r.warnIfAccountHasStore(ctx, plan, &resp.Diagnostics)
		}
	case req.Plan.Raw.IsNull() || !plan.Name.Equal(state.Name) || !plan.AccountID.Equal(state.AccountID):
		if state.ForceDestroy.ValueBool() {
			r.warnIfBound(ctx, state, &resp.Diagnostics)
		}
	}
}

// warnIfAccountHasStore warns, before a create, that the account already holds a store: the apply
// will refuse to create another. (A replacement plans its create with the old store still there,
// but no CLI shows the warnings of that second plan.)
func (r *storeResource) warnIfAccountHasStore(ctx context.Context, plan storeModel, diags *diag.Diagnostics) {
	accountID := plan.AccountID.ValueString()
	stores, err := r.data.client.ListStores(ctx, accountID)
	if err != nil {
		tflog.Debug(ctx, "could not list the account's stores at plan time", map[string]any{"error": err.Error()})
		return
	}
	if len(stores) > 0 {
		diags.AddWarning("The account already has a Secrets Store", storeExistsDetail(accountID, stores[0])+
			" The apply will refuse to create another.")
	}
}

// warnIfBound warns about every Worker binding that reads a secret of a store this plan deletes.
func (r *storeResource) warnIfBound(ctx context.Context, state storeModel, diags *diag.Diagnostics) {
	bindings, err := r.data.client.StoreBindings(ctx, state.AccountID.ValueString(), state.ID.ValueString())
	if err != nil {
		tflog.Debug(ctx, "could not look for Workers that bind the store's secrets", map[string]any{"error": err.Error()})
		return
	}
	if len(bindings) == 0 {
		return
	}
	diags.AddWarning("Workers still bind secrets of this store",
		fmt.Sprintf("Store %s still holds secrets that Workers bind: %s. This plan deletes the store and, with force_destroy, every "+
			"secret in it, so these Workers' next deploy will fail with error 10021. Rebind them first, unless this plan also "+
			"changes those bindings.", state.ID.ValueString(), describeBindings(bindings, true)))
}

func (r *storeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan storeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	accountID := plan.AccountID.ValueString()
	store, err := r.data.client.CreateStore(ctx, accountID, plan.Name.ValueString())
	if cfclient.HasCode(err, cfclient.CodeLimitReached, "maximum_stores_exceeded") {
		r.explainStoreLimit(ctx, plan, resp)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, secretCall("create the Secrets Store", accountID, secretsStoreEdit), err)
		return
	}
	plan.fill(store)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// explainStoreLimit turns "maximum_stores_exceeded" into the one thing to do: import the
// store the account already has, or, when another resource of this run made it, keep one.
func (r *storeResource) explainStoreLimit(ctx context.Context, plan storeModel, resp *resource.CreateResponse) {
	accountID := plan.AccountID.ValueString()
	stores, err := r.data.client.ListStores(ctx, accountID)
	if err != nil || len(stores) == 0 {
		resp.Diagnostics.AddError("The account already has a Secrets Store", storeLimit)
		return
	}
	existing := stores[0]
	if r.data.client.Created(existing.ID) {
		addTwoResourcesError(&resp.Diagnostics, plan.remoteObject(), fmt.Sprintf("; another cfsecrets_store of this configuration "+
			"created store %q (%s) during this apply, and an account holds one store", existing.Name, existing.ID))
		return
	}
	resp.Diagnostics.AddError("The account already has a Secrets Store", storeExistsDetail(accountID, existing))
}

const storeLimit = "Cloudflare allows one Secrets Store per account while the product is in beta, and this account already has one."

// storeExistsDetail says that the account already has a store, and how to adopt it.
func storeExistsDetail(accountID string, existing cfclient.Store) string {
	return storeLimit + fmt.Sprintf(" The existing store is %q with id %s. Manage it with this resource by importing it:\n\n"+
		"import {\n  to = cfsecrets_store.<name>\n  id = \"%s/%s\"\n}\n\n"+
		"or only read it with the cfsecrets_store data source.", existing.Name, existing.ID, accountID, existing.ID)
}

func (r *storeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state storeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	// Set before anything else: the framework wants an identity even when Read finds the object
	// gone and removes it from state (it cannot change during the object's life anyway).
	setIdentity(ctx, resp.Identity, state.identity(), &resp.Diagnostics)
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	store, err := r.data.client.GetStore(ctx, state.AccountID.ValueString(), state.ID.ValueString())
	if cfclient.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, secretCall("read the Secrets Store", state.AccountID.ValueString(), secretsStoreRead), err)
		return
	}
	state.fill(store)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only changes force_destroy, which lives in state alone; everything else replaces.
func (r *storeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan storeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

func (r *storeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state storeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.data.client.DeleteStore(ctx, state.AccountID.ValueString(), state.ID.ValueString(), state.ForceDestroy.ValueBool())
	if apiErr, ok := cfclient.AsAPIError(err); ok && apiErr.Status == http.StatusConflict {
		resp.Diagnostics.AddError("The Secrets Store still holds secrets",
			fmt.Sprintf("Cloudflare will not delete store %s while it holds secrets. Destroy or remove the secrets first, or set "+
				"force_destroy = true on this store (and apply that) to delete them together with the store.", state.ID.ValueString()))
		return
	}
	if err != nil && !cfclient.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, secretCall("delete the Secrets Store", state.AccountID.ValueString(), secretsStoreEdit), err)
	}
}

// ImportState accepts <account_id>/<store_id>, or an identity, of a store that exists.
func (r *storeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	identity, ok := importedIdentity(ctx, req, r.data, &resp.Diagnostics, parseAccountObjectID("store_id"))
	if !ok {
		return
	}
	accountID, storeID := identity.AccountID.ValueString(), identity.ID.ValueString()
	_, err := r.data.client.GetStore(ctx, accountID, storeID)
	switch {
	case cfclient.IsNotFound(err):
		addCannotImport(&resp.Diagnostics, "Secrets Store", storeNotFound(accountID, storeID))
	case err != nil:
		addAPIError(&resp.Diagnostics, secretCall("import the Secrets Store", accountID, secretsStoreRead), err)
	}
	if err != nil {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), identity.AccountID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), identity.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
	setIdentity(ctx, resp.Identity, identity, &resp.Diagnostics)
}

// remoteObject is the store as the ownership checks name it.
func (m storeModel) remoteObject() remoteObject {
	return remoteObject{kind: "Secrets Store", resource: "cfsecrets_store", key: m.AccountID.ValueString() + "/" + m.Name.ValueString(),
		description: fmt.Sprintf("store %q of account %s", m.Name.ValueString(), m.AccountID.ValueString())}
}

func (m *storeModel) fill(store cfclient.Store) {
	m.ID = types.StringValue(store.ID)
	m.Name = types.StringValue(store.Name)
	m.Created = types.StringValue(store.Created)
	m.Modified = types.StringValue(store.Modified)
}
