// Package tfcli knows the command-line tool a user runs this provider with, Terraform or
// OpenTofu: which one it is, its version, and the CLI configuration that makes it run the
// provider built from this checkout. `make test`, `make demo`, the benchmark and the CLI tests
// all ask it, so they agree on the one thing that differs between the two: the registry host
// that `source = "cfsecrets/cfsecrets"` resolves to.
package tfcli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"

	"github.com/hashicorp/go-version"
)

// Provider is this provider's source address as configurations write it, without a host.
const Provider = "cfsecrets/cfsecrets"

// Terraform and OpenTofu are the names the CLIs give themselves in `version`.
const (
	Terraform = "Terraform"
	OpenTofu  = "OpenTofu"
)

// minVersion is the first release of either CLI with write-only attributes and ephemeral
// resources (Terraform 1.11, OpenTofu 1.11).
var minVersion = version.Must(version.NewVersion("1.11.0"))

// CLI is one Terraform or OpenTofu executable.
type CLI struct {
	Path    string // absolute
	Name    string // Terraform or OpenTofu
	Version *version.Version
}

// versionLine is the line `version` starts its answer with, e.g. "OpenTofu v1.12.6" or
// "Terraform v1.16.0-alpha20250101". `version -json` would not do: OpenTofu answers it with a
// "terraform_version" key too, so it does not say which CLI it is.
var versionLine = regexp.MustCompile(`(?m)^(Terraform|OpenTofu) v(\S+)[ \t\r]*$`)

// Detect runs `path version` (path is a file or a name on PATH) and reads which CLI it is and
// its version. Both CLIs may print warnings first (OpenTofu on stdout, e.g. when
// TF_CLI_CONFIG_FILE names a missing file), so the answer is looked for line by line. It fails,
// saying what to install, when there is no such CLI or it is older than minVersion; a
// pre-release counts as the release it leads to (1.16.0-alpha as 1.16.0).
func Detect(ctx context.Context, path string) (CLI, error) {
	resolved, err := exec.LookPath(path)
	if err == nil {
		resolved, err = filepath.Abs(resolved)
	}
	if err != nil {
		return CLI{}, fmt.Errorf("no Terraform CLI at %q: %w (install Terraform or OpenTofu %s or later, or set TERRAFORM=/path/to/terraform)",
			path, err, minVersion)
	}
	cmd := exec.CommandContext(ctx, resolved, "version")
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1") // no "is there a newer version" request
	out, err := cmd.Output()
	if err != nil {
		return CLI{}, fmt.Errorf("running `%s version`: %w", resolved, err)
	}
	match := versionLine.FindSubmatch(out)
	if match == nil {
		return CLI{}, fmt.Errorf("`%s version` names neither Terraform nor OpenTofu; it printed:\n%s", resolved, out)
	}
	v, err := version.NewVersion(string(match[2]))
	if err != nil {
		return CLI{}, fmt.Errorf("`%s version` answered %q: %w", resolved, match[0], err)
	}
	cli := CLI{Path: resolved, Name: string(match[1]), Version: v}
	if v.Core().LessThan(minVersion) {
		return CLI{}, fmt.Errorf("this provider needs Terraform or OpenTofu %s or later (write-only attributes, ephemeral resources); %s is %s",
			minVersion, resolved, cli)
	}
	return cli, nil
}

// String names the CLI and its version, e.g. "OpenTofu 1.12.6".
func (c CLI) String() string { return c.Name + " " + c.Version.String() }

// Command is the CLI's usual command name (terraform, tofu), for commands shown to a person.
func (c CLI) Command() string {
	if c.Name == OpenTofu {
		return "tofu"
	}
	return "terraform"
}

// RegistryHost is the host a source address without one resolves to: each CLI defaults to its
// own registry.
func (c CLI) RegistryHost() string {
	if c.Name == OpenTofu {
		return "registry.opentofu.org"
	}
	return "registry.terraform.io"
}

// ProviderAddress is the full address this CLI gives a source such as "cfsecrets/cfsecrets".
func (c CLI) ProviderAddress(source string) string { return c.RegistryHost() + "/" + source }
