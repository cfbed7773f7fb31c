package provider

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// fuzzWranglerFile is what Wrangler reads out of the rendered TOML and JSON.
type fuzzWranglerFile struct {
	Env map[string]struct {
		SecretsStoreSecrets []fuzzWranglerEntry `toml:"secrets_store_secrets" json:"secrets_store_secrets"`
	} `toml:"env" json:"env"`
}

type fuzzWranglerEntry struct {
	Binding    string `toml:"binding" json:"binding"`
	StoreID    string `toml:"store_id" json:"store_id"`
	SecretName string `toml:"secret_name" json:"secret_name"`
}

func fuzzEnvironmentNameOK(s string) bool {
	return fuzzAllBytes(s, func(c byte) bool { return fuzzIsLetter(c) || fuzzIsDigit(c) || c == '_' || c == '-' })
}

// fuzzWranglerConfig builds the data source's configuration as Terraform would send it.
func fuzzWranglerConfig(t *testing.T, s tfsdk.Config, environments map[string][]wranglerBinding) tfsdk.Config {
	t.Helper()
	objectType := s.Schema.Type().TerraformType(context.Background()).(tftypes.Object)
	mapType := objectType.AttributeTypes["environments"].(tftypes.Map)
	listType := mapType.ElementType.(tftypes.List)
	bindingType := listType.ElementType.(tftypes.Object)
	envs := map[string]tftypes.Value{}
	for env, bindings := range environments {
		var list []tftypes.Value
		for _, b := range bindings {
			list = append(list, tftypes.NewValue(bindingType, map[string]tftypes.Value{
				"binding":     tftypes.NewValue(tftypes.String, b.Binding),
				"store_id":    tftypes.NewValue(tftypes.String, b.StoreID),
				"secret_name": tftypes.NewValue(tftypes.String, b.SecretName),
			}))
		}
		envs[env] = tftypes.NewValue(listType, list)
	}
	s.Raw = tftypes.NewValue(objectType, map[string]tftypes.Value{
		"environments": tftypes.NewValue(mapType, envs),
		"toml":         tftypes.NewValue(tftypes.String, nil),
		"jsonc":        tftypes.NewValue(tftypes.String, nil),
	})
	return s
}

// FuzzWranglerConfig drives cfsecrets_wrangler_config through ValidateConfig and Read with
// fuzzed environment names, binding names, store ids and secret names. ValidateConfig must refuse
// exactly the values that break the naming rules, each on its own attribute path; for everything
// it accepts, the rendered TOML and JSON must parse and give back exactly the bindings configured.
// Whatever the input, rendering never panics and the JSON is valid JSON.
func FuzzWranglerConfig(f *testing.F) {
	const store = "9a7806061c88ada191ed06f989cc3dac"
	f.Add("production", "STRIPE_KEY", store, "stripe_key_prod", "staging", "DB_URL", "db_url_staging", uint8(0))
	f.Add("production", "STRIPE_KEY", store, "stripe_key_prod", "production", "$dollar", "x", uint8(3))
	f.Add("1979-05-27", "_", store, "-", "true", "$", "0", uint8(2))
	f.Add("inf", "nan", store, "1e3", "-1", "a", "+1", uint8(1))
	f.Add("a.b", "x\"y", store, "secret name", "c]d", "e\ny", "f'", uint8(0))
	f.Add("ümlaut", "ünicode", "G"+store[1:], "\\u0041", "\x00", "a\x7f", "\xff", uint8(7))
	f.Add("", "", "", "", "", "", "", uint8(0))

	ctx := context.Background()
	ds := newWranglerConfigDataSource()
	schemaResp := &datasource.SchemaResponse{}
	ds.Schema(ctx, datasource.SchemaRequest{}, schemaResp)
	validating, ok := ds.(datasource.DataSourceWithValidateConfig)
	if !ok {
		f.Fatal("cfsecrets_wrangler_config has no ValidateConfig")
	}

	f.Fuzz(func(t *testing.T, env1, binding1, storeID, secret1, env2, binding2, secret2 string, shape uint8) {
		environments := map[string][]wranglerBinding{}
		environments[env1] = append(environments[env1], wranglerBinding{Binding: binding1, StoreID: storeID, SecretName: secret1})
		environments[env2] = append(environments[env2], wranglerBinding{Binding: binding2, StoreID: storeID, SecretName: secret2})
		if shape&1 != 0 { // the same binding twice in one environment
			environments[env2] = append(environments[env2], wranglerBinding{Binding: binding1, StoreID: storeID, SecretName: secret1})
		}
		if shape&2 != 0 { // an environment with no bindings
			environments["empty_env"] = nil
		}
		if shape&4 != 0 { // ids are checked per binding, not once
			environments[env1] = append(environments[env1], wranglerBinding{Binding: "OTHER", StoreID: "0123456789abcdef0123456789abcdef", SecretName: "other"})
		}

		// What ValidateConfig must say, field by field.
		var wantErrors []path.Path
		for _, env := range sortedKeys(environments) {
			at := path.Root("environments").AtMapKey(env)
			if !fuzzEnvironmentNameOK(env) {
				wantErrors = append(wantErrors, at)
			}
			for i, b := range environments[env] {
				if !fuzzIdentifierOK(b.Binding) {
					wantErrors = append(wantErrors, at.AtListIndex(i).AtName("binding"))
				}
				if !fuzzHexIDOK(b.StoreID) {
					wantErrors = append(wantErrors, at.AtListIndex(i).AtName("store_id"))
				}
				if !fuzzSecretNameOK(b.SecretName) {
					wantErrors = append(wantErrors, at.AtListIndex(i).AtName("secret_name"))
				}
			}
		}

		config := fuzzWranglerConfig(t, tfsdk.Config{Schema: schemaResp.Schema}, environments)
		validateResp := &datasource.ValidateConfigResponse{}
		validating.ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: config}, validateResp)
		var gotErrors []path.Path
		for _, d := range validateResp.Diagnostics {
			withPath, ok := d.(interface{ Path() path.Path })
			if !ok || d.Detail() == "" {
				t.Fatalf("diagnostic without a path or a detail: %v", d)
			}
			gotErrors = append(gotErrors, withPath.Path())
		}
		samePaths := len(gotErrors) == len(wantErrors)
		for _, p := range wantErrors {
			samePaths = samePaths && slices.ContainsFunc(gotErrors, p.Equal)
		}
		if !samePaths {
			t.Fatalf("ValidateConfig of %q: errors on %v, want errors on %v (%v)", environments, gotErrors, wantErrors, validateResp.Diagnostics)
		}

		// Rendering never panics; the JSON is always JSON.
		rendered := renderWranglerJSON(environments)
		if !json.Valid([]byte(rendered)) {
			t.Fatalf("renderWranglerJSON gave invalid JSON for %q:\n%s", environments, rendered)
		}
		_ = renderWranglerTOML(environments)
		if len(wantErrors) > 0 {
			return // Terraform stops at the validation errors: no Read
		}

		readResp := &datasource.ReadResponse{State: tfsdk.State{Schema: schemaResp.Schema,
			Raw: tftypes.NewValue(config.Raw.Type(), nil)}}
		ds.Read(ctx, datasource.ReadRequest{Config: config}, readResp)
		if readResp.Diagnostics.HasError() {
			t.Fatalf("Read of a valid configuration failed: %v", readResp.Diagnostics)
		}
		var tomlOut, jsonOut types.String
		readResp.Diagnostics.Append(readResp.State.GetAttribute(ctx, path.Root("toml"), &tomlOut)...)
		readResp.Diagnostics.Append(readResp.State.GetAttribute(ctx, path.Root("jsonc"), &jsonOut)...)
		if readResp.Diagnostics.HasError() {
			t.Fatalf("reading the rendered attributes: %v", readResp.Diagnostics)
		}

		want := map[string][]fuzzWranglerEntry{}
		for env, bindings := range environments {
			want[env] = []fuzzWranglerEntry{}
			for _, b := range bindings {
				want[env] = append(want[env], fuzzWranglerEntry(b))
			}
		}

		var fromTOML fuzzWranglerFile
		meta, err := toml.Decode(tomlOut.ValueString(), &fromTOML)
		if err != nil {
			t.Fatalf("the TOML for valid input does not parse: %v\n%s", err, tomlOut.ValueString())
		}
		if undecoded := meta.Undecoded(); len(undecoded) > 0 {
			t.Fatalf("the TOML has keys Wrangler does not expect: %v\n%s", undecoded, tomlOut.ValueString())
		}
		gotTOML := map[string][]fuzzWranglerEntry{}
		for env, section := range fromTOML.Env {
			gotTOML[env] = section.SecretsStoreSecrets
		}
		wantTOML := maps.Clone(want)
		maps.DeleteFunc(wantTOML, func(_ string, entries []fuzzWranglerEntry) bool { return len(entries) == 0 })
		if !fuzzSameEnvironments(gotTOML, wantTOML) {
			t.Fatalf("the TOML reads back as %q, want %q:\n%s", gotTOML, wantTOML, tomlOut.ValueString())
		}

		var fromJSON fuzzWranglerFile
		decoder := json.NewDecoder(strings.NewReader(jsonOut.ValueString()))
		decoder.DisallowUnknownFields()
		if err := decoder.Decode(&fromJSON); err != nil {
			t.Fatalf("the JSON for valid input does not parse: %v\n%s", err, jsonOut.ValueString())
		}
		gotJSON := map[string][]fuzzWranglerEntry{}
		for env, section := range fromJSON.Env {
			gotJSON[env] = section.SecretsStoreSecrets
		}
		if !fuzzSameEnvironments(gotJSON, want) {
			t.Fatalf("the JSON reads back as %q, want %q:\n%s", gotJSON, want, jsonOut.ValueString())
		}
	})
}

func fuzzSameEnvironments(a, b map[string][]fuzzWranglerEntry) bool {
	return maps.EqualFunc(a, b, slices.Equal)
}
