package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

var _ datasource.DataSourceWithConfigure = (*secretsDataSource)(nil)

type secretsDataSource struct {
	data *providerData
}

type secretsDataModel struct {
	AccountID types.String     `tfsdk:"account_id"`
	StoreID   types.String     `tfsdk:"store_id"`
	Search    types.String     `tfsdk:"search"`
	Scopes    types.Set        `tfsdk:"scopes"`
	Secrets   []secretListItem `tfsdk:"secrets"`
}

type secretListItem struct {
	ID       types.String `tfsdk:"id"`
	Name     types.String `tfsdk:"name"`
	Comment  types.String `tfsdk:"comment"`
	Scopes   types.Set    `tfsdk:"scopes"`
	Status   types.String `tfsdk:"status"`
	Created  types.String `tfsdk:"created"`
	Modified types.String `tfsdk:"modified"`
}

func newSecretsDataSource() datasource.DataSource { return &secretsDataSource{} }

func (d *secretsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_secrets"
}

func (d *secretsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the secrets of a store: names and metadata, never values (Cloudflare never returns a value). " +
			"Reads every page of the listing.",
		Attributes: map[string]schema.Attribute{
			"account_id": dataSourceAccountIDAttribute(),
			"store_id": schema.StringAttribute{
				MarkdownDescription: "Id of the store to list.",
				Required:            true,
				Validators:          []validator.String{storeIDValidator()},
			},
			"search": schema.StringAttribute{
				MarkdownDescription: "Only secrets whose name or comment contains this text.",
				Optional:            true,
			},
			"scopes": schema.SetAttribute{
				MarkdownDescription: "Only secrets that hold all of these scopes.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Set{setvalidator.ValueStringsAre(scopeValidator())},
			},
			"secrets": schema.ListNestedAttribute{
				MarkdownDescription: "The matching secrets, ordered by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":      computed("The secret id."),
						"name":    computed("The secret name."),
						"comment": computed("The secret's comment; null when it has none."),
						"scopes": schema.SetAttribute{
							MarkdownDescription: "Services that may use the secret.",
							Computed:            true,
							ElementType:         types.StringType,
						},
						"status":   computed("`pending`, `active` or `deleted`."),
						"created":  computed("When the secret was created (RFC 3339)."),
						"modified": computed("When the secret's value, scopes or comment last changed (RFC 3339)."),
					},
				},
			},
		},
	}
}

func (d *secretsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *secretsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config secretsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	accountID := dataSourceAccountID(config.AccountID, d.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	filter := cfclient.SecretFilter{
		Search: config.Search.ValueString(),
		Scopes: setStrings(ctx, config.Scopes, &resp.Diagnostics),
	}
	secrets, err := d.data.client.ListSecrets(ctx, accountID, config.StoreID.ValueString(), filter)
	if isStoreNotFound(err) {
		addStoreNotFound(&resp.Diagnostics, path.Root("store_id"), accountID, config.StoreID.ValueString())
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, secretCall("list the secrets of store "+config.StoreID.ValueString(), accountID, secretsStoreRead), err)
		return
	}
	config.Secrets = make([]secretListItem, 0, len(secrets))
	for _, s := range secrets {
		scopes, diags := types.SetValueFrom(ctx, types.StringType, s.Scopes)
		resp.Diagnostics.Append(diags...)
		config.Secrets = append(config.Secrets, secretListItem{
			ID:       types.StringValue(s.ID),
			Name:     types.StringValue(s.Name),
			Comment:  nullIfEmpty(s.Comment),
			Scopes:   scopes,
			Status:   types.StringValue(s.Status),
			Created:  types.StringValue(s.Created),
			Modified: types.StringValue(s.Modified),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}
