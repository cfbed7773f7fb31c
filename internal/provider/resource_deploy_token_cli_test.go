package provider_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// These tests configure the provider twice (an alias with another token). Terraform runs each
// provider configuration in its own plugin process, which only the real CLI with the built
// binary reproduces; in-process test servers share one provider instance between aliases.

func TestCLIDeployToken_deploysAsCIWould(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key")
	mock.DeployWorker(t, "checkout")
	bindStripeKey := []cfclient.Binding{cfclient.NewSecretsStoreBinding("STRIPE_KEY", storeID, "stripe_key")}
	deploy := func(client *cfclient.Client) error {
		return client.DeployWorker(context.Background(), mock.AccountID, "checkout", cfsecretstest.WorkerModule, bindStripeKey...)
	}

	// The usual mistake: a token with Workers Scripts Edit alone gets 10021.
	scriptsOnly, err := mock.Client().CreateAccountToken(context.Background(), cfclient.TokenSpec{
		Name: "scripts-only", AccountID: mock.AccountID, PermissionGroupIDs: []string{groupWorkersScriptsWrite},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := deploy(mock.ClientWithToken(scriptsOnly.Value)); !cfclient.HasCode(err, cfclient.CodeBindingAuthFailed, cfclient.MessageBindingAuthFailed) {
		t.Fatalf("a deploy with a Workers-Scripts-only token answered %v, want 10021", err)
	}

	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
resource "cfsecrets_deploy_token" "ci" {
  name = "ci-deploy"
}
output "token" {
  value     = cfsecrets_deploy_token.ci.value
  sensitive = true
}
`)
	ws.MustRun("apply", "-auto-approve", "-input=false")
	ci := mock.ClientWithToken(strings.TrimSpace(ws.MustRun("output", "-raw", "token").Stdout))
	if err := deploy(ci); err != nil {
		t.Errorf("deploying with the deploy token: %v", err)
	}
	comment := "changed by CI"
	if _, err := ci.UpdateSecret(context.Background(), mock.AccountID, storeID, secretIDByName(t, mock, storeID, "stripe_key"),
		cfclient.SecretPatch{Comment: &comment}); !isStatus(err, 403) {
		t.Errorf("the deploy token changed a secret: %v", err)
	}
	if _, err := ci.CreateAccountToken(context.Background(), cfclient.TokenSpec{
		Name: "escalate", AccountID: mock.AccountID, PermissionGroupIDs: []string{groupSecretsStoreWrite},
	}); !cfclient.HasCode(err, 9109, "") {
		t.Errorf("the deploy token managed tokens: %v", err)
	}

	// The binding resource explains the 10021 that the Workers-Scripts-only token gets.
	ws.Write("binding.tf", `
provider "cfsecrets" {
  alias     = "scripts_only"
  api_token = "`+scriptsOnly.Value+`"
}
resource "cfsecrets_worker_binding" "stripe" {
  provider    = cfsecrets.scripts_only
  script_name = "checkout"
  name        = "STRIPE_KEY_2"
  store_id    = "`+storeID+`"
  secret_name = "stripe_key"
}
`)
	failed := ws.Expect(1, "apply", "-auto-approve", "-input=false")
	said := strings.Join(strings.Fields(failed.Stderr), " ")
	for _, want := range []string{"error 10021", "lacks Account Secrets Store Read",
		"Workers Scripts Edit and Account Secrets Store Read on this account", "cfsecrets_deploy_token"} {
		if !strings.Contains(said, want) {
			t.Errorf("the 10021 diagnostic does not say %q:\n%s", want, failed.Stderr)
		}
	}
}

func TestCLIEphemeralDeployToken_worksDuringTheRunAndIsGoneAfter(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key")
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
ephemeral "cfsecrets_deploy_token" "run" {
  name = "ephemeral-ci"
  ttl  = "10m"
}
provider "cfsecrets" {
  alias     = "ci"
  api_token = ephemeral.cfsecrets_deploy_token.run.value
}
data "cfsecrets_secrets" "seen_by_ci" {
  provider = cfsecrets.ci
  store_id = "`+storeID+`"
}
output "names" {
  value = data.cfsecrets_secrets.seen_by_ci.secrets[*].name
}
`)
	ws.MustRun("apply", "-auto-approve", "-input=false")
	if names := ws.MustRun("output", "-json", "names").Stdout; !strings.Contains(names, "stripe_key") {
		t.Errorf("the data source read through the ephemeral token saw %s", names)
	}
	created, deleted := 0, 0
	for _, r := range mock.Requests(t) {
		switch {
		case r.Method == http.MethodPost && r.Path == "/client/v4/accounts/"+mock.AccountID+"/tokens" && r.Status == 200:
			created++
		case r.Method == http.MethodDelete && strings.Contains(r.Path, "/tokens/") && r.Status == 200:
			deleted++
		}
	}
	if created == 0 || created != deleted {
		t.Errorf("ephemeral tokens: %d created, %d deleted; want every one deleted when the run ends", created, deleted)
	}
	state := ws.ReadFile("terraform.tfstate")
	if strings.Contains(state, "ephemeral-ci") || strings.Contains(state, "cfsecrets_deploy_token") {
		t.Errorf("the ephemeral token reached the state:\n%s", state)
	}
}
