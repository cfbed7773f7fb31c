package provider_test

import (
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// TestCLI_logsNeverHoldSecrets runs the built provider through apply, plan and destroy at TRACE
// level with every kind of secret in play, and looks for each in everything that was logged.
func TestCLI_logsNeverHoldSecrets(t *testing.T) {
	const (
		adminToken  = "SENTINEL-admin-token-c4e1a9"
		secretValue = "SENTINEL-secret-value-77d0b3"
		legacyText  = "SENTINEL-legacy-text-2f8e61"
	)
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{AdminToken: adminToken})
	mock.DeployWorker(t, "checkout", cfsecretstest.RawBinding(t, `{"type":"secret_text","name":"LEGACY","text":"`+legacyText+`"}`))
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.SetVar("stripe_key", secretValue)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
variable "stripe_key" {
  type      = string
  ephemeral = true
}
resource "cfsecrets_store" "main" {
  force_destroy = true
}
resource "cfsecrets_secret" "stripe" {
  store_id = cfsecrets_store.main.id
  name     = "stripe_key"
  value_wo = var.stripe_key
  scopes   = ["workers"]
}
resource "cfsecrets_worker_binding" "stripe" {
  script_name = "checkout"
  name        = "STRIPE_KEY"
  store_id    = cfsecrets_store.main.id
  secret_name = cfsecrets_secret.stripe.name
}
resource "cfsecrets_deploy_token" "ci" {
  name              = "ci-deploy"
  rotation_triggers = { n = var.rotation }
}
variable "rotation" {
  type    = string
  default = "1"
}
output "token" {
  value     = cfsecrets_deploy_token.ci.value
  sensitive = true
}
`)
	ws.MustRun("apply", "-auto-approve", "-input=false")
	firstToken := strings.TrimSpace(ws.MustRun("output", "-raw", "token").Stdout)
	ws.SetVar("rotation", "2")
	ws.MustRun("apply", "-auto-approve", "-input=false")
	secondToken := strings.TrimSpace(ws.MustRun("output", "-raw", "token").Stdout)
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode")
	ws.MustRun("destroy", "-auto-approve", "-input=false")

	logs := ws.Logs()
	if !strings.Contains(logs, "Cloudflare API response body") || !strings.Contains(logs, "(redacted)") {
		t.Fatalf("the TRACE log holds no masked API traffic, so this test would prove nothing")
	}
	for what, sentinel := range map[string]string{
		"the provider's API token": adminToken,
		"a secret value":           secretValue,
		"a secret_text binding":    legacyText,
		"the deploy token value":   firstToken,
		"the rolled token value":   secondToken,
	} {
		if sentinel == "" {
			t.Fatalf("no %s to look for", what)
		}
		if strings.Contains(logs, sentinel) {
			t.Errorf("%s appears in the TRACE log", what)
		}
	}
	if strings.Contains(logs, "Bearer ") {
		t.Errorf("an Authorization header value appears in the TRACE log")
	}
}
