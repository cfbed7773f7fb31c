package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	defaultEphemeralTTL = 15 * time.Minute
	// ephemeralTokenKey holds, between Open and Close, which token to delete.
	ephemeralTokenKey = "token"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*ephemeralDeployToken)(nil)
var _ ephemeral.EphemeralResourceWithClose = (*ephemeralDeployToken)(nil)

type ephemeralDeployToken struct {
	data *providerData
}

type ephemeralDeployTokenModel struct {
	deployTokenArguments
	AccountID types.String `tfsdk:"account_id"`
	TTL       types.String `tfsdk:"ttl"`
	ID        types.String `tfsdk:"id"`
	Value     types.String `tfsdk:"value"`
	ExpiresOn types.String `tfsdk:"expires_on"`
}

type ephemeralTokenRef struct {
	AccountID string `json:"account_id"`
	ID        string `json:"id"`
}

func newEphemeralDeployToken() ephemeral.EphemeralResource { return &ephemeralDeployToken{} }

func (e *ephemeralDeployToken) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deploy_token"
}

func (e *ephemeralDeployToken) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A short-lived least-privilege deploy token (Workers Scripts Edit + Account Secrets Store Read on one " +
			"account) for one Terraform run: created when the run needs it, deleted when the run ends, and expiring after `ttl` " +
			"even if the run is killed. Its value never reaches state or plan; hand it to write-only arguments or provider blocks. " +
			"Its arguments mean what they mean on the `cfsecrets_deploy_token` resource. Needs Terraform 1.10 or OpenTofu 1.11 or later.",
		Attributes: withEphemeralDeployTokenArguments(map[string]schema.Attribute{
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Cloudflare account id. Defaults to the provider's `account_id`.",
				Optional:            true,
				Validators:          []validator.String{accountIDValidator()},
			},
			"ttl": schema.StringAttribute{
				MarkdownDescription: "How long the token lives, as a Go duration such as `15m` (the default) or `1h`; between 1 minute and 24 hours.",
				Optional:            true,
				Validators:          []validator.String{durationValidator{min: time.Minute, max: 24 * time.Hour}},
			},
			"id":         schema.StringAttribute{MarkdownDescription: "The token id.", Computed: true},
			"value":      schema.StringAttribute{MarkdownDescription: "The token's value.", Computed: true, Sensitive: true},
			"expires_on": schema.StringAttribute{MarkdownDescription: "When the token stops working (RFC 3339).", Computed: true},
		}),
	}
}

func (e *ephemeralDeployToken) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *ephemeralDeployToken) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var config ephemeralDeployTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	accountID := dataSourceAccountID(config.AccountID, e.data, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ttl := defaultEphemeralTTL
	if !config.TTL.IsNull() {
		ttl, _ = time.ParseDuration(config.TTL.ValueString())
	}
	spec := config.tokenSpec(ctx, e.data, accountID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	spec.ExpiresOn = time.Now().Add(ttl).UTC().Truncate(time.Second).Format(time.RFC3339)
	token, err := e.data.client.CreateAccountToken(ctx, spec)
	if err != nil {
		addAPIError(&resp.Diagnostics, tokenCall("create an ephemeral deploy token", accountID), err)
		return
	}
	config.ID = types.StringValue(token.ID)
	config.Value = types.StringValue(token.Value)
	config.ExpiresOn = types.StringValue(spec.ExpiresOn)
	resp.Diagnostics.Append(resp.Result.Set(ctx, config)...)
	ref, _ := json.Marshal(ephemeralTokenRef{AccountID: accountID, ID: token.ID})
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, ephemeralTokenKey, ref)...)
}

// Close deletes the token when the run no longer needs it.
func (e *ephemeralDeployToken) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, ephemeralTokenKey)
	resp.Diagnostics.Append(diags...)
	var ref ephemeralTokenRef
	if len(raw) == 0 || json.Unmarshal(raw, &ref) != nil {
		return
	}
	if err := e.data.client.DeleteAccountToken(ctx, ref.AccountID, ref.ID); err != nil {
		resp.Diagnostics.AddWarning("Could not delete the ephemeral deploy token",
			fmt.Sprintf("Token %s stays until it expires: %v", ref.ID, err))
	}
}
