package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*secretUsageDataSource)(nil)

type secretUsageDataSource struct {
	data *providerData
}

type secretUsageModel struct {
	AccountID  types.String  `tfsdk:"account_id"`
	StoreID    types.String  `tfsdk:"store_id"`
	SecretName types.String  `tfsdk:"secret_name"`
	Usages     []secretUsage `tfsdk:"usages"`
}

type secretUsage struct {
	ScriptName  types.String `tfsdk:"script_name"`
	BindingName types.String `tfsdk:"binding_name"`
	SecretName  types.String `tfsdk:"secret_name"`
}

func newSecretUsageDataSource() datasource.DataSource { return &secretUsageDataSource{} }

func (d *secretUsageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secret_usage"
}

func (d *secretUsageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Which Worker scripts bind which secrets of a store, under which binding names: the audit a " +
			"rotation needs (\"who must redeploy?\"). Lists the account's scripts once and reads each script's bindings.",
		Attributes: map[string]schema.Attribute{
			"account_id": dataSourceAccountIDAttribute(),
			"store_id": schema.StringAttribute{
				MarkdownDescription: "Id of the store whose secrets to trace.",
				Required:            true,
				Validators:          []validator.String{storeIDValidator()},
			},
			"secret_name": schema.StringAttribute{
				MarkdownDescription: "Only bindings of this secret.",
				Optional:            true,
				Validators:          secretNameValidators(),
			},
			"usages": schema.ListNestedAttribute{
				MarkdownDescription: "One entry per binding, ordered by script then binding name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"script_name":  schema.StringAttribute{MarkdownDescription: "The Worker script.", Computed: true},
					"binding_name": schema.StringAttribute{MarkdownDescription: "The binding, read as `env.<binding_name>`.", Computed: true},
					"secret_name":  schema.StringAttribute{MarkdownDescription: "The bound secret.", Computed: true},
				}},
			},
		},
	}
}

func (d *secretUsageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *secretUsageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config secretUsageModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	accountID := dataSourceAccountID(config.AccountID, d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	storeID := config.StoreID.ValueString()
	// No binding refers to a store that does not exist: say so rather than answer "unused".
	// Without Secrets Store Read the check is left out, since listing usages needs Workers only.
	if _, err := d.data.client.GetStore(ctx, accountID, storeID); isStoreNotFound(err) {
		addStoreNotFound(&resp.Diagnostics, path.Root("store_id"), accountID, storeID)
		return
	}
	bindings, err := d.data.client.StoreBindings(ctx, accountID, storeID)
	if err != nil {
		addAPIError(&resp.Diagnostics, apiCall{action: "read the bindings of the account's Workers", accountID: accountID,
			permission: workersScriptsRead}, err)
		return
	}
	config.Usages = []secretUsage{}
	for _, b := range bindings {
		if !config.SecretName.IsNull() && b.SecretName != config.SecretName.ValueString() {
			continue
		}
		config.Usages = append(config.Usages, secretUsage{
			ScriptName:  types.StringValue(b.ScriptName),
			BindingName: types.StringValue(b.BindingName),
			SecretName:  types.StringValue(b.SecretName),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}
