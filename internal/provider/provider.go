// Package provider implements the cfsecrets Terraform provider: its configuration, resources,
// data sources and ephemeral resources.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

const (
	envAPIToken  = "CLOUDFLARE_API_TOKEN"
	envAccountID = "CLOUDFLARE_ACCOUNT_ID"
	envBaseURL   = "CLOUDFLARE_BASE_URL"
	// envPerResourceReads turns off shared listings. Undocumented on purpose: it exists so the
	// benchmark can show what sharing saves.
	envPerResourceReads = "CFSECRETS_PER_RESOURCE_READS"

	defaultMaxRetries = 4
)

var (
	_ provider.ProviderWithEphemeralResources = (*cfsecretsProvider)(nil)
	_ provider.ProviderWithListResources      = (*cfsecretsProvider)(nil)
)

type cfsecretsProvider struct {
	version string
}

type providerModel struct {
	APIToken   types.String `tfsdk:"api_token"`
	AccountID  types.String `tfsdk:"account_id"`
	BaseURL    types.String `tfsdk:"base_url"`
	MaxRetries types.Int64  `tfsdk:"max_retries"`
	// RequestsPerSecond and Burst shape the client-side rate limit.
	RequestsPerSecond types.Float64 `tfsdk:"requests_per_second"`
	Burst             types.Int64   `tfsdk:"burst"`
}

// providerData is what every resource and data source receives from Configure.
type providerData struct {
	client *cfclient.Client
	// accountID is the default for resources that do not set their own; it may be empty.
	accountID string
	// permissions caches the permission-group catalogue for deploy tokens.
	permissions *permissionCatalog
	// claims tells two resources of one configuration that address the same remote object
	// apart (ownership.go).
	claims *claims
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &cfsecretsProvider{version: version} }
}

func (p *cfsecretsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cfsecrets"
	resp.Version = p.version
}

func (p *cfsecretsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Cloudflare Secrets Store for Workers: stores, write-only secrets, " +
			"the Worker bindings that read them, and least-privilege deploy tokens. Secret values never reach Terraform state.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				MarkdownDescription: "Cloudflare API token the provider authenticates with. Falls back to the `" + envAPIToken +
					"` environment variable. Managing stores and secrets needs Account Secrets Store Edit on the account.",
				Optional:  true,
				Sensitive: true,
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Default Cloudflare account id (32 lowercase hex characters) for every resource and data source " +
					"that does not set its own. Falls back to the `" + envAccountID + "` environment variable.",
				Optional:   true,
				Validators: []validator.String{accountIDValidator()},
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Cloudflare API, for tests against a mock or a proxy. Falls back to the `" +
					envBaseURL + "` environment variable, then to `" + cfclient.DefaultBaseURL + "`.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times a request is retried after a 429 (honouring `Retry-After`) or, for requests " +
					"that are safe to repeat, a 5xx or dropped connection. Defaults to " + strconv.Itoa(defaultMaxRetries) + ".",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"requests_per_second": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Client-side rate limit: requests per second refilled into the provider's token bucket. "+
					"Cloudflare allows 1,200 requests per 5 minutes per user; the default %v/s with a burst of %d can never exceed that "+
					"(%d + %v x 300 = 1,200). Lower it when several Terraform runs share one token.", cfclient.DefaultRequestsPerSecond,
					cfclient.DefaultBurst, cfclient.DefaultBurst, cfclient.DefaultRequestsPerSecond),
				Optional:   true,
				Validators: []validator.Float64{float64validator.Between(0.01, 1000)},
			},
			"burst": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Client-side rate limit: how many requests may go out at once before the rate applies. Defaults to %d.", cfclient.DefaultBurst),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 1200)},
			},
		},
	}
}

func (p *cfsecretsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	token := stringOrEnv(config.APIToken, envAPIToken)
	if token == "" {
		resp.Diagnostics.AddAttributeError(path.Root("api_token"), "Missing Cloudflare API token",
			"Set api_token in the provider block or the "+envAPIToken+" environment variable to a Cloudflare API token "+
				"that holds Account Secrets Store Edit (and Workers Scripts Edit for bindings) on your account.")
	}
	accountID := stringOrEnv(config.AccountID, envAccountID)
	if accountID != "" && !accountIDPattern.MatchString(accountID) {
		resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Malformed Cloudflare account id",
			"The account id from account_id or "+envAccountID+" must be 32 lowercase hex characters, as shown in the "+
				"Cloudflare dashboard's URL and on the account's overview page.")
	}
	baseURL := stringOrEnv(config.BaseURL, envBaseURL)
	if baseURL != "" {
		// The attribute's own validator does not see the environment variable.
		var checked validator.StringResponse
		baseURLValidator{}.ValidateString(ctx, validator.StringRequest{Path: path.Root("base_url"), ConfigValue: types.StringValue(baseURL)}, &checked)
		resp.Diagnostics.Append(checked.Diagnostics...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	maxRetries := defaultMaxRetries
	if !config.MaxRetries.IsNull() && !config.MaxRetries.IsUnknown() {
		maxRetries = int(config.MaxRetries.ValueInt64())
	}
	data := &providerData{
		client: cfclient.New(cfclient.Config{
			APIToken:          token,
			BaseURL:           baseURL,
			MaxRetries:        maxRetries,
			UserAgent:         "terraform-provider-cfsecrets/" + p.version,
			RequestsPerSecond: config.RequestsPerSecond.ValueFloat64(),
			Burst:             int(config.Burst.ValueInt64()),
			PerResourceReads:  os.Getenv(envPerResourceReads) != "",
		}),
		accountID:   accountID,
		permissions: &permissionCatalog{},
		claims:      &claims{},
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
}

func (p *cfsecretsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newStoreResource,
		newSecretResource,
		newWorkerBindingResource,
		newDeployTokenResource,
	}
}

func (p *cfsecretsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newStoreDataSource,
		newSecretsDataSource,
		newWranglerConfigDataSource,
		newSecretUsageDataSource,
		newWorkerSecretsDataSource,
		newPermissionGroupsDataSource,
	}
}

func (p *cfsecretsProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newEphemeralDeployToken,
	}
}

// ListResources serve `terraform query` (Terraform 1.14 and later): each lists the objects of one
// resource type with their identities, so they can be imported.
func (p *cfsecretsProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		newSecretListResource,
		newWorkerBindingListResource,
		newDeployTokenListResource,
	}
}

func stringOrEnv(value types.String, env string) string {
	if !value.IsNull() && !value.IsUnknown() && value.ValueString() != "" {
		return value.ValueString()
	}
	return os.Getenv(env)
}
