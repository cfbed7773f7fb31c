package tfcli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeCLI writes an executable that answers `version` with stdout (and stderr) and returns its path.
func fakeCLI(t *testing.T, stdout, stderr string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cli")
	script := "#!/bin/sh\ncat <<'EOF'\n" + stdout + "EOF\ncat >&2 <<'EOF'\n" + stderr + "EOF\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// What the CLIs print, as measured (TF_CLI_CONFIG_FILE naming a missing file): Terraform warns on
// stderr, OpenTofu on stdout before its answer.
const missingConfigWarning = `
Warning: Unable to open CLI configuration file

The CLI configuration file at "/root/.terraformrc" does not exist.
`

func TestDetect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, stdout, stderr  string
		wantName, wantVersion string
		wantHost, wantCommand string
		wantUnsupported       bool
	}{
		{
			name:     "Terraform 1.11",
			stdout:   "Terraform v1.11.4\non linux_amd64\n",
			wantName: Terraform, wantVersion: "1.11.4", wantHost: "registry.terraform.io", wantCommand: "terraform",
		},
		{
			name:     "Terraform warning on stderr",
			stdout:   "Terraform v1.15.9\non linux_amd64\n",
			stderr:   "There are some problems with the CLI configuration:\n" + missingConfigWarning,
			wantName: Terraform, wantVersion: "1.15.9", wantHost: "registry.terraform.io", wantCommand: "terraform",
		},
		{
			name:     "OpenTofu warning on stdout first",
			stdout:   missingConfigWarning + "OpenTofu v1.12.6\non linux_amd64\n",
			wantName: OpenTofu, wantVersion: "1.12.6", wantHost: "registry.opentofu.org", wantCommand: "tofu",
		},
		{
			name:     "pre-release",
			stdout:   "Terraform v1.16.0-alpha20250101\non linux_amd64\n",
			wantName: Terraform, wantVersion: "1.16.0-alpha20250101", wantHost: "registry.terraform.io", wantCommand: "terraform",
		},
		{
			name:     "pre-release of the first supported version",
			stdout:   "OpenTofu v1.11.0-beta1\non linux_amd64\n",
			wantName: OpenTofu, wantVersion: "1.11.0-beta1", wantHost: "registry.opentofu.org", wantCommand: "tofu",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := fakeCLI(t, tc.stdout, tc.stderr)
			cli, err := Detect(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			if cli.Path != path || cli.Name != tc.wantName || cli.Version.String() != tc.wantVersion ||
				cli.RegistryHost() != tc.wantHost || cli.Command() != tc.wantCommand {
				t.Errorf("got %s at %s (host %s, command %s), want %s %s (host %s, command %s)", cli, cli.Path,
					cli.RegistryHost(), cli.Command(), tc.wantName, tc.wantVersion, tc.wantHost, tc.wantCommand)
			}
		})
	}
}

func TestDetectFailsSayingWhy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path string
		want       string
	}{
		{"missing", filepath.Join(t.TempDir(), "terraform"), "set TERRAFORM=/path/to/terraform"},
		{"not a Terraform CLI", fakeCLI(t, "Usage: something else\n", ""), "names neither Terraform nor OpenTofu"},
		{"not a version", fakeCLI(t, "Terraform vnext\n", ""), "vnext"},
		{"too old", fakeCLI(t, "Terraform v1.10.5\non linux_amd64\n\nYour version of Terraform is out of date!\n", ""),
			"needs Terraform or OpenTofu 1.11.0 or later (write-only attributes, ephemeral resources); "},
		{"pre-release of a version too old", fakeCLI(t, "OpenTofu v1.10.0-rc1\n", ""), "is OpenTofu 1.10.0-rc1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Detect(t.Context(), tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Detect = %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// A relative path is made absolute, so commands run in another directory still find the CLI.
func TestDetectMakesThePathAbsolute(t *testing.T) {
	path := fakeCLI(t, "Terraform v1.11.4\n", "")
	t.Chdir(filepath.Dir(path))
	cli, err := Detect(t.Context(), "./"+filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	if cli.Path != path {
		t.Errorf("Path = %s, want %s", cli.Path, path)
	}
}

func TestCLIConfigurationsUseTheRegistryOfTheCLI(t *testing.T) {
	t.Parallel()
	terraform := CLI{Name: Terraform}
	tofu := CLI{Name: OpenTofu}

	got := tofu.DevOverridesConfig(LocalProvider{Source: Provider, Dir: "/build"}, LocalProvider{Source: "cloudflare/cloudflare", Dir: "/stand-in"})
	want := `provider_installation {
  dev_overrides {
    "registry.opentofu.org/cfsecrets/cfsecrets" = "/build"
    "registry.opentofu.org/cloudflare/cloudflare" = "/stand-in"
  }
  direct {}
}
`
	if got != want {
		t.Errorf("DevOverridesConfig:\n%s\nwant:\n%s", got, want)
	}

	got = terraform.MirrorConfig("/mirror", Provider)
	want = `provider_installation {
  filesystem_mirror {
    path    = "/mirror"
    include = ["registry.terraform.io/cfsecrets/cfsecrets"]
  }
}
`
	if got != want {
		t.Errorf("MirrorConfig:\n%s\nwant:\n%s", got, want)
	}

	if got, want := tofu.MirrorPackageDir("/mirror", Provider, "0.1.0"), "/mirror/registry.opentofu.org/cfsecrets/cfsecrets/0.1.0/"; !strings.HasPrefix(got, want) {
		t.Errorf("MirrorPackageDir = %s, want it under %s", got, want)
	}
}

func TestIsolatedEnvKeepsNothingThatPointsElsewhere(t *testing.T) {
	t.Parallel()
	environ := []string{"PATH=/usr/bin", "HOME=/home/ci", "TF_DATA_DIR=/elsewhere", "TF_LOG=TRACE",
		"TF_CLI_CONFIG_FILE=/home/ci/.terraformrc", "CLOUDFLARE_API_TOKEN=real-account-token",
		"CFSECRETS_PER_RESOURCE_READS=1", "CHECKPOINT_TIMEOUT=1"}
	got := IsolatedEnv(environ, "/tmp/run/terraform.rc")
	want := []string{"PATH=/usr/bin", "HOME=/home/ci", "TF_CLI_CONFIG_FILE=/tmp/run/terraform.rc", "TF_IN_AUTOMATION=1",
		"TF_INPUT=0", "CHECKPOINT_DISABLE=1"}
	if !slices.Equal(got, want) {
		t.Errorf("IsolatedEnv = %q, want %q", got, want)
	}
	if environ[2] != "TF_DATA_DIR=/elsewhere" {
		t.Errorf("IsolatedEnv changed the environment it was given: %q", environ)
	}
}
