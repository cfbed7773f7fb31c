package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

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

func (r *storeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planAccountID(ctx, r.data, req, resp)
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
		r.explainStoreLimit(ctx, accountID, resp)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "create the Secrets Store", err)
		return
	}
	plan.fill(store)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, plan.identity(), &resp.Diagnostics)
}

// explainStoreLimit turns "maximum_stores_exceeded" into the one thing to do: import the
// store the account already has.
func (r *storeResource) explainStoreLimit(ctx context.Context, accountID string, resp *resource.CreateResponse) {
	detail := "Cloudflare allows one Secrets Store per account while the product is in beta, and this account already has one."
	stores, err := r.data.client.ListStores(ctx, accountID)
	if err == nil && len(stores) > 0 {
		existing := stores[0]
		detail += fmt.Sprintf(" The existing store is %q with id %s. Manage it with this resource by importing it:\n\n"+
			"import {\n  to = cfsecrets_store.<name>\n  id = \"%s/%s\"\n}\n\n"+
			"or only read it with the cfsecrets_store data source.", existing.Name, existing.ID, accountID, existing.ID)
	}
	resp.Diagnostics.AddError("The account already has a Secrets Store", detail)
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
		addAPIError(&resp.Diagnostics, "read the Secrets Store", err)
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
		addAPIError(&resp.Diagnostics, "delete the Secrets Store", err)
	}
}

// ImportState accepts <account_id>/<store_id>, or an identity.
func (r *storeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	identity, ok := importedIdentity(ctx, req, r.data, &resp.Diagnostics, parseAccountObjectID("store_id"))
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), identity.AccountID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), identity.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
	setIdentity(ctx, resp.Identity, identity, &resp.Diagnostics)
}

func (m *storeModel) fill(store cfclient.Store) {
	m.ID = types.StringValue(store.ID)
	m.Name = types.StringValue(store.Name)
	m.Created = types.StringValue(store.Created)
	m.Modified = types.StringValue(store.Modified)
}
