package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
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
		_ = stdoutW.Close()
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
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"quota":7`) {
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
	dir := t.TempDir()
	badFaults := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badFaults, []byte(`{"rules":[{"kind":"error"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-secrets-quota", "0"},
		{"-account-id", "short"},
		{"-latency", "soon"},
		{"-latency", "-1s"},
		{"-rate-limit", "-1"},
		{"-rate-limit-window", "0s"},
		{"-rate-limit-window", "soon"},
		{"-faults", filepath.Join(dir, "missing.json")},
		{"-faults", badFaults},
		{"stray"},
		{"-listen", "not an address"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("run(%v) succeeded, want an error", args)
		}
	}
}

// startCommand runs the command with args on a free port and returns its base URL (the
// CLOUDFLARE_BASE_URL line) and the root where /__mock lives; it stops at the end of the test.
func startCommand(t *testing.T, args ...string) (baseURL, root string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), stdoutW, io.Discard)
		_ = stdoutW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	lines := bufio.NewScanner(stdoutR)
	if !lines.Scan() {
		t.Fatalf("command stopped before printing its environment")
	}
	baseURL = strings.TrimPrefix(lines.Text(), "CLOUDFLARE_BASE_URL=")
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	return baseURL, strings.TrimSuffix(baseURL, "/client/v4")
}

func get(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header = header
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// TestRunRateLimitAndFaults: -rate-limit and -rate-limit-window limit each token, and -faults
// injects from the start what PUT /__mock/faults would.
func TestRunRateLimitAndFaults(t *testing.T) {
	faults := filepath.Join(t.TempDir(), "faults.json")
	if err := os.WriteFile(faults, []byte(`{"seed":11,"rules":[
		{"method":"GET","path":"/accounts/*/secrets_store/stores","probability":1,"kind":"error","status":503}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, root := startCommand(t, "-rate-limit", "2", "-rate-limit-window", "1m", "-faults", faults)
	account := base + "/accounts/" + cloudflaremock.DefaultAccountID + "/secrets_store"
	auth := http.Header{"Authorization": {"Bearer " + cloudflaremock.DefaultAdminToken}}

	if res, body := get(t, account+"/stores", auth); res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"service_unavailable"`) {
		t.Errorf("faulted request answered %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, account+"/quota", auth); res.StatusCode != http.StatusOK {
		t.Errorf("second request answered %d", res.StatusCode)
	}
	res, body := get(t, account+"/quota", auth)
	// The first request left a 1-minute window less than a second ago.
	if retry, err := strconv.Atoi(res.Header.Get("Retry-After")); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `"code":971`) ||
		err != nil || retry < 59 || retry > 60 {
		t.Errorf("third request answered %d Retry-After %q %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	if _, view := get(t, root+"/__mock/faults", nil); !strings.Contains(view, `"seed":11`) || !strings.Contains(view, `"error":1`) {
		t.Errorf("GET /__mock/faults: %s", view)
	}
	if _, log := get(t, root+"/__mock/requests", nil); strings.Count(log, `"status":429`) != 1 || strings.Count(log, `"fault":"error"`) != 1 {
		t.Errorf("request log: %s", log)
	}

	// -rate-limit 0 turns the limit off.
	base, _ = startCommand(t, "-rate-limit", "0")
	for range 5 {
		if res, body := get(t, base+"/accounts/"+cloudflaremock.DefaultAccountID+"/secrets_store/quota", auth); res.StatusCode != http.StatusOK {
			t.Fatalf("with -rate-limit 0: %d %s", res.StatusCode, body)
		}
	}
}

// TestRunUsage: every flag is documented, the rate limit on by default at Cloudflare's 1200 per 5m.
func TestRunUsage(t *testing.T) {
	var usage strings.Builder
	if err := run(context.Background(), []string{"-h"}, io.Discard, &usage); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"-latency duration", "-secrets-quota int", "(default 100)", "-faults string", "PUT /__mock/faults",
		"-rate-limit int", "(default 1200)", "-rate-limit-window duration", "(default 5m0s)", "-state string",
	} {
		if !strings.Contains(usage.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, usage.String())
		}
	}
}
