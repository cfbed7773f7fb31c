package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

var _ list.ListResourceWithConfigure = (*workerBindingListResource)(nil)

// workerBindingListResource lists a Worker's Secrets Store bindings for `terraform query`,
// e.g. those `wrangler deploy` made from wrangler.toml.
type workerBindingListResource struct {
	data *providerData
}

type workerBindingListConfig struct {
	AccountID  types.String `tfsdk:"account_id"`
	ScriptName types.String `tfsdk:"script_name"`
}

func newWorkerBindingListResource() list.ListResource { return &workerBindingListResource{} }

func (r *workerBindingListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_worker_binding"
}

func (r *workerBindingListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists a Worker's Secrets Store bindings (`secrets_store_secret` bindings; its other bindings are not " +
			"listed) for `terraform query` (Terraform 1.14 or later), with one settings request per Worker.",
		Attributes: map[string]schema.Attribute{
			"account_id": listAccountIDAttribute(),
			"script_name": schema.StringAttribute{
				MarkdownDescription: "Name of the deployed Worker script.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 63),
					stringvalidator.RegexMatches(workerNamePattern, "must be a Worker name: lowercase letters, digits, _ and -"),
				},
			},
		},
	}
}

func (r *workerBindingListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// List reads the Worker's bindings through the shared read the binding resources use.
func (r *workerBindingListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config workerBindingListConfig
	diags := req.Config.Get(ctx, &config)
	accountID := dataSourceAccountID(config.AccountID, r.data, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	script := config.ScriptName.ValueString()
	bindings, err := r.data.client.ScriptBindings(ctx, accountID, script)
	if cfclient.HasCode(err, cfclient.CodeScriptNotFound, "") {
		diags.AddAttributeError(path.Root("script_name"), "The Worker does not exist",
			"Account "+accountID+" has no Worker named \""+script+"\". Check script_name (`wrangler deployments list` shows the name).")
	} else if err != nil {
		addAPIError(&diags, apiCall{action: "read the bindings of Worker " + script, accountID: accountID, permission: workersScriptsRead}, err)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var secretBindings []cfclient.Binding
	for _, b := range bindings {
		if b.Type == cfclient.BindingTypeSecretsStore {
			secretBindings = append(secretBindings, b)
		}
	}
	stream.Results = listResults(ctx, req, secretBindings, func(binding cfclient.Binding, result *list.ListResult) {
		model := workerBindingModel{
			AccountID:  types.StringValue(accountID),
			ScriptName: types.StringValue(script),
			Name:       types.StringValue(binding.Name),
			StoreID:    types.StringValue(binding.StoreID),
			SecretName: types.StringValue(binding.SecretName),
			Timeouts:   nullTimeouts(),
		}
		model.ID = model.importID()
		result.DisplayName = script + ": " + binding.Name + " → " + binding.SecretName
		setIdentity(ctx, result.Identity, model.identity(), &result.Diagnostics)
		if req.IncludeResource {
			result.Diagnostics.Append(result.Resource.Set(ctx, model)...)
		}
	})
}
