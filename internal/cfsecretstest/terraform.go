package cfsecretstest

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce   sync.Once
	providerDir string
	buildErr    error
)

// Main runs a test package that uses Workspace and removes the provider binary afterwards.
func Main(m *testing.M) {
	code := m.Run()
	if providerDir != "" {
		_ = os.RemoveAll(providerDir)
	}
	os.Exit(code)
}

// providerBinaryDir builds the provider from this checkout once per test binary, so CLI tests
// run exactly what users run.
func providerBinaryDir(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		providerDir, buildErr = os.MkdirTemp("", "cfsecrets-provider-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(providerDir, "terraform-provider-cfsecrets"),
			"github.com/cfsecrets/terraform-provider-cfsecrets")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("building the provider: %v", buildErr)
	}
	return providerDir
}

// Workspace is a Terraform working directory driven through the real terraform CLI, with the
// provider pointed at a mock by environment variables and every log line captured at TRACE.
type Workspace struct {
	t       testing.TB
	Dir     string
	LogPath string
	env     []string
}

// Result is what one terraform command printed and how it exited.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
}

// WorkspaceOption adds to what NewWorkspace sets up.
type WorkspaceOption func(overrides map[string]string)

// WithProvider installs another provider: source (namespace/type, e.g. "cloudflare/cloudflare")
// is served by the terraform-provider-<type> binary in dir, the way this provider is.
func WithProvider(source, dir string) WorkspaceOption {
	return func(overrides map[string]string) { overrides[source] = dir }
}

// ProviderHost is the registry host the CLI under test gives provider sources: what
// TF_ACC_PROVIDER_HOST says (plugin-testing reads it too; registry.opentofu.org for OpenTofu),
// else Terraform's registry.terraform.io. State and dev_overrides name providers with it.
func ProviderHost() string {
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" {
		return host
	}
	return "registry.terraform.io"
}

// NewWorkspace prepares an empty working directory using the provider built from this checkout.
func NewWorkspace(t testing.TB, mock *Mock, opts ...WorkspaceOption) *Workspace {
	t.Helper()
	dir := t.TempDir()
	overrides := map[string]string{"cfsecrets/cfsecrets": providerBinaryDir(t)}
	for _, opt := range opts {
		opt(overrides)
	}
	var config strings.Builder
	config.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, source := range slices.Sorted(maps.Keys(overrides)) {
		fmt.Fprintf(&config, "    %q = %q\n", ProviderHost()+"/"+source, overrides[source])
	}
	config.WriteString("  }\n  direct {}\n}\n")
	cliConfig := filepath.Join(dir, ".terraformrc")
	writeFile(t, cliConfig, config.String())
	w := &Workspace{t: t, Dir: filepath.Join(dir, "config"), LogPath: filepath.Join(dir, "terraform.log")}
	if err := os.Mkdir(w.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w.env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"TF_LOG=TRACE",
		"TF_LOG_PATH="+w.LogPath,
		"CLOUDFLARE_BASE_URL="+mock.BaseURL,
		"CLOUDFLARE_API_TOKEN="+mock.Token,
		"CLOUDFLARE_ACCOUNT_ID="+mock.AccountID,
	)
	return w
}

// Write puts a file into the working directory.
func (w *Workspace) Write(name, content string) {
	w.t.Helper()
	writeFile(w.t, filepath.Join(w.Dir, name), content)
}

// SetVar passes an input variable through the environment (TF_VAR_name), the way CI feeds
// secrets to Terraform without writing them into files.
func (w *Workspace) SetVar(name, value string) {
	w.env = append(w.env, "TF_VAR_"+name+"="+value)
}

// Run runs terraform with args in the working directory; args[0] is the subcommand.
func (w *Workspace) Run(args ...string) Result {
	w.t.Helper()
	if args[0] != "state" { // the state subcommands take no -no-color
		args = append([]string{args[0], "-no-color"}, args[1:]...)
	}
	cmd := exec.Command(terraformCLI(), args...)
	cmd.Dir = w.Dir
	cmd.Env = w.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	result := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		result.ExitCode = exitErr.ExitCode()
	case err != nil:
		w.t.Fatalf("running terraform %s: %v", strings.Join(args, " "), err)
	}
	return result
}

// MustRun runs terraform and fails the test unless it exits with 0.
func (w *Workspace) MustRun(args ...string) Result {
	w.t.Helper()
	return w.Expect(0, args...)
}

// Expect runs terraform and fails the test unless it exits with code.
func (w *Workspace) Expect(code int, args ...string) Result {
	w.t.Helper()
	result := w.Run(args...)
	if result.ExitCode != code {
		w.t.Fatalf("terraform %s exited %d, want %d\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), result.ExitCode, code, result.Stdout, result.Stderr)
	}
	return result
}

// ReadFile returns a file of the working directory, e.g. terraform.tfstate.
func (w *Workspace) ReadFile(name string) string {
	w.t.Helper()
	content, err := os.ReadFile(filepath.Join(w.Dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(content)
}

// Logs returns everything Terraform and the provider logged at TRACE level so far.
func (w *Workspace) Logs() string {
	w.t.Helper()
	content, err := os.ReadFile(w.LogPath)
	if err != nil {
		w.t.Fatal(err)
	}
	return string(content)
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// terraformCLI is the CLI the acceptance tests use (TF_ACC_TERRAFORM_PATH, which `make test` sets
// from TERRAFORM), else the one on PATH, so CLI tests and plugin-testing run the same binary.
func terraformCLI() string {
	if path := os.Getenv("TF_ACC_TERRAFORM_PATH"); path != "" {
		return path
	}
	return "terraform"
}

// RequiredProviders is the terraform block every CLI test configuration starts with.
const RequiredProviders = `
terraform {
  required_providers {
    cfsecrets = { source = "cfsecrets/cfsecrets" }
  }
}
`
