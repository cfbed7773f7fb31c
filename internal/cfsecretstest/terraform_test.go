package cfsecretstest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

func TestMain(m *testing.M) { Main(m) }

// TestCLIWorkspace_runsStandInProviders: a provider given with WithLocalProvider runs through
// dev_overrides beside the provider under test, at the address of the CLI's own registry, with no
// `init`. The stand-in for cloudflare/cloudflare is this provider's binary under that name.
func TestCLIWorkspace_runsStandInProviders(t *testing.T) {
	standIn := t.TempDir()
	binary, err := os.ReadFile(filepath.Join(providerBinaryDir(t), "terraform-provider-cfsecrets"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(standIn, "terraform-provider-cloudflare"), binary, 0o755); err != nil {
		t.Fatal(err)
	}
	ws := NewWorkspace(t, StartMock(t, cloudflaremock.Config{}), WithLocalProvider("cloudflare/cloudflare", standIn))
	ws.Write("main.tf", `
terraform {
  required_providers {
    cfsecrets  = { source = "cfsecrets/cfsecrets" }
    cloudflare = { source = "cloudflare/cloudflare" }
  }
}

resource "cfsecrets_store" "served_by_the_stand_in" {
  provider = cloudflare
}
`)
	res := ws.MustRun("validate")
	output := res.Stdout + res.Stderr
	// An override at another registry's address would be ignored, and validate would find no
	// cloudflare/cloudflare to run.
	for _, want := range []string{"cloudflare/cloudflare in " + standIn, "The configuration is valid"} {
		if !strings.Contains(output, want) {
			t.Errorf("validate printed no %q:\n%s", want, output)
		}
	}
}

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
