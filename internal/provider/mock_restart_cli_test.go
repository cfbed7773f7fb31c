package provider_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
)

// TestCLI_mockRestartLosesNothing kills the mock process between apply and plan and starts it
// again from its state file: the plan is empty and the secret still holds the value written.
func TestCLI_mockRestartLosesNothing(t *testing.T) {
	stateFile := filepath.Join(t.TempDir(), "mock-state.json")
	first := cfsecretstest.StartMockProcess(t, "-listen", "127.0.0.1:0", "-state", stateFile)
	ws := cfsecretstest.NewWorkspace(t, first.Mock)
	ws.Write("main.tf", secretModule)
	ws.SetVar("stripe_key", "survives-a-restart")
	ws.MustRun("apply", "-auto-approve", "-input=false")
	secretID := strings.TrimSpace(ws.MustRun("output", "-raw", "secret_id").Stdout)
	first.Kill()

	address := strings.TrimPrefix(first.Root, "http://")
	second := cfsecretstest.StartMockProcess(t, "-listen", address, "-state", stateFile)
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode")
	if !second.HoldsValue(t, secretID, "survives-a-restart") {
		t.Errorf("after the restart the mock holds another value for the secret")
	}
}
