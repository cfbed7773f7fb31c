// Command demo is `make demo`: a new user's first minutes with the provider, offline.
//
// It builds the provider from this checkout into a filesystem mirror, starts the mock Cloudflare
// API in this process, and drives the real terraform CLI through the story of
// examples/environments: apply staging and production (one shared module), change things
// outside Terraform, watch a scheduled-style plan find the drift, and repair it. Every step
// checks what it claims and the demo exits non-zero when one does not behave as described.
// Nothing is left behind: the mock stops and the temporary directory goes, also on Ctrl-C.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	terraform := os.Getenv("TERRAFORM")
	if terraform == "" {
		terraform = "terraform"
	}
	err := run(ctx, os.Stdout, terraform)
	interrupted := ctx.Err() != nil
	stop()
	switch {
	case interrupted:
		fmt.Fprintln(os.Stderr, "\ndemo interrupted; the mock is stopped and the temporary files are gone")
		os.Exit(130)
	case err != nil:
		fmt.Fprintf(os.Stderr, "\ndemo FAILED: %v\n", err)
		os.Exit(1)
	}
}
