// Command cloudflareprovider is a stand-in for Cloudflare's Terraform provider
// (registry.terraform.io/cloudflare/cloudflare), for tests only. Terraform needs the provider of
// a `moved` block's source installed to read its state, and Cloudflare's provider takes about an
// hour to build, so the tests build this instead: it serves the schemas of
// cloudflare_secrets_store and cloudflare_secrets_store_secret (schema version 500) and of
// cloudflare_api_token and cloudflare_account_token (501), as Cloudflare's provider v5.22 has
// them, keeps their state as it is, and refuses to change anything.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	providerschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return standIn{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/cloudflare/cloudflare"})
	if err != nil {
		log.Fatal(err)
	}
}

type standIn struct{}

func (standIn) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cloudflare"
}

func (standIn) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerschema.Schema{Attributes: map[string]providerschema.Attribute{
		"api_token": providerschema.StringAttribute{Optional: true, Sensitive: true},
	}}
}

func (standIn) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {}

func (standIn) DataSources(context.Context) []func() datasource.DataSource { return nil }

func (standIn) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource {
			return stateOnly{typeName: "secrets_store", schema: schema.Schema{Version: 500, Attributes: map[string]schema.Attribute{
				"id":         computed(),
				"account_id": required(),
				"name":       required(),
				"created":    computed(),
				"modified":   computed(),
			}}}
		},
		func() resource.Resource {
			return stateOnly{typeName: "secrets_store_secret", schema: schema.Schema{Version: 500, Attributes: map[string]schema.Attribute{
				"id":         computed(),
				"account_id": required(),
				"store_id":   required(),
				"name":       required(),
				"value":      schema.StringAttribute{Required: true, Sensitive: true},
				"scopes":     schema.ListAttribute{Required: true, ElementType: types.StringType},
				"comment":    schema.StringAttribute{Optional: true},
				"created":    computed(),
				"modified":   computed(),
				"status":     computed(),
			}}}
		},
		func() resource.Resource { return stateOnly{typeName: "api_token", schema: tokenSchema()} },
		func() resource.Resource {
			token := tokenSchema()
			token.Attributes["account_id"] = required()
			return stateOnly{typeName: "account_token", schema: token}
		},
	}
}

// tokenSchema is cloudflare_api_token's schema; cloudflare_account_token adds account_id.
func tokenSchema() schema.Schema {
	optionalTime := schema.StringAttribute{Optional: true}
	cidrs := schema.ListAttribute{Optional: true, ElementType: types.StringType}
	return schema.Schema{Version: 501, Attributes: map[string]schema.Attribute{
		"id":   computed(),
		"name": required(),
		"policies": schema.ListNestedAttribute{Required: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"effect": required(),
			"permission_groups": schema.ListNestedAttribute{Required: true, NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{"id": required()},
			}},
			"resources": required(), // a JSON object, as a string
		}}},
		"expires_on": optionalTime,
		"not_before": optionalTime,
		"condition": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
			"request_ip": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{"in": cidrs, "not_in": cidrs}},
		}},
		"status":       schema.StringAttribute{Optional: true, Computed: true},
		"issued_on":    computed(),
		"last_used_on": computed(),
		"modified_on":  computed(),
		"value":        schema.StringAttribute{Computed: true, Sensitive: true},
	}}
}

func required() schema.StringAttribute { return schema.StringAttribute{Required: true} }
func computed() schema.StringAttribute { return schema.StringAttribute{Computed: true} }

// stateOnly is a resource whose state stays as it is: reading it changes nothing, and creating,
// changing or deleting it fails, so a test can never mistake the stand-in for the real provider.
type stateOnly struct {
	typeName string
	schema   schema.Schema
}

func (r stateOnly) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.typeName
}

func (r stateOnly) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema
}

func (r stateOnly) Read(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	resp.State.Raw = req.State.Raw
}

func (r stateOnly) Create(_ context.Context, _ resource.CreateRequest, resp *resource.CreateResponse) {
	resp.Diagnostics.AddError("Stand-in provider", "This test stand-in for Cloudflare's provider cannot create anything.")
}

func (r stateOnly) Update(_ context.Context, _ resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.AddError("Stand-in provider", "This test stand-in for Cloudflare's provider cannot change anything.")
}

func (r stateOnly) Delete(_ context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	resp.Diagnostics.AddError("Stand-in provider", "This test stand-in for Cloudflare's provider cannot delete anything.")
}
