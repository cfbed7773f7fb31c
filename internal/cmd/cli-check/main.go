// Command cli-check is what the make targets run first: it checks that its argument (TERRAFORM)
// is Terraform or OpenTofu 1.11 or later, says which on stderr, and prints the CLI's absolute
// path on stdout, for TF_ACC_TERRAFORM_PATH. With -terraform-min it also requires Terraform (not
// OpenTofu) of at least that version, as `make generate` does for tfplugindocs.
//
//	go run ./internal/cmd/cli-check [-terraform-min 1.14.0] terraform
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/go-version"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/tfcli"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("cli-check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	terraformMin := flags.String("terraform-min", "", "also require Terraform, not OpenTofu, of at least this version")
	if err := flags.Parse(args); err != nil || flags.NArg() != 1 {
		_, _ = fmt.Fprintln(stderr, "usage: cli-check [-terraform-min VERSION] TERRAFORM (a path, or a name on PATH)")
		return 2
	}
	cli, err := tfcli.Detect(ctx, flags.Arg(0))
	if err == nil && *terraformMin != "" {
		err = requireTerraform(cli, *terraformMin)
	}
	if err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return 1
	}
	_, _ = fmt.Fprintf(stderr, "%s at %s (provider addresses resolve to %s)\n", cli, cli.Path, cli.RegistryHost())
	_, _ = fmt.Fprintln(stdout, cli.Path)
	return 0
}

// requireTerraform fails unless cli is Terraform of at least minimum (a pre-release counting as
// its release).
func requireTerraform(cli tfcli.CLI, minimum string) error {
	want, err := version.NewVersion(minimum)
	if err != nil {
		return fmt.Errorf("-terraform-min: %w", err)
	}
	if cli.Name != tfcli.Terraform || cli.Version.Core().LessThan(want) {
		return fmt.Errorf("this needs Terraform %s or later; %s is %s (set TERRAFORM=/path/to/terraform)", want, cli.Path, cli)
	}
	return nil
}
