package cfsecretstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/tfcli"
)

var (
	buildOnce   sync.Once
	providerDir string
	buildErr    error
)

// Main runs a test package that uses Workspace or plugin-testing, in an environment where the
// tests depend on nothing of the machine's CLI set-up:
//   - TF_CLI_CONFIG_FILE names an empty CLI configuration, so no provider installation settings
//     of the machine apply, and no warning about a missing or broken configuration comes first in
//     what `version` prints, which plugin-testing reads (OpenTofu prints it on stdout);
//   - plugin-testing gives the in-process provider an address on registry.terraform.io unless
//     TF_ACC_PROVIDER_HOST names another host, so Main sets it, when not set, to the registry of
//     the CLI in use (registry.opentofu.org for OpenTofu).
//
// It removes the provider binary and the configuration afterwards.
func Main(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "cfsecrets-cli-config-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	config := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(config, nil, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	_ = os.Setenv("TF_CLI_CONFIG_FILE", config)
	if _, set := os.LookupEnv("TF_ACC_PROVIDER_HOST"); !set {
		if cli, err := cliInUse(); err == nil {
			_ = os.Setenv("TF_ACC_PROVIDER_HOST", cli.RegistryHost())
		} // else the tests that run a CLI say why they cannot
	}
	defer func() {
		if providerDir != "" {
			_ = os.RemoveAll(providerDir)
		}
	}()
	return m.Run()
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

// WorkspaceOption changes how NewWorkspace sets up a working directory.
type WorkspaceOption func(*workspaceSetup)

type workspaceSetup struct {
	providers []tfcli.LocalProvider // run through dev_overrides
}

// WithProvider installs another provider: source (namespace/type, e.g. "cloudflare/cloudflare")
// is served by the terraform-provider-<type> binary in dir, the way this provider is
// (dev_overrides at the CLI's registry host: no `init`, no registry).
func WithProvider(source, dir string) WorkspaceOption {
	return func(setup *workspaceSetup) {
		setup.providers = append(setup.providers, tfcli.LocalProvider{Source: source, Dir: dir})
	}
}

// NewWorkspace prepares an empty working directory in which the CLI runs the provider built from
// this checkout (dev_overrides, at the address of the CLI's own registry).
func NewWorkspace(t testing.TB, mock *Mock, options ...WorkspaceOption) *Workspace {
	t.Helper()
	dir := t.TempDir()
	setup := workspaceSetup{providers: []tfcli.LocalProvider{{Source: tfcli.Provider, Dir: providerBinaryDir(t)}}}
	for _, option := range options {
		option(&setup)
	}
	cliConfig := filepath.Join(dir, ".terraformrc")
	writeFile(t, cliConfig, CLI(t).DevOverridesConfig(setup.providers...))
	w := &Workspace{t: t, Dir: filepath.Join(dir, "config"), LogPath: filepath.Join(dir, "terraform.log")}
	if err := os.Mkdir(w.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w.env = append(tfcli.IsolatedEnv(os.Environ(), cliConfig),
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
	cmd := exec.Command(CLI(w.t).Path, args...)
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

// cliInUse is the CLI plugin-testing runs: TF_ACC_TERRAFORM_PATH (which `make test` sets from
// TERRAFORM), else terraform on PATH; asked once per test binary what it is.
var cliInUse = sync.OnceValues(func() (tfcli.CLI, error) {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		path = "terraform"
	}
	return tfcli.Detect(context.Background(), path)
})

// CLI is the Terraform or OpenTofu CLI the tests run, the same as plugin-testing's. A test that
// needs one fails without it rather than skip: `make test` checks the CLI first.
func CLI(t testing.TB) tfcli.CLI {
	t.Helper()
	cli, err := cliInUse()
	if err != nil {
		t.Fatalf("this test runs the Terraform CLI: %v", err)
	}
	return cli
}

// RequiredProviders is the terraform block every CLI test configuration starts with.
const RequiredProviders = `
terraform {
  required_providers {
    cfsecrets = { source = "cfsecrets/cfsecrets" }
  }
}
`
