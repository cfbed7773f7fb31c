// Command cloudflare-mock serves the in-memory Cloudflare API of package cloudflaremock, for
// running the provider, Wrangler or curl against a fake account.
//
// Once listening it prints the three environment lines a client needs, then serves until
// SIGINT or SIGTERM:
//
//	CLOUDFLARE_BASE_URL=http://127.0.0.1:8787/client/v4
//	CLOUDFLARE_ACCOUNT_ID=0123456789abcdef0123456789abcdef
//	CLOUDFLARE_API_TOKEN=mock-admin-token
//
// Flags:
//
//	-listen ADDR              address to listen on (default 127.0.0.1:8787; port 0 picks one)
//	-account-id ID            the account the admin token reaches (32 lowercase hex characters)
//	-token TOKEN              the admin API token (default mock-admin-token)
//	-state FILE               load the state at start, save it after every change (0600: it holds
//	                          secret values); a restarted mock with the same file loses nothing
//	-secrets-quota N          secrets allowed per account (default 100, Cloudflare's beta quota)
//	-latency DURATION         delay added before every /client/v4 request is handled, e.g. 50ms
//	                          (default 0)
//	-rate-limit N             requests allowed per bearer token in any -rate-limit-window; over
//	                          it, 429 code 971 with Retry-After (default 1200, Cloudflare's
//	                          published limit; 0 turns it off)
//	-rate-limit-window DURATION  the sliding window of -rate-limit (default 5m)
//	-faults FILE              injected faults active from the start: the JSON of
//	                          PUT /__mock/faults, {"seed":N,"rules":[...]} (see package
//	                          cloudflaremock, faults.go); GET/PUT/DELETE /__mock/faults change them
//	                          while running
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// shutdownGrace is how long in-flight requests get to finish after a signal.
const shutdownGrace = 5 * time.Second

func main() {
	if err := runUntilSignal(); err != nil {
		fmt.Fprintln(os.Stderr, "cloudflare-mock:", err)
		os.Exit(1)
	}
}

// runUntilSignal is run on the process's arguments, stdout and stderr until SIGINT or SIGTERM.
// It returns before main exits, so the deferred stop runs.
func runUntilSignal() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// run serves until ctx ends. Only the three environment lines go to stdout, so a parent process
// can read them; everything else goes to stderr and never holds a token or a secret value.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("cloudflare-mock", flag.ContinueOnError)
	flags.SetOutput(stderr)
	listen := flags.String("listen", "127.0.0.1:8787", "address to listen on; port 0 picks a free port")
	accountID := flags.String("account-id", cloudflaremock.DefaultAccountID, "the account the token can reach (32 hex characters)")
	token := flags.String("token", cloudflaremock.DefaultAdminToken, "the admin API token, holding every permission on the account")
	stateFile := flags.String("state", "", "state file to load at start and save after every change (holds secret values; written 0600)")
	quota := flags.Int("secrets-quota", 100, "secrets allowed per account")
	latency := flags.Duration("latency", 0, "delay added before every API request is handled, e.g. 50ms")
	rateLimit := flags.Int("rate-limit", cloudflaremock.DefaultRateLimit,
		"API requests allowed per token in any -rate-limit-window, then 429 code 971 with Retry-After; 0 turns it off")
	rateLimitWindow := flags.Duration("rate-limit-window", cloudflaremock.DefaultRateLimitWindow, "the sliding window of -rate-limit")
	faultsFile := flags.String("faults", "", `JSON file of faults to inject from the start, as PUT /__mock/faults takes: {"seed":N,"rules":[...]}`)
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flags.Args())
	}
	if *quota <= 0 {
		return fmt.Errorf("-secrets-quota must be positive, got %d", *quota)
	}
	if *rateLimit < 0 {
		return fmt.Errorf("-rate-limit must not be negative, got %d (0 turns it off)", *rateLimit)
	}
	if *rateLimitWindow <= 0 {
		return fmt.Errorf("-rate-limit-window must be positive, got %s", *rateLimitWindow)
	}
	var faults cloudflaremock.FaultSet
	if *faultsFile != "" {
		data, err := os.ReadFile(*faultsFile)
		if err != nil {
			return fmt.Errorf("-faults: %w", err)
		}
		if faults, err = cloudflaremock.ParseFaults(data); err != nil {
			return fmt.Errorf("-faults %s: %w", *faultsFile, err)
		}
	}

	mock, err := cloudflaremock.New(cloudflaremock.Config{
		AccountID:       *accountID,
		AdminToken:      *token,
		SecretsQuota:    *quota,
		StateFile:       *stateFile,
		Latency:         *latency,
		RateLimit:       *rateLimit,
		RateLimitWindow: *rateLimitWindow,
		Faults:          faults,
	})
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	endpoint := cloudflaremock.Endpoint{BaseURL: fmt.Sprintf("http://%s/client/v4", listener.Addr()),
		AccountID: mock.AccountID(), Token: mock.AdminToken()}
	_ = endpoint.Print(stdout) // a parent that stopped reading does not stop the mock

	server := &http.Server{Handler: mock, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	return nil
}
