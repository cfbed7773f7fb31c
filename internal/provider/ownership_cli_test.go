package provider_test

import (
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// The plan already says when a create would run into an object someone else made, with the
// import block that adopts it; the apply then refuses the create (ownership_test.go).
func TestCLI_planWarnsWhenACreateWouldMeetAnObjectSomeoneElseMade(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "taken", "prod_owner", "github_owner")
	mock.DeployWorker(t, "teardown", cfclient.NewSecretsStoreBinding("OWNER", storeID, "prod_owner"))
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
resource "cfsecrets_store" "main" {}
resource "cfsecrets_secret" "taken" {
  store_id = "`+storeID+`"
  name     = "taken"
  value_wo = "not-a-real-secret"
  scopes   = ["workers"]
}
`+bindingOf("teardown", "OWNER", storeID, "github_owner"))
	out := ws.MustRun("plan", "-input=false")
	saysAll(t, "the plan", out.Stdout+out.Stderr,
		"A secret with this name already exists", `Store `+storeID+` already holds a secret named "taken"`,
		`id = "`+mock.AccountID+`/`+storeID+`/taken"`,
		"The Worker already has this binding", `bound to secret "prod_owner"`, `id = "`+mock.AccountID+`/teardown/OWNER"`,
		"the apply will refuse to create it",
		"The account already has a Secrets Store", `The existing store is "default_secrets_store" with id `+storeID,
		`id = "`+mock.AccountID+`/`+storeID+`"`)
}
