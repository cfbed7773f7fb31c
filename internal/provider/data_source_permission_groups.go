package provider

import (
	"context"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*permissionGroupsDataSource)(nil)

type permissionGroupsDataSource struct {
	data *providerData
}

type permissionGroupsModel struct {
	AccountID types.String      `tfsdk:"account_id"`
	Name      types.String      `tfsdk:"name"`
	Scope     types.String      `tfsdk:"scope"`
	Groups    []permissionGroup `tfsdk:"permission_groups"`
}

type permissionGroup struct {
	ID     types.String `tfsdk:"id"`
	Name   types.String `tfsdk:"name"`
	Scopes types.Set    `tfsdk:"scopes"`
}

func newPermissionGroupsDataSource() datasource.DataSource { return &permissionGroupsDataSource{} }

func (d *permissionGroupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permission_groups"
}

func (d *permissionGroupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The permission groups API tokens on the account can hold, for building tokens other than the " +
			"deploy token, and for finding the exact name to put in `extra_permissions`, which takes groups whose scopes include `" +
			cfclient.AccountScope + "` (filter with `scope`).",
		Attributes: map[string]schema.Attribute{
			"account_id": dataSourceAccountIDAttribute(),
			"name": schema.StringAttribute{
				MarkdownDescription: "Only groups with this name, e.g. `Workers Scripts Write`. Names are not unique: some exist at " +
					"account and at zone scope (e.g. `Logs Write`); each group's `scopes` tell them apart.",
				Optional: true,
			},
			"scope": schema.StringAttribute{
				MarkdownDescription: "Only groups with this scope, e.g. `com.cloudflare.api.account` or `com.cloudflare.api.account.zone`.",
				Optional:            true,
			},
			"permission_groups": schema.ListNestedAttribute{
				MarkdownDescription: "The matching permission groups.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":     schema.StringAttribute{MarkdownDescription: "The group id, used in token policies.", Computed: true},
					"name":   schema.StringAttribute{MarkdownDescription: "The group name.", Computed: true},
					"scopes": schema.SetAttribute{MarkdownDescription: "What the group applies to.", Computed: true, ElementType: types.StringType},
				}},
			},
		},
	}
}

func (d *permissionGroupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *permissionGroupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config permissionGroupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	accountID := dataSourceAccountID(config.AccountID, d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	groups, err := d.data.client.PermissionGroups(ctx, accountID, config.Name.ValueString(), config.Scope.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, apiCall{action: "list permission groups", accountID: accountID, permission: apiTokensRead}, err)
		return
	}
	config.Groups = make([]permissionGroup, 0, len(groups))
	for _, g := range groups {
		config.Groups = append(config.Groups, permissionGroup{
			ID:     types.StringValue(g.ID),
			Name:   types.StringValue(g.Name),
			Scopes: stringSet(g.Scopes),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}
