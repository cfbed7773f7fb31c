package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// mockProcess is the cloudflare-mock command running as a child process, as a user would run
// it: its latency and rate limit apply to every API request Terraform's provider sends.
type mockProcess struct {
	cmd       *exec.Cmd
	root      string // http://127.0.0.1:<port>: the /__mock control routes
	baseURL   string // root + /client/v4
	accountID string
	token     string
}

// startMock runs the mock binary with args (it always listens on a free loopback port) and
// reads the three environment lines it prints once listening.
func startMock(binary string, args ...string) (*mockProcess, error) {
	cmd := exec.Command(binary, append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	cmd.Stderr = os.Stderr
	// The mock dies with this process even if it is killed without a chance to clean up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the mock: %w", err)
	}
	m := &mockProcess{cmd: cmd}
	endpoint, err := cloudflaremock.ReadEndpoint(stdout)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if err != nil {
		m.stop()
		return nil, err
	}
	m.baseURL, m.root, m.accountID, m.token = endpoint.BaseURL, endpoint.Root(), endpoint.AccountID, endpoint.Token
	return m, nil
}

// stop ends the mock (SIGTERM, then SIGKILL after a grace period).
func (m *mockProcess) stop() {
	if m.cmd.ProcessState != nil {
		return
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-done
	}
}

// env is what the provider needs to reach the mock.
func (m *mockProcess) env() []string {
	return []string{
		"CLOUDFLARE_BASE_URL=" + m.baseURL,
		"CLOUDFLARE_ACCOUNT_ID=" + m.accountID,
		"CLOUDFLARE_API_TOKEN=" + m.token,
	}
}

// control is a client of the mock's /__mock routes.
func (m *mockProcess) control() *cloudflaremock.ControlClient {
	return cloudflaremock.NewControlClient(m.root, nil)
}

// takeRequests returns the request log and clears it.
func (m *mockProcess) takeRequests(ctx context.Context) ([]cloudflaremock.LoggedRequest, error) {
	log, err := m.control().Requests(ctx)
	if err != nil {
		return nil, err
	}
	return log, m.control().ClearRequests(ctx)
}

// client is an admin API client for setting up Workers and checking results, outside Terraform.
// It retries 429s patiently: in the over-the-limit case the checks run on a spent budget.
func (m *mockProcess) client() *cfclient.Client {
	return cfclient.New(cfclient.Config{APIToken: m.token, BaseURL: m.baseURL, MaxRetries: 20})
}

// benchWorkerModule is the module Worker the benchmark deploys before Terraform binds secrets to it.
const benchWorkerModule = `export default {
  async fetch(request, env) {
    return new Response("benchmark worker");
  },
};
`

// deployWorkers uploads the benchmark's Workers as `wrangler deploy` would, with no bindings.
func (m *mockProcess) deployWorkers(ctx context.Context, names []string) error {
	client := m.client()
	for _, name := range names {
		if err := client.DeployWorker(ctx, m.accountID, name, benchWorkerModule); err != nil {
			return err
		}
	}
	return nil
}
