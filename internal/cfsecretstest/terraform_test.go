package cfsecretstest

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

// TestCLIMain_setsUpTheCLIEnvironment: under Main, plugin-testing runs the CLI with an empty CLI
// configuration (a missing one makes OpenTofu print a warning where plugin-testing reads its
// version) and gives the provider an address on the CLI's own registry.
func TestCLIMain_setsUpTheCLIEnvironment(t *testing.T) {
	if content, err := os.ReadFile(os.Getenv("TF_CLI_CONFIG_FILE")); err != nil || len(content) != 0 {
		t.Errorf("TF_CLI_CONFIG_FILE=%s: %q, %v; want an empty file", os.Getenv("TF_CLI_CONFIG_FILE"), content, err)
	}
	if got, want := os.Getenv("TF_ACC_PROVIDER_HOST"), CLI(t).RegistryHost(); got != want {
		t.Errorf("TF_ACC_PROVIDER_HOST=%s, want %s for %s", got, want, CLI(t))
	}
}
