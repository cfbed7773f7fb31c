package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

var (
	_ datasource.DataSourceWithConfigure        = (*storeDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*storeDataSource)(nil)
)

type storeDataSource struct {
	data *providerData
}

type storeDataModel struct {
	ID        types.String `tfsdk:"id"`
	AccountID types.String `tfsdk:"account_id"`
	Name      types.String `tfsdk:"name"`
	Created   types.String `tfsdk:"created"`
	Modified  types.String `tfsdk:"modified"`
}

func newStoreDataSource() datasource.DataSource { return &storeDataSource{} }

func (d *storeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_store"
}

func (d *storeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up an existing Secrets Store by id or name; with neither, the account's only store. " +
			"Use it when the store was created in the dashboard or by Wrangler and Terraform should only add secrets to it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The store id to look up. Leave out to look up by name or take the account's only store.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{storeIDValidator()},
			},
			"account_id": dataSourceAccountIDAttribute(),
			"name": schema.StringAttribute{
				MarkdownDescription: "The store name to look up. Leave out to look up by id or take the account's only store.",
				Optional:            true,
				Computed:            true,
			},
			"created":  schema.StringAttribute{MarkdownDescription: "When the store was created (RFC 3339).", Computed: true},
			"modified": schema.StringAttribute{MarkdownDescription: "When the store was last modified (RFC 3339).", Computed: true},
		},
	}
}

func (d *storeDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *storeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *storeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config storeDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	accountID := dataSourceAccountID(config.AccountID, d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	stores, err := d.data.client.ListStores(ctx, accountID)
	if err != nil {
		addAPIError(&resp.Diagnostics, secretCall("list the account's Secrets Stores", accountID, secretsStoreRead), err)
		return
	}
	store, problem := pickStore(stores, config.ID.ValueString(), config.Name.ValueString())
	if problem != "" {
		resp.Diagnostics.AddError("Secrets Store not found", problem)
		return
	}
	config.ID = types.StringValue(store.ID)
	config.Name = types.StringValue(store.Name)
	config.Created = types.StringValue(store.Created)
	config.Modified = types.StringValue(store.Modified)
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}

// pickStore chooses the store the lookup asks for, or says why none fits.
func pickStore(stores []cfclient.Store, id, name string) (cfclient.Store, string) {
	var names []string
	for _, s := range stores {
		if (id != "" && s.ID == id) || (id == "" && name != "" && s.Name == name) {
			return s, ""
		}
		names = append(names, fmt.Sprintf("%q (%s)", s.Name, s.ID))
	}
	switch {
	case len(stores) == 0:
		return cfclient.Store{}, "The account has no Secrets Store yet. Create one with the cfsecrets_store resource."
	case id == "" && name == "" && len(stores) == 1:
		return stores[0], ""
	case id == "" && name == "":
		return cfclient.Store{}, "The account has several stores; set id or name. Stores: " + strings.Join(names, ", ")
	}
	return cfclient.Store{}, "No store matches. The account's stores are: " + strings.Join(names, ", ")
}
