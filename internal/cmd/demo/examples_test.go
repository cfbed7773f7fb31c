package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/provider"
)

// ambient are the objects the single-file examples (resources/, data-sources/,
// ephemeral-resources/) and the guides' snippets refer to without declaring them, as the docs
// assume an account with a store and a secret. Each is validated with examples/provider/provider.tf
// and a declaration of each of these it uses but lacks, so the docs stay short and still cannot
// drift from the schema.
var ambient = []struct{ address, declaration string }{
	{"cfsecrets_store.main", `resource "cfsecrets_store" "main" {}`},
	{"cfsecrets_secret.stripe_key", `resource "cfsecrets_secret" "stripe_key" {
  store_id = "9a7806061c88ada191ed06f989cc3dac"
  name     = "stripe_key"
  value_wo = "declared by the examples test"
  scopes   = ["workers"]
}`},
}

// TestExamplesValidate runs `terraform init` and `terraform validate` on every example directory
// and on the HCL of every guide in docs/guides, against the provider built from this checkout,
// offline, and checks that every resource, data source, ephemeral resource and list resource has
// the examples its documentation page shows. Files for newer CLIs (identity imports, query
// files) are validated by TestExamplesValidate_identityAndQuery.
func TestExamplesValidate(t *testing.T) {
	t.Parallel()
	terraform := terraformForTest(t)
	ex := prepareExamples(t)

	t.Run("every type has examples", func(t *testing.T) {
		t.Parallel()
		schema := providerSchema(t, terraform, ex.mirror, filepath.Join(ex.tmp, "schema"))
		for kind, types := range map[string]map[string]json.RawMessage{
			"resources":           schema.ResourceSchemas,
			"data-sources":        schema.DataSourceSchemas,
			"ephemeral-resources": schema.EphemeralResourceSchemas,
			"list-resources":      schema.ListResourceSchemas,
		} {
			for typeName := range types {
				for _, file := range requiredExamples[kind] {
					if _, err := os.Stat(filepath.Join(ex.root, "examples", kind, typeName, file)); err != nil {
						t.Errorf("%s %s has no examples/%s/%s/%s, which its documentation page shows", kind, typeName, kind, typeName, file)
					}
				}
			}
		}
	})
	for _, dir := range ex.dirs {
		if len(ex.filesFor(t, dir, func(name string) bool { return !forNewerCLIs(name) })) == 0 {
			continue // only query files: the other test's
		}
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(ex.work, dir)
			for _, file := range ex.filesFor(t, dir, forNewerCLIs) {
				if err := os.Remove(filepath.Join(path, file)); err != nil {
					t.Fatal(err)
				}
			}
			ex.validate(t, terraform, dir)
		})
	}
}

// TestExamplesValidate_identityAndQuery validates what only newer CLIs read: import blocks by
// identity (Terraform 1.12) and .tfquery.hcl files (1.14), with `terraform validate -query`,
// each beside the rest of its directory. On older CLIs plugin-testing's version check skips it,
// the one skip the project allows.
func TestExamplesValidate_identityAndQuery(t *testing.T) {
	requireTerraform(t, tfversion.SkipBelow(tfversion.Version1_14_0))
	terraform := terraformForTest(t)
	ex := prepareExamples(t)
	validated := 0
	for _, dir := range ex.dirs {
		newer := ex.filesFor(t, dir, forNewerCLIs)
		if len(newer) == 0 {
			continue
		}
		validated++
		t.Run(dir, func(t *testing.T) {
			// An identity import and the id import beside it adopt the same resource; the id one
			// is TestExamplesValidate's.
			if err := os.Remove(filepath.Join(ex.work, dir, "import-by-string-id.tf")); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			ex.validate(t, terraform, dir, "-query")
		})
	}
	if validated == 0 {
		t.Error("no example or guide has an identity import or a query file to validate")
	}
}

// requireTerraform lets the rest of a test run only on a CLI that passes check. It runs an empty
// plugin-testing case with that TerraformVersionChecks entry: on an older CLI plugin-testing
// skips the test, as it skips acceptance tests.
func requireTerraform(t *testing.T, check tfversion.TerraformVersionCheck) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{check},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"cfsecrets": providerserver.NewProtocol6WithError(provider.New("test")()),
		},
		Steps: []resource.TestStep{{Config: "# Nothing to apply: the case only checks the CLI's version.\n"}},
	})
}

// examples is a copy of examples/ with every guide's HCL beside it, ready to validate against
// the provider in mirror.
type examples struct {
	root      string // the checkout
	tmp, work string
	mirror    *mirror
	dirs      []string // example directories relative to work, guides/<name> included
}

func prepareExamples(t *testing.T) examples {
	t.Helper()
	root, err := repoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ex := examples{root: root, tmp: t.TempDir()}
	if ex.mirror, _, err = buildMirror(t.Context(), root, ex.tmp); err != nil {
		t.Fatal(err)
	}
	ex.work = filepath.Join(ex.tmp, "examples")
	if err := copyTree(filepath.Join(root, "examples"), ex.work); err != nil {
		t.Fatal(err)
	}
	for _, pattern := range []string{"provider", "resources/*", "data-sources/*", "ephemeral-resources/*", "list-resources/*", "environments/*", "modules/*"} {
		matches, err := filepath.Glob(filepath.Join(ex.work, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range matches {
			rel, _ := filepath.Rel(ex.work, dir)
			ex.dirs = append(ex.dirs, filepath.ToSlash(rel))
		}
	}
	guides, err := filepath.Glob(filepath.Join(root, "docs", "guides", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, guide := range guides {
		dir := "guides/" + strings.TrimSuffix(filepath.Base(guide), ".md")
		if writeGuideSnippets(t, guide, filepath.Join(ex.work, dir)) {
			ex.dirs = append(ex.dirs, dir)
		}
	}
	return ex
}

// forNewerCLIs tells the files only newer CLIs read: identity imports and query files.
func forNewerCLIs(name string) bool {
	return strings.HasSuffix(name, ".tfquery.hcl") || strings.HasSuffix(name, ".tf") && strings.Contains(name, "identity")
}

// filesFor lists the files of an example directory that match.
func (ex examples) filesFor(t *testing.T, dir string, match func(name string) bool) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(ex.work, dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && match(e.Name()) {
			names = append(names, e.Name())
		}
	}
	return names
}

// validate runs init and validate (with extra flags) in an example directory, first completing
// a single-file example with the provider configuration and the objects it assumes.
func (ex examples) validate(t *testing.T, terraform, dir string, validateFlags ...string) {
	t.Helper()
	path := filepath.Join(ex.work, dir)
	if kind := strings.Split(dir, "/")[0]; kind == "resources" || kind == "data-sources" || kind == "ephemeral-resources" ||
		kind == "list-resources" || kind == "guides" {
		completeSingleFileExample(t, path, filepath.Join(ex.work, "provider", "provider.tf"))
	}
	env := terraformEnv(ex.mirror)
	for _, args := range [][]string{{"init", "-backend=false", "-no-color"}, append([]string{"validate", "-no-color"}, validateFlags...)} {
		res, err := runCommand(t.Context(), path, env, terraform, args...)
		if err != nil {
			t.Fatal(err)
		}
		if res.ExitCode != 0 {
			t.Fatalf("terraform %s in examples/%s exited %d:\n%s", strings.Join(args, " "), dir, res.ExitCode, res.Output)
		}
	}
}

// requiredExamples are the files each kind of documentation page is rendered from.
var requiredExamples = map[string][]string{
	"resources":           {"resource.tf", "import.sh", "import-by-string-id.tf", "import-by-identity.tf"},
	"data-sources":        {"data-source.tf"},
	"ephemeral-resources": {"ephemeral-resource.tf"},
	"list-resources":      {"list-resource.tfquery.hcl"},
}

// writeGuideSnippets writes the ```terraform blocks of a rendered guide into dir, and reports
// whether the guide has any. Blocks with a list block go to guide.tfquery.hcl and blocks with an
// import by identity to guide_identity.tf, which only newer CLIs read; the rest to guide.tf.
func writeGuideSnippets(t *testing.T, guide, dir string) bool {
	t.Helper()
	content, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*strings.Builder{}
	var block strings.Builder
	inBlock := false
	for _, line := range strings.Split(string(content), "\n") {
		switch {
		case !inBlock && strings.TrimSpace(line) == "```terraform":
			inBlock = true
			block.Reset()
		case inBlock && strings.TrimSpace(line) == "```":
			inBlock = false
			name := "guide.tf"
			switch {
			case listBlock.MatchString(block.String()):
				name = "guide.tfquery.hcl"
			case identityImport.MatchString(block.String()):
				name = "guide_identity.tf"
			}
			if files[name] == nil {
				files[name] = &strings.Builder{}
			}
			files[name].WriteString(block.String() + "\n")
		case inBlock:
			block.WriteString(line + "\n")
		}
	}
	if len(files) == 0 {
		return false
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, config := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(config.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return true
}

var (
	listBlock      = regexp.MustCompile(`(?m)^list\s+"`)
	identityImport = regexp.MustCompile(`(?m)^\s*identity\s*=`)
)

// completeSingleFileExample adds the provider requirements and the ambient objects the example
// uses but does not declare.
func completeSingleFileExample(t *testing.T, dir, providerFile string) {
	t.Helper()
	var config strings.Builder
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	for _, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		config.Write(content)
	}
	if err := copyFile(providerFile, filepath.Join(dir, "provider.tf")); err != nil {
		t.Fatal(err)
	}
	var declarations []string
	for _, a := range ambient {
		typeName, name, _ := strings.Cut(a.address, ".")
		declared := fmt.Sprintf("resource %q %q", typeName, name)
		if strings.Contains(config.String(), a.address+".") && !strings.Contains(config.String(), declared) {
			declarations = append(declarations, a.declaration)
		}
	}
	if len(declarations) > 0 {
		content := strings.Join(declarations, "\n\n") + "\n"
		if err := os.WriteFile(filepath.Join(dir, "ambient_test_only.tf"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type schemas struct {
	ResourceSchemas          map[string]json.RawMessage `json:"resource_schemas"`
	DataSourceSchemas        map[string]json.RawMessage `json:"data_source_schemas"`
	EphemeralResourceSchemas map[string]json.RawMessage `json:"ephemeral_resource_schemas"`
	// ListResourceSchemas is empty before Terraform 1.14, which has no list resources.
	ListResourceSchemas map[string]json.RawMessage `json:"list_resource_schemas"`
}

// providerSchema asks terraform for the provider's schema, the list of every type it serves.
func providerSchema(t *testing.T, terraform string, m *mirror, dir string) schemas {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	config := "terraform {\n  required_providers {\n    cfsecrets = { source = \"cfsecrets/cfsecrets\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	env := terraformEnv(m)
	var res result
	for _, args := range [][]string{{"init", "-backend=false", "-no-color"}, {"providers", "schema", "-json"}} {
		var err error
		if res, err = runCommand(t.Context(), dir, env, terraform, args...); err != nil {
			t.Fatal(err)
		}
		if res.ExitCode != 0 {
			t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), res.ExitCode, res.Output)
		}
	}
	var answer struct {
		ProviderSchemas map[string]schemas `json:"provider_schemas"`
	}
	if err := json.Unmarshal([]byte(res.Output), &answer); err != nil {
		t.Fatalf("reading the provider schema: %v", err)
	}
	got, ok := answer.ProviderSchemas[providerSource]
	if !ok {
		t.Fatalf("terraform knows no schema for %s; it knows %v", providerSource, slices.Sorted(maps.Keys(answer.ProviderSchemas)))
	}
	return got
}
