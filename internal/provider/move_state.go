package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// State moves from Cloudflare's own provider (`moved` blocks across resource types, Terraform 1.8
// and later). A move rewrites state only: it sends no request to Cloudflare, and the next refresh
// reads the object as usual. The plaintext `value` Cloudflare's provider keeps in state is never
// decoded, so it cannot reach the new state; the moved secret has no value_wo, like an imported
// one, until the configuration gives it one.

var (
	_ resource.ResourceWithMoveState = (*storeResource)(nil)
	_ resource.ResourceWithMoveState = (*secretResource)(nil)
	_ resource.ResourceWithMoveState = (*deployTokenResource)(nil)
)

// cloudflareSchemaVersion is the schema version of cloudflare_secrets_store and
// cloudflare_secrets_store_secret in Cloudflare's provider v5: the only one whose state layout
// this provider knows.
const cloudflareSchemaVersion = 500

// fromCloudflare reports whether a move comes from resource type typeName of Cloudflare's
// provider, on any registry host (registry.terraform.io, registry.opentofu.org).
func fromCloudflare(req resource.MoveStateRequest, typeName string) bool {
	return req.SourceTypeName == typeName && strings.HasSuffix(req.SourceProviderAddress, "/cloudflare/cloudflare")
}

// cloudflareStoreState is what a move reads of a cloudflare_secrets_store.
type cloudflareStoreState struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Created   string `json:"created"`
	Modified  string `json:"modified"`
}

// cloudflareSecretState is what a move reads of a cloudflare_secrets_store_secret. It has no
// field for `value`, so the plaintext value is skipped by the decoder and held nowhere.
type cloudflareSecretState struct {
	ID        string   `json:"id"`
	AccountID string   `json:"account_id"`
	StoreID   string   `json:"store_id"`
	Name      string   `json:"name"`
	Scopes    []string `json:"scopes"`
	Comment   string   `json:"comment"`
	Status    string   `json:"status"`
	Created   string   `json:"created"`
	Modified  string   `json:"modified"`
}

func (r *storeResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if !fromCloudflare(req, "cloudflare_secrets_store") {
			return
		}
		var source cloudflareStoreState
		if !decodeCloudflareState(req, &source, &resp.Diagnostics) || !hasIDs(req, &resp.Diagnostics,
			"id", source.ID, "account_id", source.AccountID) {
			return
		}
		model := storeModel{
			AccountID:    types.StringValue(source.AccountID),
			ForceDestroy: types.BoolValue(false),
			Timeouts:     nullTimeouts(),
		}
		model.fill(cfclient.Store{ID: source.ID, Name: source.Name, Created: source.Created, Modified: source.Modified})
		if source.Name == "" {
			model.Name = types.StringValue(defaultStoreName)
		}
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, model)...)
		setIdentity(ctx, resp.TargetIdentity, model.identity(), &resp.Diagnostics)
	}}}
}

func (r *secretResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if !fromCloudflare(req, "cloudflare_secrets_store_secret") {
			return
		}
		var source cloudflareSecretState
		if !decodeCloudflareState(req, &source, &resp.Diagnostics) || !hasIDs(req, &resp.Diagnostics,
			"id", source.ID, "account_id", source.AccountID, "store_id", source.StoreID, "name", source.Name) {
			return
		}
		model := adoptedSecret(ctx, source.AccountID, cfclient.Secret{
			ID: source.ID, StoreID: source.StoreID, Name: source.Name, Scopes: source.Scopes, Comment: source.Comment,
			Status: source.Status, Created: source.Created, Modified: source.Modified,
		}, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, model)...)
		setIdentity(ctx, resp.TargetIdentity, model.identity(), &resp.Diagnostics)
	}}}
}

// MoveState refuses Cloudflare's token resources with what to do instead: cloudflare_api_token
// is a user token, which an account-owned deploy token cannot take over, and a
// cloudflare_account_token is adopted by import, keeping its id and value.
func (r *deployTokenResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: func(_ context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		switch {
		case fromCloudflare(req, "cloudflare_api_token"):
			resp.Diagnostics.AddError("A cloudflare_api_token cannot become a cfsecrets_deploy_token",
				"cloudflare_api_token manages a user API token (/user/tokens), owned by a Cloudflare user; cfsecrets_deploy_token "+
					"manages account-owned tokens (/accounts/<account_id>/tokens), so it could never read that token back and would "+
					"plan a new one. Replace it instead, so that CI always has a token: remove this moved block and put the "+
					"cloudflare_api_token block back as it was (without it, the next apply deletes the user token), add a "+
					"cfsecrets_deploy_token and apply, give CI the new value, then delete the cloudflare_api_token block and apply "+
					"again, which deletes the user token.")
		case fromCloudflare(req, "cloudflare_account_token"):
			resp.Diagnostics.AddError("Adopt an account token by import, not by moved",
				"Replace this moved block with a removed block that keeps the token and an import block that adopts it:\n\n"+
					"removed {\n  from = "+req.SourceTypeName+".<name>\n  lifecycle {\n    destroy = false\n  }\n}\n\n"+
					"import {\n  to = cfsecrets_deploy_token.<name>\n  id = \""+accountTokenImportID(req)+"\"\n}\n\n"+
					"The plan then imports the token with its id and value, and shows its policy narrowed to the deploy pair "+
					"(plus extra_permissions) in place if it had more.")
		}
	}}}
}

// accountTokenImportID is the import id of the cloudflare_account_token a move names, read from
// its state whatever its schema version (only account_id and id, both 32 hex characters; its value
// is never decoded), or the form of the id when the state does not have them.
func accountTokenImportID(req resource.MoveStateRequest) string {
	var source struct {
		ID        string `json:"id"`
		AccountID string `json:"account_id"`
	}
	if req.SourceRawState == nil || json.Unmarshal(req.SourceRawState.JSON, &source) != nil ||
		!accountIDPattern.MatchString(source.AccountID) || !accountIDPattern.MatchString(source.ID) {
		return "<account_id>/<token_id>"
	}
	return source.AccountID + "/" + source.ID
}

// decodeCloudflareState reads the source state of a move, after checking it has the one schema
// version this provider understands. The raw state is JSON; fields target does not name are
// skipped without being kept.
func decodeCloudflareState(req resource.MoveStateRequest, target any, diags *diag.Diagnostics) bool {
	if req.SourceSchemaVersion != cloudflareSchemaVersion {
		diags.AddError("Unsupported "+req.SourceTypeName+" state version",
			fmt.Sprintf("This %s was written by a version of Cloudflare's provider whose state is at schema version %d; this "+
				"provider knows the layout of version %d only (Cloudflare's provider v5), so it will not guess. Adopt the object "+
				"by import instead: a removed block with lifecycle { destroy = false } for the %s, and an import block for "+
				"the new resource.", req.SourceTypeName, req.SourceSchemaVersion, cloudflareSchemaVersion, req.SourceTypeName))
		return false
	}
	if req.SourceRawState == nil {
		diags.AddError("No state to move", "Terraform sent no state for the "+req.SourceTypeName+" to move. This is a bug; please report it.")
		return false
	}
	if err := json.Unmarshal(req.SourceRawState.JSON, target); err != nil {
		// The decoder's message may quote the source JSON, which holds the plaintext value.
		diags.AddError("Unreadable "+req.SourceTypeName+" state",
			"The state of the "+req.SourceTypeName+" to move does not have the layout of schema version 500 (an attribute has another type).")
		return false
	}
	return true
}

// hasIDs checks that the source state names the object: pairs of attribute name and value.
func hasIDs(req resource.MoveStateRequest, diags *diag.Diagnostics, pairs ...string) bool {
	var missing []string
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			missing = append(missing, pairs[i])
		}
	}
	if len(missing) > 0 {
		diags.AddError("Incomplete "+req.SourceTypeName+" state",
			fmt.Sprintf("The state of the %s to move has no %s, which name the object at Cloudflare, so it cannot be moved. "+
				"Adopt the object by import instead.", req.SourceTypeName, strings.Join(missing, ", ")))
	}
	return len(missing) == 0
}
