package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

var _ list.ListResourceWithConfigure = (*secretListResource)(nil)

// secretListResource lists a store's secrets for `terraform query`, including those made outside
// Terraform, so they can be adopted with generated import blocks and configuration.
type secretListResource struct {
	data *providerData
}

type secretListConfig struct {
	AccountID types.String `tfsdk:"account_id"`
	StoreID   types.String `tfsdk:"store_id"`
	Search    types.String `tfsdk:"search"`
	Scopes    types.List   `tfsdk:"scopes"`
}

func newSecretListResource() list.ListResource { return &secretListResource{} }

func (r *secretListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret"
}

func (r *secretListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the secrets of a store, including those made with Wrangler or the dashboard, for `terraform query` " +
			"(Terraform 1.14 or later). One listing per store, however many secrets it holds. With `-generate-config-out` the " +
			"results become import blocks and `cfsecrets_secret` blocks without `value_wo`: Terraform then manages scopes and " +
			"comment, and the value stays with whoever sets it today.",
		Attributes: map[string]schema.Attribute{
			"account_id": listAccountIDAttribute(),
			"store_id": schema.StringAttribute{
				MarkdownDescription: "Id of the store to list.",
				Required:            true,
				Validators:          []validator.String{storeIDValidator()},
			},
			"search": schema.StringAttribute{
				MarkdownDescription: "Only secrets whose name or comment contains this text (Cloudflare's `search`).",
				Optional:            true,
			},
			"scopes": schema.ListAttribute{
				MarkdownDescription: "Only secrets that hold all of these scopes (Cloudflare's `scopes` filter).",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.List{listvalidator.ValueStringsAre(scopeValidator())},
			},
		},
	}
}

func (r *secretListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// List reads the store's shared listing, or with a filter, Cloudflare's filtered listing: pages
// either way, never a request per secret.
func (r *secretListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config secretListConfig
	diags := req.Config.Get(ctx, &config)
	accountID := dataSourceAccountID(config.AccountID, r.data, &diags)
	filter := cfclient.SecretFilter{Search: config.Search.ValueString()}
	diags.Append(config.Scopes.ElementsAs(ctx, &filter.Scopes, false)...)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	storeID := config.StoreID.ValueString()
	var secrets []cfclient.Secret
	var err error
	if filter.Search == "" && len(filter.Scopes) == 0 {
		secrets, err = r.data.client.StoreSecrets(ctx, accountID, storeID)
	} else {
		secrets, err = r.data.client.ListSecrets(ctx, accountID, storeID, filter)
	}
	if isStoreNotFound(err) {
		addStoreNotFound(&diags, path.Root("store_id"), accountID, storeID)
	} else if err != nil {
		addAPIError(&diags, secretCall("list the secrets of store "+storeID, accountID, secretsStoreRead), err)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = listResults(ctx, req, secrets, func(secret cfclient.Secret, result *list.ListResult) {
		model := adoptedSecret(ctx, accountID, secret, &result.Diagnostics)
		result.DisplayName = secret.Name
		setIdentity(ctx, result.Identity, model.identity(), &result.Diagnostics)
		if req.IncludeResource {
			result.Diagnostics.Append(result.Resource.Set(ctx, model)...)
		}
	})
}
