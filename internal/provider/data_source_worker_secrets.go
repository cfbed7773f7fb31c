package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*workerSecretsDataSource)(nil)

type workerSecretsDataSource struct {
	data *providerData
}

type workerSecretsModel struct {
	AccountID  types.String `tfsdk:"account_id"`
	ScriptName types.String `tfsdk:"script_name"`
	Names      []string     `tfsdk:"names"`
}

func newWorkerSecretsDataSource() datasource.DataSource { return &workerSecretsDataSource{} }

func (d *workerSecretsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_worker_secrets"
}

func (d *workerSecretsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The names (never the values) of a Worker's legacy Workers secrets (`secret_text` bindings, " +
			"set with `wrangler secret put`), to plan their migration to Secrets Store.",
		Attributes: map[string]schema.Attribute{
			"account_id": dataSourceAccountIDAttribute(),
			"script_name": schema.StringAttribute{
				MarkdownDescription: "Name of the Worker script.",
				Required:            true,
				Validators:          workerNameValidators(),
			},
			"names": schema.ListAttribute{
				MarkdownDescription: "The secret names, sorted.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *workerSecretsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *workerSecretsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config workerSecretsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	accountID := dataSourceAccountID(config.AccountID, d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	names, err := d.data.client.ScriptSecretNames(ctx, accountID, config.ScriptName.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, apiCall{action: "list the Workers secrets of " + config.ScriptName.ValueString(), accountID: accountID,
			permission: workersScriptsRead}, err)
		return
	}
	config.Names = sortedCopy(names)
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}
