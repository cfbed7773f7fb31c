package provider_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/provider"
)

// These tests send MoveResourceState the way Terraform does for a `moved` block between
// resource types, straight to the provider's protocol server: every source the provider
// accepts, refuses or ignores, without a CLI.

const (
	movedAccount   = "0123456789abcdef0123456789abcdef"
	movedStore     = "9a7806061c88ada191ed06f989cc3dac"
	movedSecret    = "5c1f0e2d3b4a69788796a5b4c3d2e1f0"
	plaintextValue = "SENTINEL-cloudflare-plaintext-3f7a"
)

// cloudflareSecretJSON is a cloudflare_secrets_store_secret as Cloudflare's provider v5 keeps
// it in state: the value in plain text.
var cloudflareSecretJSON = `{"id":"` + movedSecret + `","account_id":"` + movedAccount + `","store_id":"` + movedStore +
	`","name":"stripe_key","value":"` + plaintextValue + `","scopes":["workers","ai_gateway"],"comment":"Stripe live key",` +
	`"created":"2025-06-01T10:00:00Z","modified":"2025-06-02T11:30:00Z","status":"active"}`

type moveCase struct {
	name, sourceType, target, json string
	version                        int64
	// want are the target state's attributes, or wantError phrases of the refusal.
	want      map[string]tftypes.Value
	wantError []string
}

func TestMoveState_fromCloudflaresProvider(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	null := tftypes.NewValue(tftypes.String, nil)
	cases := []moveCase{
		{
			name: "secret", sourceType: "cloudflare_secrets_store_secret", target: "cfsecrets_secret", version: 500, json: cloudflareSecretJSON,
			want: map[string]tftypes.Value{
				"id": str(movedSecret), "account_id": str(movedAccount), "store_id": str(movedStore), "name": str("stripe_key"),
				"value_wo": null, "value_wo_version": tftypes.NewValue(tftypes.Number, nil), "comment": str("Stripe live key"),
				"scopes":   tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("ai_gateway"), str("workers")}),
				"modified": str("2025-06-02T11:30:00Z"), "created": str("2025-06-01T10:00:00Z"), "status": str("active"),
			},
		},
		{
			name: "store", sourceType: "cloudflare_secrets_store", target: "cfsecrets_store", version: 500,
			json: `{"id":"` + movedStore + `","account_id":"` + movedAccount + `","name":"default_secrets_store","created":"2025-06-01T09:00:00Z","modified":"2025-06-01T09:00:00Z"}`,
			want: map[string]tftypes.Value{
				"id": str(movedStore), "account_id": str(movedAccount), "name": str("default_secrets_store"),
				"force_destroy": tftypes.NewValue(tftypes.Bool, false), "modified": str("2025-06-01T09:00:00Z"),
			},
		},
		{
			name: "secret of an older layout", sourceType: "cloudflare_secrets_store_secret", target: "cfsecrets_secret", version: 0, json: cloudflareSecretJSON,
			wantError: []string{"schema version 0", "layout of version 500 only", "import"},
		},
		{
			name: "secret of a newer layout", sourceType: "cloudflare_secrets_store_secret", target: "cfsecrets_secret", version: 501, json: cloudflareSecretJSON,
			wantError: []string{"schema version 501", "layout of version 500 only"},
		},
		{
			name: "secret without its store", sourceType: "cloudflare_secrets_store_secret", target: "cfsecrets_secret", version: 500,
			json:      strings.Replace(cloudflareSecretJSON, `"store_id":"`+movedStore+`",`, "", 1),
			wantError: []string{"has no store_id"},
		},
		{
			name: "secret whose scopes are not strings", sourceType: "cloudflare_secrets_store_secret", target: "cfsecrets_secret", version: 500,
			json:      strings.Replace(cloudflareSecretJSON, `["workers","ai_gateway"]`, `[1,2]`, 1),
			wantError: []string{"does not have the layout of schema version 500"},
		},
		{
			name: "user token", sourceType: "cloudflare_api_token", target: "cfsecrets_deploy_token", version: 501,
			json: `{"id":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","name":"ci","value":"` + plaintextValue + `"}`,
			wantError: []string{"user API token (/user/tokens)", "account-owned tokens", "put the cloudflare_api_token block back",
				"the next apply deletes the user token", "add a cfsecrets_deploy_token"},
		},
		{
			name: "account token", sourceType: "cloudflare_account_token", target: "cfsecrets_deploy_token", version: 501,
			json: `{"id":"0f1e2d3c4b5a69788796a5b4c3d2e1f0","account_id":"` + movedAccount + `","name":"ci","value":"` + plaintextValue + `"}`,
			wantError: []string{"removed {", "destroy = false", "import {", "cfsecrets_deploy_token.<name>",
				`id = "` + movedAccount + `/0f1e2d3c4b5a69788796a5b4c3d2e1f0"`},
		},
		{
			name: "account token without its ids", sourceType: "cloudflare_account_token", target: "cfsecrets_deploy_token", version: 501,
			json:      `{"name":"ci","value":"` + plaintextValue + `"}`,
			wantError: []string{"import {", `id = "<account_id>/<token_id>"`},
		},
		{
			name: "a secret into a store", sourceType: "cloudflare_secrets_store_secret", target: "cfsecrets_store", version: 500, json: cloudflareSecretJSON,
			wantError: []string{"Unable to Move Resource State"},
		},
	}
	server, schemas := protocolServer(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := server.MoveResourceState(context.Background(), &tfprotov6.MoveResourceStateRequest{
				SourceProviderAddress: "registry.terraform.io/cloudflare/cloudflare",
				SourceTypeName:        tc.sourceType,
				SourceSchemaVersion:   tc.version,
				SourceState:           &tfprotov6.RawState{JSON: []byte(tc.json)},
				TargetTypeName:        tc.target,
			})
			if err != nil {
				t.Fatal(err)
			}
			checkMove(t, tc, resp, schemas[tc.target])
		})
	}
}

func checkMove(t *testing.T, tc moveCase, resp *tfprotov6.MoveResourceStateResponse, schema *tfprotov6.Schema) {
	t.Helper()
	var diagnostics strings.Builder
	for _, d := range resp.Diagnostics {
		diagnostics.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	if strings.Contains(diagnostics.String(), plaintextValue) {
		t.Errorf("a diagnostic repeats the plaintext value")
	}
	if tc.wantError != nil {
		if resp.TargetState != nil {
			t.Errorf("the move was refused but produced a state")
		}
		if !errorSaying(tc.wantError...).MatchString(diagnostics.String()) {
			t.Errorf("the refusal does not say %q:\n%s", tc.wantError, diagnostics.String())
		}
		return
	}
	if diagnostics.Len() > 0 || resp.TargetState == nil {
		t.Fatalf("the move failed:\n%s", diagnostics.String())
	}
	if bytes.Contains(resp.TargetState.MsgPack, []byte(plaintextValue)) {
		t.Fatalf("the plaintext value survived into the moved state")
	}
	value, err := resp.TargetState.Unmarshal(schema.ValueType())
	if err != nil {
		t.Fatal(err)
	}
	var attributes map[string]tftypes.Value
	if err := value.As(&attributes); err != nil {
		t.Fatal(err)
	}
	for name, want := range tc.want {
		if !attributes[name].Equal(want) {
			t.Errorf("moved %s is %v, want %v", name, attributes[name], want)
		}
	}
	if resp.TargetIdentity == nil || resp.TargetIdentity.IdentityData == nil {
		t.Errorf("the move gave no identity")
	}
}

// protocolServer serves the provider over the plugin protocol, as Terraform sees it, with the
// schema of each resource type.
func protocolServer(t *testing.T) (tfprotov6.ProviderServer, map[string]*tfprotov6.Schema) {
	t.Helper()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schema.Diagnostics) > 0 {
		t.Fatalf("provider schema: %v %v", err, schema.Diagnostics)
	}
	return server, schema.ResourceSchemas
}
