// Command cli-check is what `make test`, `make testacc` and `make bench` run first: it checks
// that its argument (TERRAFORM) is Terraform or OpenTofu 1.11 or later, says which on stderr,
// and prints the CLI's absolute path on stdout, for TF_ACC_TERRAFORM_PATH.
//
//	go run ./internal/cmd/cli-check terraform
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/tfcli"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		_, _ = fmt.Fprintln(stderr, "usage: cli-check TERRAFORM (a path, or a name on PATH)")
		return 2
	}
	cli, err := tfcli.Detect(ctx, args[0])
	if err != nil {
		_, _ = fmt.Fprintln(stderr, err)
		return 1
	}
	_, _ = fmt.Fprintf(stderr, "%s at %s (provider addresses resolve to %s)\n", cli, cli.Path, cli.RegistryHost())
	_, _ = fmt.Fprintln(stdout, cli.Path)
	return 0
}
