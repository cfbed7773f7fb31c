package cfsecretstest

import (
	"os"
	"os/exec"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

var mockBinary builtBinary

// MockProcess is the cloudflare-mock command running as its own process, for tests that kill
// and restart it.
type MockProcess struct {
	*Mock
	cmd *exec.Cmd
}

// StartMockProcess builds the mock command once and runs it with args (always on a loopback port).
func StartMockProcess(t testing.TB, args ...string) *MockProcess {
	t.Helper()
	binary := mockBinary.build(t, "cloudflare-mock", "github.com/cfsecrets/terraform-provider-cfsecrets/internal/cmd/cloudflare-mock")
	cmd := exec.Command(binary, args...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the mock: %v", err)
	}
	p := &MockProcess{Mock: &Mock{}, cmd: cmd}
	t.Cleanup(p.Kill)
	endpoint, err := cloudflaremock.ReadEndpoint(stdout)
	if err != nil {
		t.Fatal(err)
	}
	p.BaseURL, p.Root, p.AccountID, p.Token = endpoint.BaseURL, endpoint.Root(), endpoint.AccountID, endpoint.Token
	return p
}

// Kill stops the process at once (SIGKILL): no chance to save anything on the way out.
func (p *MockProcess) Kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}
