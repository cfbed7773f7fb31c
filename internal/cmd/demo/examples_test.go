package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/tfcli"
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
// offline, and checks that every resource, data source and ephemeral resource has the examples
// its documentation page shows.
func TestExamplesValidate(t *testing.T) {
	t.Parallel()
	cli := cfsecretstest.CLI(t)
	root, err := repoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	m, _, err := buildMirror(t.Context(), cli, root, tmp)
	if err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(tmp, "examples")
	if err := copyTree(filepath.Join(root, "examples"), work); err != nil {
		t.Fatal(err)
	}

	var dirs []string
	for _, pattern := range []string{"provider", "resources/*", "data-sources/*", "ephemeral-resources/*", "environments/*", "modules/*"} {
		matches, err := filepath.Glob(filepath.Join(work, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range matches {
			rel, _ := filepath.Rel(work, dir)
			dirs = append(dirs, filepath.ToSlash(rel))
		}
	}
	guides, err := filepath.Glob(filepath.Join(root, "docs", "guides", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, guide := range guides {
		dir := "guides/" + strings.TrimSuffix(filepath.Base(guide), ".md")
		if writeGuideSnippets(t, guide, filepath.Join(work, dir)) {
			dirs = append(dirs, dir)
		}
	}

	t.Run("every type has examples", func(t *testing.T) {
		t.Parallel()
		schema := providerSchema(t, cli, m, filepath.Join(tmp, "schema"))
		for kind, types := range map[string]map[string]json.RawMessage{
			"resources":           schema.ResourceSchemas,
			"data-sources":        schema.DataSourceSchemas,
			"ephemeral-resources": schema.EphemeralResourceSchemas,
		} {
			for typeName := range types {
				for _, file := range requiredExamples[kind] {
					if _, err := os.Stat(filepath.Join(work, kind, typeName, file)); err != nil {
						t.Errorf("%s %s has no examples/%s/%s/%s, which its documentation page shows", kind, typeName, kind, typeName, file)
					}
				}
			}
		}
	})
	for _, dir := range dirs {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(work, dir)
			if kind := strings.Split(dir, "/")[0]; kind == "resources" || kind == "data-sources" || kind == "ephemeral-resources" || kind == "guides" {
				completeSingleFileExample(t, path, filepath.Join(work, "provider", "provider.tf"))
			}
			env := terraformEnv(m)
			for _, args := range [][]string{{"init", "-backend=false", "-no-color"}, {"validate", "-no-color"}} {
				res, err := runCommand(t.Context(), path, env, cli.Path, args...)
				if err != nil {
					t.Fatal(err)
				}
				if res.ExitCode != 0 {
					t.Fatalf("terraform %s in examples/%s exited %d:\n%s", args[0], dir, res.ExitCode, res.Output)
				}
			}
		})
	}
}

// requiredExamples are the files each kind of documentation page is rendered from.
var requiredExamples = map[string][]string{
	"resources":           {"resource.tf", "import.sh", "import-by-string-id.tf"},
	"data-sources":        {"data-source.tf"},
	"ephemeral-resources": {"ephemeral-resource.tf"},
}

// writeGuideSnippets writes the ```terraform blocks of a rendered guide into dir as one
// configuration, and reports whether the guide has any.
func writeGuideSnippets(t *testing.T, guide, dir string) bool {
	t.Helper()
	content, err := os.ReadFile(guide)
	if err != nil {
		t.Fatal(err)
	}
	var config strings.Builder
	inBlock := false
	for _, line := range strings.Split(string(content), "\n") {
		switch {
		case !inBlock && strings.TrimSpace(line) == "```terraform":
			inBlock = true
		case inBlock && strings.TrimSpace(line) == "```":
			inBlock = false
			config.WriteString("\n")
		case inBlock:
			config.WriteString(line + "\n")
		}
	}
	if config.Len() == 0 {
		return false
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "guide.tf"), []byte(config.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return true
}

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
}

// providerSchema asks terraform for the provider's schema, the list of every type it serves.
func providerSchema(t *testing.T, cli tfcli.CLI, m *mirror, dir string) schemas {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfsecretstest.RequiredProviders), 0o644); err != nil {
		t.Fatal(err)
	}
	env := terraformEnv(m)
	var res result
	for _, args := range [][]string{{"init", "-backend=false", "-no-color"}, {"providers", "schema", "-json"}} {
		var err error
		if res, err = runCommand(t.Context(), dir, env, cli.Path, args...); err != nil {
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
	address := cli.ProviderAddress(tfcli.Provider)
	got, ok := answer.ProviderSchemas[address]
	if !ok {
		t.Fatalf("%s knows no schema for %s; it knows %v", cli, address, slices.Sorted(maps.Keys(answer.ProviderSchemas)))
	}
	return got
}
