package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// TestRunPrintsEnvAndServes starts the command on a free port, reads its three lines, calls the
// API with them and stops it the way a signal would.
func TestRunPrintsEnvAndServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdoutR, stdoutW := io.Pipe()
	var stderr strings.Builder
	done := make(chan error, 1)
	args := []string{"-listen", "127.0.0.1:0", "-token", "cli-token", "-secrets-quota", "7",
		"-state", filepath.Join(t.TempDir(), "state.json")}
	go func() {
		done <- run(ctx, args, stdoutW, &stderr)
		stdoutW.Close()
	}()

	lines := bufio.NewScanner(stdoutR)
	env := map[string]string{}
	var order []string
	for range 3 {
		if !lines.Scan() {
			t.Fatalf("command stopped before printing its environment: %v (stderr: %s)", <-done, stderr.String())
		}
		key, value, _ := strings.Cut(lines.Text(), "=")
		env[key] = value
		order = append(order, key)
	}
	if want := "CLOUDFLARE_BASE_URL CLOUDFLARE_ACCOUNT_ID CLOUDFLARE_API_TOKEN"; strings.Join(order, " ") != want {
		t.Errorf("printed %v, want %s", order, want)
	}
	if env["CLOUDFLARE_ACCOUNT_ID"] != cloudflaremock.DefaultAccountID || env["CLOUDFLARE_API_TOKEN"] != "cli-token" ||
		!strings.HasPrefix(env["CLOUDFLARE_BASE_URL"], "http://127.0.0.1:") || strings.HasSuffix(env["CLOUDFLARE_BASE_URL"], ":0/client/v4") {
		t.Errorf("environment %v", env)
	}

	req, _ := http.NewRequest(http.MethodGet, env["CLOUDFLARE_BASE_URL"]+"/accounts/"+env["CLOUDFLARE_ACCOUNT_ID"]+"/secrets_store/quota", nil)
	req.Header.Set("Authorization", "Bearer "+env["CLOUDFLARE_API_TOKEN"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"quota":7`) {
		t.Errorf("quota answered %d %s", res.StatusCode, body)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("run after shutdown: %v", err)
	}
	if strings.Contains(stderr.String(), "cli-token") {
		t.Errorf("stderr holds the token: %s", stderr.String())
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-secrets-quota", "0"},
		{"-account-id", "short"},
		{"-latency", "soon"},
		{"stray"},
		{"-listen", "not an address"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%v) succeeded, want an error", args)
		}
	}
}
