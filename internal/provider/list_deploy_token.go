package provider

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

var _ list.ListResourceWithConfigure = (*deployTokenListResource)(nil)

// deployTokenListResource lists the account's deploy tokens for `terraform query`.
type deployTokenListResource struct {
	data *providerData
}

type deployTokenListConfig struct {
	AccountID types.String `tfsdk:"account_id"`
}

func newDeployTokenListResource() list.ListResource { return &deployTokenListResource{} }

func (r *deployTokenListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_deploy_token"
}

func (r *deployTokenListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the account's deploy tokens for `terraform query` (Terraform 1.14 or later), with one listing of " +
			"the account's tokens. A token is a deploy token when it has exactly one policy, that policy allows, it covers " +
			"exactly this account (`com.cloudflare.api.account.<account_id>` = `*`), and it holds both **" + permWorkersScriptsWrite +
			"** and **" + permSecretsStoreRead + "**; further permission groups in that policy become `extra_permissions`, so " +
			"they must be account-scoped groups (a token holding a zone-scoped group, such as the zone's Logs Write, is not listed). " +
			"Expired tokens and user tokens (`/user/tokens`) are not listed.",
		Attributes: map[string]schema.Attribute{
			"account_id": listAccountIDAttribute(),
		},
	}
}

func (r *deployTokenListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// List reads the account's shared token listing, the one deploy token resources read.
func (r *deployTokenListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config deployTokenListConfig
	diags := req.Config.Get(ctx, &config)
	accountID := dataSourceAccountID(config.AccountID, r.data, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	tokens, err := r.data.client.AccountTokens(ctx, accountID)
	if err != nil {
		addAPIError(&diags, apiCall{action: "list the API tokens of account " + accountID, accountID: accountID, permission: apiTokensRead}, err)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var deployTokens []cfclient.Token
	for _, token := range tokens {
		deploy, err := r.isDeployToken(ctx, accountID, token)
		if err != nil {
			addAPIError(&diags, apiCall{action: "read the permission groups", accountID: accountID, permission: apiTokensRead}, err)
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
		if deploy {
			deployTokens = append(deployTokens, token)
		}
	}
	stream.Results = listResults(ctx, req, deployTokens, func(token cfclient.Token, result *list.ListResult) {
		model := adoptedDeployToken(ctx, r.data, accountID, token, &result.Diagnostics)
		result.DisplayName = token.Name
		setIdentity(ctx, result.Identity, model.identity(), &result.Diagnostics)
		if req.IncludeResource {
			result.Diagnostics.Append(result.Resource.Set(ctx, model)...)
		}
	})
}

// isDeployToken reports whether a token is what cfsecrets_deploy_token manages: one allow
// policy on exactly this account holding the deploy pair and perhaps more account-scoped groups
// (the only ones extra_permissions can name, so the generated configuration can say what the token
// holds), not expired.
func (r *deployTokenListResource) isDeployToken(ctx context.Context, accountID string, token cfclient.Token) (bool, error) {
	if token.Status == "expired" || len(token.Policies) != 1 {
		return false, nil
	}
	policy := token.Policies[0]
	if policy.Effect != "allow" || !coversExactlyTheAccount(policy, accountID) {
		return false, nil
	}
	ids := make([]string, 0, len(policy.PermissionGroups))
	for _, g := range policy.PermissionGroups {
		ids = append(ids, g.ID)
	}
	if nameable, err := r.data.permissions.nameable(ctx, r.data.client, accountID, ids); err != nil || !nameable {
		return false, err
	}
	names, err := r.data.permissions.displayNames(ctx, r.data.client, accountID, ids)
	if err != nil {
		return false, err
	}
	return slices.Contains(names, permWorkersScriptsWrite) && slices.Contains(names, permSecretsStoreRead), nil
}

// coversExactlyTheAccount reports whether a policy's resources are this account as a whole
// (`com.cloudflare.api.account.<id>` = `*`) and nothing else: no zones, no other account.
func coversExactlyTheAccount(policy cfclient.TokenPolicy, accountID string) bool {
	raw, ok := policy.Resources[cfclient.AccountResource(accountID)]
	var scope string
	return ok && len(policy.Resources) == 1 && json.Unmarshal(raw, &scope) == nil && scope == "*"
}
