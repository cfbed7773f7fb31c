package provider

// Fuzz targets for every plan-time validator and parser of the provider (issue 9: "Go fuzz
// targets for every validator ... no panics, only proper API errors"). Each target checks the
// validator against an independent oracle written out here byte by byte, not against the
// regular expression it uses, and checks the diagnostics it produces: errors only, on the
// attribute's path, with a summary and a detail, and never quoting a secret.
//
// `go test` runs the f.Add seeds and testdata/fuzz/<Name>/ as ordinary tests; `go test -run '^$'
// -fuzz '^FuzzName$' -fuzztime 30s ./internal/provider/` explores.

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// fuzzSecretMarker starts every secret value the targets build, so a diagnostic that quotes a
// value is caught whatever the rest of it is. It holds a space and a dot, so no name, id or
// identifier pattern accepts it and no validator can echo it legitimately.
const fuzzSecretMarker = "fuzz secret.value "

var fuzzAttrPath = path.Root("fuzzed")

// fuzzValidateString runs validators the way the framework does, on a known string.
func fuzzValidateString(validators []validator.String, value types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, v := range validators {
		resp := &validator.StringResponse{}
		v.ValidateString(context.Background(), validator.StringRequest{
			Path:           fuzzAttrPath,
			PathExpression: fuzzAttrPath.Expression(),
			ConfigValue:    value,
		}, resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// fuzzValidate validates a known string and checks the diagnostics' form; it also checks that
// null and unknown pass, as optional and not-yet-known attributes must.
func fuzzValidate(t *testing.T, validators []validator.String, value string) diag.Diagnostics {
	t.Helper()
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		if diags := fuzzValidateString(validators, v); len(diags) > 0 {
			t.Fatalf("a %s value got diagnostics: %v", v, diags)
		}
	}
	diags := fuzzValidateString(validators, types.StringValue(value))
	fuzzCheckDiagnostics(t, diags, fuzzAttrPath)
	return diags
}

// fuzzCheckDiagnostics: every diagnostic is an error on the attribute (or one of its set
// elements) that says what is wrong.
func fuzzCheckDiagnostics(t *testing.T, diags diag.Diagnostics, at path.Path) {
	t.Helper()
	for _, d := range diags {
		if d.Severity() != diag.SeverityError {
			t.Errorf("diagnostic is not an error: %v", d)
		}
		if strings.TrimSpace(d.Summary()) == "" || strings.TrimSpace(d.Detail()) == "" {
			t.Errorf("diagnostic without summary or detail: %q / %q", d.Summary(), d.Detail())
		}
		withPath, ok := d.(diag.DiagnosticWithPath)
		if !ok {
			t.Errorf("diagnostic %q names no attribute", d.Summary())
			continue
		}
		if p := withPath.Path(); !p.Equal(at) && !p.ParentPath().Equal(at) {
			t.Errorf("diagnostic %q is on %s, want %s", d.Summary(), p, at)
		}
	}
}

func fuzzDiagnosticsText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary())
		b.WriteString("\n")
		b.WriteString(d.Detail())
		b.WriteString("\n")
	}
	return b.String()
}

// fuzzAllBytes reports whether s is non-empty and every byte satisfies ok.
func fuzzAllBytes(s string, ok func(byte) bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func fuzzIsLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func fuzzIsDigit(c byte) bool  { return '0' <= c && c <= '9' }

// fuzzSecretNameOK is Cloudflare's secret-name rule written out: 1 to 255 bytes of letters,
// digits, _ and -.
func fuzzSecretNameOK(s string) bool {
	return len(s) <= 255 && fuzzAllBytes(s, func(c byte) bool { return fuzzIsLetter(c) || fuzzIsDigit(c) || c == '_' || c == '-' })
}

// fuzzHexIDOK: 32 lowercase hex characters.
func fuzzHexIDOK(s string) bool {
	return len(s) == 32 && fuzzAllBytes(s, func(c byte) bool { return fuzzIsDigit(c) || 'a' <= c && c <= 'f' })
}

// fuzzIdentifierOK: a letter, _ or $, then letters, digits, _ or $ (ASCII JavaScript identifier).
func fuzzIdentifierOK(s string) bool {
	return s != "" && (fuzzIsLetter(s[0]) || s[0] == '_' || s[0] == '$') &&
		fuzzAllBytes(s, func(c byte) bool { return fuzzIsLetter(c) || fuzzIsDigit(c) || c == '_' || c == '$' })
}

// fuzzResourceSchema is a resource's schema, for the validators wired into it.
func fuzzResourceSchema(t testing.TB, r resource.Resource) map[string]any {
	t.Helper()
	resp := &resource.SchemaResponse{}
	r.Schema(context.Background(), resource.SchemaRequest{}, resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	attrs := map[string]any{}
	for name, a := range resp.Schema.GetAttributes() {
		attrs[name] = a
	}
	return attrs
}

// fuzzStringValidatorsOf returns the string validators of a schema attribute.
func fuzzStringValidatorsOf(t testing.TB, attrs map[string]any, name string) []validator.String {
	t.Helper()
	a, ok := attrs[name].(interface{ StringValidators() []validator.String })
	if !ok {
		t.Fatalf("attribute %q is not a string attribute", name)
	}
	return a.StringValidators()
}

func FuzzSecretNameValidators(f *testing.F) {
	for _, s := range []string{"stripe_key_v2", "", "a", "has space", "dot.name", "ümlaut", "tab\t", "trailing\n",
		strings.Repeat("a", 255), strings.Repeat("a", 256), "-", "_", "UPPER-lower_09"} {
		f.Add(s)
	}
	// The secret resource, the binding resource and the Wrangler data source apply one rule.
	binding := fuzzStringValidatorsOf(f, fuzzResourceSchema(f, newWorkerBindingResource()), "secret_name")
	f.Fuzz(func(t *testing.T, name string) {
		diags := fuzzValidate(t, secretNameValidators(), name)
		want := fuzzSecretNameOK(name)
		if diags.HasError() == want {
			t.Fatalf("secret name %q: valid per the rule = %v, but diagnostics: %v", name, want, diags)
		}
		if got := fuzzValidate(t, binding, name).HasError(); got != diags.HasError() {
			t.Fatalf("secret name %q: cfsecrets_secret says error=%v, cfsecrets_worker_binding says %v", name, diags.HasError(), got)
		}
		var wrangler diag.Diagnostics
		checkWranglerBinding(map[string]attr.Value{"secret_name": types.StringValue(name)}, path.Root("b"), &wrangler)
		if wrangler.HasError() != diags.HasError() {
			t.Fatalf("secret name %q: cfsecrets_secret says error=%v, cfsecrets_wrangler_config says %v", name, diags.HasError(), wrangler.HasError())
		}
	})
}

func FuzzIDValidators(f *testing.F) {
	for _, s := range []string{"0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF", "",
		"0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0", "0123456789abcdef0123456789abcdeg",
		"0123456789abcdef0123456789abcdef\n", " 0123456789abcdef0123456789abcdef"} {
		f.Add(s)
	}
	wired := map[string][]validator.String{
		"account id":         {accountIDValidator()},
		"store id":           {storeIDValidator()},
		"provider account":   fuzzProviderStringValidators(f, "account_id"),
		"secret's store_id":  fuzzStringValidatorsOf(f, fuzzResourceSchema(f, newSecretResource()), "store_id"),
		"binding's store_id": fuzzStringValidatorsOf(f, fuzzResourceSchema(f, newWorkerBindingResource()), "store_id"),
	}
	f.Fuzz(func(t *testing.T, id string) {
		want := fuzzHexIDOK(id)
		for what, validators := range wired {
			if diags := fuzzValidate(t, validators, id); diags.HasError() == want {
				t.Fatalf("%s %q: valid per the rule = %v, but diagnostics: %v", what, id, want, diags)
			}
		}
		var wrangler diag.Diagnostics
		checkWranglerBinding(map[string]attr.Value{"store_id": types.StringValue(id)}, path.Root("b"), &wrangler)
		if wrangler.HasError() == want {
			t.Fatalf("wrangler store_id %q: valid per the rule = %v, but diagnostics: %v", id, want, wrangler)
		}
	})
}

func fuzzProviderStringValidators(t testing.TB, name string) []validator.String {
	t.Helper()
	resp := &fwprovider.SchemaResponse{}
	(&cfsecretsProvider{}).Schema(context.Background(), fwprovider.SchemaRequest{}, resp)
	attrs := map[string]any{}
	for n, a := range resp.Schema.GetAttributes() {
		attrs[n] = a
	}
	return fuzzStringValidatorsOf(t, attrs, name)
}

func FuzzScopeValidator(f *testing.F) {
	for _, s := range []string{"workers", "ai_gateway", "WORKERS", "worker", "workers ", "", "all", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, scope string) {
		diags := fuzzValidate(t, []validator.String{scopeValidator()}, scope)
		if want := slices.Contains(knownScopes, scope); diags.HasError() == want {
			t.Fatalf("scope %q: known = %v, but diagnostics: %v", scope, want, diags)
		}
	})
}

func FuzzBindingNameValidator(f *testing.F) {
	for _, s := range []string{"STRIPE_KEY", "$", "_", "a1", "1a", "", "has-dash", "has space", "ünicode", "x\n", "$$x_9"} {
		f.Add(s)
	}
	validators := fuzzStringValidatorsOf(f, fuzzResourceSchema(f, newWorkerBindingResource()), "name")
	f.Fuzz(func(t *testing.T, name string) {
		diags := fuzzValidate(t, validators, name)
		want := fuzzIdentifierOK(name)
		if diags.HasError() == want {
			t.Fatalf("binding name %q: identifier = %v, but diagnostics: %v", name, want, diags)
		}
		var wrangler diag.Diagnostics
		checkWranglerBinding(map[string]attr.Value{"binding": types.StringValue(name)}, path.Root("b"), &wrangler)
		if wrangler.HasError() != diags.HasError() {
			t.Fatalf("binding %q: cfsecrets_worker_binding says error=%v, cfsecrets_wrangler_config says %v", name, diags.HasError(), wrangler.HasError())
		}
	})
}

// FuzzSecretValueValidator: a value of 1 to 65,536 bytes passes, anything else gets a diagnostic
// that depends on the value's length only, so it cannot quote the value.
func FuzzSecretValueValidator(f *testing.F) {
	f.Add("hunter2", uint32(0))
	f.Add("", uint32(0))
	f.Add("x", uint32(maxSecretValueBytes-len(fuzzSecretMarker)-1)) // exactly the limit
	f.Add("x", uint32(maxSecretValueBytes-len(fuzzSecretMarker)))   // one byte over
	f.Add("\x00\xff\"%q%s", uint32(70000))
	valueWO := fuzzStringValidatorsOf(f, fuzzResourceSchema(f, newSecretResource()), "value_wo")
	f.Fuzz(func(t *testing.T, suffix string, pad uint32) {
		padded := fuzzSecretMarker + suffix + strings.Repeat("p", int(pad%(2*maxSecretValueBytes)))
		for _, value := range []string{suffix, padded} {
			problem := secretValueProblem(value)
			want := len(value) >= 1 && len(value) <= maxSecretValueBytes
			if (problem == "") != want {
				t.Fatalf("value of %d bytes: valid = %v, problem %q", len(value), want, problem)
			}
			if same := secretValueProblem(strings.Repeat("\x00", len(value))); problem != same {
				t.Fatalf("the problem with a %d-byte value depends on its content:\n%q\nvs\n%q", len(value), problem, same)
			}
			diags := fuzzValidate(t, []validator.String{secretValueValidator{}}, value)
			if diags.HasError() == want {
				t.Fatalf("value of %d bytes: valid = %v, but diagnostics: %v", len(value), want, diags)
			}
			if text := fuzzDiagnosticsText(diags); strings.Contains(text, fuzzSecretMarker) {
				t.Fatalf("a diagnostic quotes the secret value: %.300q", text)
			}
		}
		// The schema wires this validator to value_wo.
		if text := fuzzDiagnosticsText(fuzzValidate(t, valueWO, padded)); strings.Contains(text, fuzzSecretMarker) {
			t.Fatalf("value_wo's diagnostics quote the secret value: %.300q", text)
		}
	})
}

func FuzzCIDRValidator(f *testing.F) {
	for _, s := range []string{"198.51.100.0/24", "198.51.100.7/32", "2001:db8::/32", "::/0", "0.0.0.0/0", "198.51.100.7",
		"198.51.100.0/33", "fe80::1%eth0/64", "::ffff:198.51.100.0/120", "198.051.100.0/24", "1.2.3.4/024", "", "/", "a/b",
		"198.51.100.7/24", "2001:DB8::/32", "2001:db8:0::/48"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		diags := fuzzValidate(t, []validator.String{cidrValidator{}}, s)
		prefix, err := netip.ParsePrefix(s)
		// The one spelling Cloudflare returns: a range with no host bits, as netip writes it, not IPv4-mapped.
		canonical := err == nil && !prefix.Addr().Is4In6() && prefix == prefix.Masked() && prefix.String() == s
		if diags.HasError() == canonical {
			t.Fatalf("CIDR %q: canonical = %v (ParsePrefix error %v), diagnostics %v", s, canonical, err, diags)
		}
		if canonical {
			return
		}
		if !strings.Contains(diags[0].Detail(), strconv.Quote(s)) {
			t.Fatalf("CIDR %q: the diagnostic does not say which value is wrong: %q", s, diags[0].Detail())
		}
		if err == nil && !prefix.Addr().Is4In6() {
			// The diagnostic names the range to write instead, and that range is accepted.
			if want := prefix.Masked().String(); !strings.Contains(diags[0].Detail(), want) {
				t.Fatalf("CIDR %q: the diagnostic does not offer %s: %q", s, want, diags[0].Detail())
			} else if d := fuzzValidate(t, []validator.String{cidrValidator{}}, want); d.HasError() {
				t.Fatalf("CIDR %q: the range offered instead, %s, is refused too: %v", s, want, d)
			}
		}
	})
}

func FuzzRFC3339Validator(f *testing.F) {
	for _, s := range []string{"2026-12-31T23:59:59Z", "2026-12-31T23:59:59+01:00", "2026-12-31T23:59:59.123456789Z",
		"2026-12-31 23:59:59Z", "2026-12-31", "2026-02-30T00:00:00Z", "2026-12-31T24:00:00Z", "0000-01-01T00:00:00Z",
		"9999-12-31T23:59:59-23:59", "2026-12-31T23:59:59z", "2026-12-31T23:59:60Z", "", "2030-01-01T00:00:00.500Z",
		"2030-01-01T00:00:00.000Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		diags := fuzzValidate(t, []validator.String{tokenTimeValidator{}}, s)
		parsed, err := time.Parse(time.RFC3339, s)
		utcYear := parsed.UTC().Year()
		// Cloudflare stores token times in UTC, to the second.
		valid := err == nil && 0 <= utcYear && utcYear <= 9999 && parsed.Nanosecond() == 0
		if diags.HasError() == valid {
			t.Fatalf("time %q: parse error %v, year %d in UTC, diagnostics %v", s, err, utcYear, diags)
		}
		if !valid {
			if !strings.Contains(diags[0].Detail(), strconv.Quote(s)) {
				t.Fatalf("time %q: the diagnostic does not say which value is wrong: %q", s, diags[0].Detail())
			}
			return
		}
		for _, again := range []string{parsed.Format(time.RFC3339), parsed.Format(time.RFC3339Nano)} {
			if d := fuzzValidate(t, []validator.String{tokenTimeValidator{}}, again); d.HasError() {
				t.Fatalf("time %q is accepted but %q, its own formatting, is not: %v", s, again, d)
			}
		}
	})
}

func FuzzDurationValidator(f *testing.F) {
	for _, s := range []string{"15m", "1h", "1m", "24h", "59s", "24h0m1s", "1h30m", "-1h", "1.5h", "900s", "", "15", "15 m",
		"9223372036854775807ns", "99999999999999999999h", "1e3s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := durationValidator{min: time.Minute, max: 24 * time.Hour}
		diags := fuzzValidate(t, []validator.String{v}, s)
		d, err := time.ParseDuration(s)
		want := err == nil && d >= time.Minute && d <= 24*time.Hour
		if diags.HasError() == want {
			t.Fatalf("duration %q (%v, %v): valid = %v, but diagnostics: %v", s, d, err, want, diags)
		}
		if want {
			if again := fuzzValidate(t, []validator.String{v}, d.String()); again.HasError() {
				t.Fatalf("duration %q is accepted but %q is not: %v", s, d.String(), again)
			}
		} else if !strings.Contains(diags[0].Detail(), strconv.Quote(s)) {
			t.Fatalf("duration %q: the diagnostic does not say which value is wrong: %q", s, diags[0].Detail())
		}
	})
}

// FuzzSplitImportID: any id either splits into exactly the asked-for number of non-empty
// pieces that join back to it, or is refused with the expected form; and the id every resource
// writes (`id` / the import command) from values its validators accept splits back into them.
func FuzzSplitImportID(f *testing.F) {
	const account, store = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	f.Add(account+"/"+store+"/stripe_key", account, "my-worker", "STRIPE_KEY")
	f.Add("", "", "", "")
	f.Add("a//b", account, "a/b", "X")
	f.Add("/a/b/", account, "worker", "$")
	f.Add(account+"/"+store, account, "worker", "_x")
	binding := fuzzResourceSchema(f, newWorkerBindingResource())
	f.Fuzz(func(t *testing.T, id, accountID, scriptName, name string) {
		forms := [][]string{{"account_id", "token_id"}, {"account_id", "store_id"},
			{"account_id", "store_id", "secret_id or name"}, {"account_id", "script_name", "binding_name"}}
		for _, form := range forms {
			pieces, err := splitImportID(id, form...)
			if err != nil {
				if pieces != nil {
					t.Fatalf("%q: error %v and pieces %q", id, err, pieces)
				}
				if want := "<" + strings.Join(form, ">/<") + ">"; !strings.Contains(err.Error(), want) {
					t.Fatalf("%q: the error does not show the form %s: %v", id, want, err)
				}
				continue
			}
			if len(pieces) != len(form) || slices.Contains(pieces, "") || strings.Join(pieces, "/") != id {
				t.Fatalf("%q split into %q for %d parts", id, pieces, len(form))
			}
		}

		// Round trip through the ids the resources write, for values their validators accept.
		if fuzzValidateString([]validator.String{accountIDValidator()}, types.StringValue(accountID)).HasError() ||
			fuzzValidateString(fuzzStringValidatorsOf(t, binding, "script_name"), types.StringValue(scriptName)).HasError() ||
			fuzzValidateString(fuzzStringValidatorsOf(t, binding, "name"), types.StringValue(name)).HasError() {
			return
		}
		model := workerBindingModel{AccountID: types.StringValue(accountID), ScriptName: types.StringValue(scriptName), Name: types.StringValue(name)}
		joined := model.importID().ValueString()
		pieces, err := splitImportID(joined, "account_id", "script_name", "binding_name")
		if err != nil || !slices.Equal(pieces, []string{accountID, scriptName, name}) {
			t.Fatalf("binding id %q of valid values (%q, %q, %q) does not import back: %q, %v", joined, accountID, scriptName, name, pieces, err)
		}
	})
}

// fuzzPermissionGroups is a realistic catalogue (names as the API writes them), with a name at
// two scopes.
var fuzzPermissionGroups = []cfclient.PermissionGroup{
	{ID: "e086da7e2179491d91ee5f35b3ca210a", Name: permWorkersScriptsWrite, Scopes: []string{cfclient.AccountScope}},
	{ID: "5e33b7d77788455c9fdf18cbd38ee5a0", Name: permSecretsStoreRead, Scopes: []string{cfclient.AccountScope}},
	{ID: "adc8fa2bc6124928a8b3314dc63a1235", Name: "Account Secrets Store Write", Scopes: []string{cfclient.AccountScope}},
	{ID: "1a71c399035b4950a1bd1466bbe4f420", Name: "Workers Scripts Read", Scopes: []string{cfclient.AccountScope}},
	{ID: "f7f0eda5697f475c90846e879bab8666", Name: "Workers KV Storage Write", Scopes: []string{cfclient.AccountScope}},
	{ID: "3e0b5820118e47f3922f7c989e673882", Name: "Logs Write", Scopes: []string{cfclient.AccountScope + ".zone"}},
	{ID: "96163bd1b0784f62b3e44ed8c2ab1eb6", Name: "Logs Write", Scopes: []string{cfclient.AccountScope}},
}

// FuzzPermissionNameHints: sharesAWord is symmetric and finds a name's own words (other than
// access words); unknownPermissionError never panics, quotes the unknown name, says when it names
// a group of another scope, and suggests exactly the account-scoped names that share a word with it.
func FuzzPermissionNameHints(f *testing.F) {
	f.Add("Workers Scripts: Edit", "Workers Scripts Write")
	f.Add("workers_kv", "Workers KV Storage Write")
	f.Add("", "")
	f.Add("KV", "Workers KV Storage Write")
	f.Add("İstanbul ǅ", "i̇stanbul")
	f.Add("\xff\xfe\xfd", "\xef\xbf\xbd")
	f.Add("DNS Write", "DNS Write")
	f.Add("Logs Edit", "Zone Read")
	f.Fuzz(func(t *testing.T, a, b string) {
		if sharesAWord(a, b) != sharesAWord(b, a) {
			t.Fatalf("sharesAWord(%q, %q) = %v but the reverse is %v", a, b, sharesAWord(a, b), sharesAWord(b, a))
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(a), func(r rune) bool { return strings.ContainsRune(" :-_", r) }) {
			if len(w) >= 3 && !slices.Contains(accessWords, w) && !sharesAWord(a, a) {
				t.Fatalf("%q has the word %q but shares no word with itself", a, w)
			}
		}
		// b is a zone-only group: naming it exactly is told apart from an unknown name.
		groups := append(slices.Clone(fuzzPermissionGroups), cfclient.PermissionGroup{ID: "0000", Name: b, Scopes: []string{cfclient.AccountScope + ".zone"}})
		err := unknownPermissionError(a, groups)
		if err == nil {
			t.Fatal("unknownPermissionError returned nil")
		}
		msg := err.Error()
		if !strings.Contains(msg, strconv.Quote(a)) {
			t.Fatalf("the error does not quote the unknown name %q: %s", a, msg)
		}
		if zoneOnly := a == b || a == "Logs Write"; zoneOnly != strings.Contains(msg, strconv.Quote(a)+" is a zone permission group") {
			t.Fatalf("%q names a zone group: %v, but the error is %s", a, zoneOnly, msg)
		}
		var near []string
		for _, g := range groups {
			if name := strconv.Quote(g.Name); accountScoped(g) && sharesAWord(a, g.Name) && !slices.Contains(near, name) {
				near = append(near, name)
			}
		}
		hasHint := strings.Contains(msg, "Did you mean one of: ")
		if hasHint != (len(near) > 0) {
			t.Fatalf("%q shares a word with %v, but the error is %s", a, near, msg)
		}
		if hasHint && !strings.HasSuffix(msg, "Did you mean one of: "+strings.Join(near, ", ")+"?") {
			t.Fatalf("the suggestions for %q are not %v: %s", a, near, msg)
		}
		if !hasHint && !strings.Contains(msg, "cfsecrets_permission_groups") {
			t.Fatalf("without a suggestion the error should point at the data source: %s", msg)
		}
	})
}

// fuzzSchemaAttribute is one attribute of any schema the provider serves.
type fuzzSchemaAttribute struct {
	where     string // e.g. "resource cfsecrets_secret.value_wo"
	sensitive bool
	// settable: the configuration may set it (required or optional), so a user's value reaches
	// the provider.
	settable bool
	strings  []validator.String
	sets     []validator.Set
}

// fuzzSchemaAttributes collects every attribute of every schema the provider serves, so a
// validator or an argument added later is fuzzed without touching this file.
func fuzzSchemaAttributes(t testing.TB) []fuzzSchemaAttribute {
	t.Helper()
	ctx := context.Background()
	p := &cfsecretsProvider{}
	type schemaOf struct {
		where string
		attrs map[string]any
	}
	var schemas []schemaOf
	collect := func(where string, get func() (map[string]any, diag.Diagnostics)) {
		attrs, diags := get()
		if diags.HasError() {
			t.Fatalf("%s schema: %v", where, diags)
		}
		schemas = append(schemas, schemaOf{where, attrs})
	}
	toAny := func(n string, a any, m map[string]any) { m[n] = a }
	collect("provider", func() (map[string]any, diag.Diagnostics) {
		resp := &fwprovider.SchemaResponse{}
		p.Schema(ctx, fwprovider.SchemaRequest{}, resp)
		m := map[string]any{}
		for n, a := range resp.Schema.GetAttributes() {
			toAny(n, a, m)
		}
		return m, resp.Diagnostics
	})
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		meta := &resource.MetadataResponse{}
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "cfsecrets"}, meta)
		collect("resource "+meta.TypeName, func() (map[string]any, diag.Diagnostics) {
			resp := &resource.SchemaResponse{}
			r.Schema(ctx, resource.SchemaRequest{}, resp)
			m := map[string]any{}
			for n, a := range resp.Schema.GetAttributes() {
				toAny(n, a, m)
			}
			return m, resp.Diagnostics
		})
	}
	for _, newDataSource := range p.DataSources(ctx) {
		d := newDataSource()
		meta := &datasource.MetadataResponse{}
		d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "cfsecrets"}, meta)
		collect("data source "+meta.TypeName, func() (map[string]any, diag.Diagnostics) {
			resp := &datasource.SchemaResponse{}
			d.Schema(ctx, datasource.SchemaRequest{}, resp)
			m := map[string]any{}
			for n, a := range resp.Schema.GetAttributes() {
				toAny(n, a, m)
			}
			return m, resp.Diagnostics
		})
	}
	for _, newEphemeral := range p.EphemeralResources(ctx) {
		e := newEphemeral()
		meta := &ephemeral.MetadataResponse{}
		e.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: "cfsecrets"}, meta)
		collect("ephemeral resource "+meta.TypeName, func() (map[string]any, diag.Diagnostics) {
			resp := &ephemeral.SchemaResponse{}
			e.Schema(ctx, ephemeral.SchemaRequest{}, resp)
			m := map[string]any{}
			for n, a := range resp.Schema.GetAttributes() {
				toAny(n, a, m)
			}
			return m, resp.Diagnostics
		})
	}
	for _, newList := range p.ListResources(ctx) {
		l := newList()
		meta := &resource.MetadataResponse{}
		l.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "cfsecrets"}, meta)
		collect("list resource "+meta.TypeName, func() (map[string]any, diag.Diagnostics) {
			resp := &list.ListResourceSchemaResponse{}
			l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, resp)
			m := map[string]any{}
			for n, a := range resp.Schema.GetAttributes() {
				toAny(n, a, m)
			}
			return m, resp.Diagnostics
		})
	}

	var out []fuzzSchemaAttribute
	for _, s := range schemas {
		names := make([]string, 0, len(s.attrs))
		for n := range s.attrs {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			a := s.attrs[n]
			entry := fuzzSchemaAttribute{where: s.where + "." + n}
			if sv, ok := a.(interface{ StringValidators() []validator.String }); ok {
				entry.strings = sv.StringValidators()
			}
			if sv, ok := a.(interface{ SetValidators() []validator.Set }); ok {
				entry.sets = sv.SetValidators()
			}
			if sens, ok := a.(interface{ IsSensitive() bool }); ok && sens.IsSensitive() {
				entry.sensitive = true
			}
			if wo, ok := a.(interface{ IsWriteOnly() bool }); ok && wo.IsWriteOnly() {
				entry.sensitive = true
			}
			if in, ok := a.(interface {
				IsRequired() bool
				IsOptional() bool
			}); ok {
				entry.settable = in.IsRequired() || in.IsOptional()
			}
			out = append(out, entry)
		}
	}
	if len(out) < 40 {
		t.Fatalf("found only %d attributes; the schema walk is broken", len(out))
	}
	return out
}

// FuzzSchemaValidators feeds one value to every string and set-of-string validator wired into
// any schema of the provider: none panics, each answers with proper attribute errors (also for
// set elements), null and unknown pass, descriptions are set, and no validator of a sensitive or
// write-only attribute quotes its value.
func FuzzSchemaValidators(f *testing.F) {
	for _, s := range []string{"", "x", "stripe_key", "0123456789abcdef0123456789abcdef", "198.51.100.0/24",
		"2026-12-31T23:59:59Z", "15m", "workers", "\x00", "\xff", strings.Repeat("é", 200), "a\"b\\c%s%v"} {
		f.Add(s)
	}
	attributes := slices.DeleteFunc(fuzzSchemaAttributes(f), func(a fuzzSchemaAttribute) bool { return len(a.strings)+len(a.sets) == 0 })
	f.Fuzz(func(t *testing.T, value string) {
		ctx := context.Background()
		for _, a := range attributes {
			v := value
			if a.sensitive {
				v = fuzzSecretMarker + value
			}
			at := path.Root("fuzzed")
			var diags diag.Diagnostics
			for _, sv := range a.strings {
				if sv.Description(ctx) == "" || sv.MarkdownDescription(ctx) == "" {
					t.Errorf("%s: a validator has no description", a.where)
				}
			}
			diags.Append(fuzzValidate(t, a.strings, v)...)
			for _, setV := range a.sets {
				if setV.Description(ctx) == "" {
					t.Errorf("%s: a set validator has no description", a.where)
				}
				for _, set := range []types.Set{
					types.SetValueMust(types.StringType, []attr.Value{types.StringValue(v)}),
					types.SetValueMust(types.StringType, []attr.Value{types.StringValue(v), types.StringValue(v + "#2")}),
					types.SetNull(types.StringType), types.SetUnknown(types.StringType),
				} {
					resp := &validator.SetResponse{}
					setV.ValidateSet(ctx, validator.SetRequest{Path: at, PathExpression: at.Expression(), ConfigValue: set}, resp)
					if (set.IsNull() || set.IsUnknown()) && len(resp.Diagnostics) > 0 {
						t.Errorf("%s: a %s set got diagnostics: %v", a.where, set, resp.Diagnostics)
					}
					fuzzCheckDiagnostics(t, resp.Diagnostics, at)
					diags.Append(resp.Diagnostics...)
				}
			}
			if a.sensitive && strings.Contains(fuzzDiagnosticsText(diags), fuzzSecretMarker) {
				t.Fatalf("%s is sensitive but a diagnostic quotes its value: %.300q", a.where, fuzzDiagnosticsText(diags))
			}
		}
	})
}
