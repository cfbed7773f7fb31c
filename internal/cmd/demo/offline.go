package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/tfcli"
)

// Terraform installs the provider built from this checkout from a local filesystem mirror, the
// way it installs any released provider, so `terraform init` works (local modules included) and
// never reaches a registry. dev_overrides would not do: `init` still asks the registry for an
// overridden provider, and fails offline.
//
// providerVersion is the version the mirror offers. It must be a release version: Terraform
// never selects a pre-release (0.1.0-dev) unless a configuration pins it exactly.
const providerVersion = "0.1.0"

// repoRoot is the directory of this checkout's go.mod, found the way the go command finds it, so
// the demo and its tests work from any directory inside the checkout.
func repoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding the checkout with `go env GOMOD`: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the demo from inside the terraform-provider-cfsecrets checkout (no go.mod found)")
	}
	return filepath.Dir(gomod), nil
}

// mirror is a filesystem mirror holding one provider package, and the CLI configuration that
// makes Terraform install from it and from nowhere else.
type mirror struct {
	Dir        string // the mirror root
	Binary     string // the provider executable inside it
	ConfigFile string // the CLI configuration, for TF_CLI_CONFIG_FILE
	Config     string // its content
}

// buildMirror builds the provider from the checkout at root into a filesystem mirror under dir,
// laid out for the registry host of cli, and writes a CLI configuration whose only installation
// method is that mirror (tfcli.MirrorConfig). It also returns the build command as a person would
// type it.
func buildMirror(ctx context.Context, cli tfcli.CLI, root, dir string) (*mirror, string, error) {
	m := &mirror{Dir: filepath.Join(dir, "providers")}
	platformDir := cli.MirrorPackageDir(m.Dir, tfcli.Provider, providerVersion)
	if err := os.MkdirAll(platformDir, 0o755); err != nil {
		return nil, "", err
	}
	m.Binary = filepath.Join(platformDir, "terraform-provider-cfsecrets_v"+providerVersion)
	args := []string{"build", "-ldflags", "-X main.version=" + providerVersion, "-o", m.Binary, "."}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	m.Config = cli.MirrorConfig(m.Dir, tfcli.Provider)
	m.ConfigFile = filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(m.ConfigFile, []byte(m.Config), 0o644); err != nil {
		return nil, "", err
	}
	shown := fmt.Sprintf("go build -ldflags %q -o %s .", args[2], m.Binary)
	return m, shown, nil
}

// terraformEnv is the environment every terraform command runs with: the caller's, isolated
// (tfcli.IsolatedEnv) with the mirror's CLI configuration, plus extra.
func terraformEnv(m *mirror, extra ...string) []string {
	return append(tfcli.IsolatedEnv(os.Environ(), m.ConfigFile), extra...)
}

// result is what one command printed (stdout and stderr interleaved) and its exit code.
type result struct {
	Output   string
	ExitCode int
	Took     time.Duration
}

// runCommand runs a command (terraform, or a script that runs it) in dir. A non-zero exit is a
// result, not an error: callers decide which codes they expect. When ctx ends, the command gets
// an interrupt and time to stop cleanly, as terraform needs to release its state.
func runCommand(ctx context.Context, dir string, env []string, name string, args ...string) (result, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 20 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := result{Output: out.String(), Took: time.Since(start)}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return res, ctx.Err()
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	case err != nil:
		return res, fmt.Errorf("running %s %s: %w", name, strings.Join(args, " "), err)
	}
	return res, nil
}

// copyTree copies the Terraform files under src to dst, leaving out anything a local terraform
// run may have left there (.terraform, state, lock files), so runs start clean and write nothing
// into the checkout.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		name := d.Name()
		switch {
		case d.IsDir() && name == ".terraform":
			return filepath.SkipDir
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case name == ".terraform.lock.hcl" || strings.HasSuffix(name, ".tfstate") || strings.HasSuffix(name, ".tfstate.backup"):
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	info, err := os.Stat(src)
	if err != nil {
		return err
	}
	content, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, content, info.Mode().Perm())
}
