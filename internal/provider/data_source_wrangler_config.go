package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// environmentNamePattern keeps environment names to TOML bare keys, so they need no quoting.
var environmentNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

var _ datasource.DataSourceWithValidateConfig = (*wranglerConfigDataSource)(nil)

var wranglerBindingTypes = map[string]attr.Type{
	"binding":     types.StringType,
	"store_id":    types.StringType,
	"secret_name": types.StringType,
}

// wranglerConfigDataSource renders configuration only; it calls no API.
type wranglerConfigDataSource struct{}

type wranglerConfigModel struct {
	Environments map[string][]wranglerBinding `tfsdk:"environments"`
	TOML         types.String                 `tfsdk:"toml"`
	JSONC        types.String                 `tfsdk:"jsonc"`
}

type wranglerBinding struct {
	Binding    string `tfsdk:"binding" json:"binding"`
	StoreID    string `tfsdk:"store_id" json:"store_id"`
	SecretName string `tfsdk:"secret_name" json:"secret_name"`
}

func newWranglerConfigDataSource() datasource.DataSource { return &wranglerConfigDataSource{} }

func (d *wranglerConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_wrangler_config"
}

func (d *wranglerConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders the `secrets_store_secrets` section of a Wrangler configuration, per environment, from " +
			"the bindings Terraform manages, so the infra repo can hand the app repo a config that matches what is bound. " +
			"Calls no API.",
		Attributes: map[string]schema.Attribute{
			"environments": schema.MapAttribute{
				MarkdownDescription: "Bindings per Wrangler environment (e.g. `staging`, `production`): a list of " +
					"`{ binding, store_id, secret_name }` objects each, usually the same binding names pointing at different secrets. " +
					"`binding` is the name the Worker reads as `env.<binding>`.",
				Required:    true,
				ElementType: types.ListType{ElemType: types.ObjectType{AttrTypes: wranglerBindingTypes}},
			},
			"toml": schema.StringAttribute{
				MarkdownDescription: "`[[env.<name>.secrets_store_secrets]]` tables for `wrangler.toml`.",
				Computed:            true,
			},
			"jsonc": schema.StringAttribute{
				MarkdownDescription: "The same as `{\"env\": {...}}` for `wrangler.jsonc` / `wrangler.json`.",
				Computed:            true,
			},
		},
	}
}

// ValidateConfig checks every name at plan time, with the environment and position in the message.
func (d *wranglerConfigDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var environments types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("environments"), &environments)...)
	if resp.Diagnostics.HasError() || environments.IsUnknown() || environments.IsNull() {
		return
	}
	for env, bindings := range environments.Elements() {
		at := path.Root("environments").AtMapKey(env)
		if !environmentNamePattern.MatchString(env) {
			resp.Diagnostics.AddAttributeError(at, "Invalid environment name",
				fmt.Sprintf("%q must be a Wrangler environment name: letters, digits, _ or -.", env))
		}
		list, ok := bindings.(types.List)
		if !ok || list.IsUnknown() {
			continue
		}
		for i, element := range list.Elements() {
			object, ok := element.(types.Object)
			if !ok || object.IsUnknown() {
				continue
			}
			checkWranglerBinding(object.Attributes(), at.AtListIndex(i), &resp.Diagnostics)
		}
	}
}

func checkWranglerBinding(fields map[string]attr.Value, at path.Path, diags *diag.Diagnostics) {
	checks := []struct {
		field string
		valid func(string) bool
		rule  string
	}{
		{"binding", bindingNamePattern.MatchString, "a JavaScript identifier such as STRIPE_KEY"},
		{"store_id", accountIDPattern.MatchString, "a store id: 32 lowercase hex characters"},
		{"secret_name", func(s string) bool { return len(s) <= maxSecretNameLength && secretNamePattern.MatchString(s) },
			"a secret name: 1 to 255 letters, digits, _ or -"},
	}
	for _, c := range checks {
		value, ok := fields[c.field].(types.String)
		if !ok || value.IsUnknown() {
			continue
		}
		if !c.valid(value.ValueString()) {
			diags.AddAttributeError(at.AtName(c.field), "Invalid "+c.field,
				fmt.Sprintf("%q must be %s.", value.ValueString(), c.rule))
		}
	}
}

func (d *wranglerConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config wranglerConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	config.TOML = types.StringValue(renderWranglerTOML(config.Environments))
	config.JSONC = types.StringValue(renderWranglerJSON(config.Environments))
	resp.Diagnostics.Append(resp.State.Set(ctx, config)...)
}

// renderWranglerTOML writes one array-of-tables entry per binding, environments in name order.
// Every value passed validation (ids, identifiers, secret names), so quoting needs no escapes.
func renderWranglerTOML(environments map[string][]wranglerBinding) string {
	var b strings.Builder
	b.WriteString("# Secrets Store bindings managed by Terraform (cfsecrets_wrangler_config).\n")
	for _, env := range sortedKeys(environments) {
		for _, binding := range environments[env] {
			fmt.Fprintf(&b, "\n[[env.%s.secrets_store_secrets]]\nbinding = %q\nstore_id = %q\nsecret_name = %q\n",
				env, binding.Binding, binding.StoreID, binding.SecretName)
		}
	}
	return b.String()
}

func renderWranglerJSON(environments map[string][]wranglerBinding) string {
	type envSection struct {
		SecretsStoreSecrets []wranglerBinding `json:"secrets_store_secrets"`
	}
	sections := map[string]envSection{}
	for env, bindings := range environments {
		sections[env] = envSection{SecretsStoreSecrets: append([]wranglerBinding{}, bindings...)}
	}
	out, _ := json.MarshalIndent(map[string]any{"env": sections}, "", "  ")
	return string(out) + "\n"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
