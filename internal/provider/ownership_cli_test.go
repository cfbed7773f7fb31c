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

// A replacement that moves a resource to another key deletes its own object first, then creates
// the new one: when someone else's object already holds the new key, the plan must say so before
// the apply deletes anything (the create would be refused, leaving neither).
func TestCLI_planWarnsWhenAReplacementWouldMeetAnObjectSomeoneElseMade(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "taken", "prod_owner", "github_owner")
	mock.DeployWorker(t, "teardown", cfclient.NewSecretsStoreBinding("OWNER", storeID, "prod_owner"),
		cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"PLAIN","text":"x"}`))
	ws := cfsecretstest.NewWorkspace(t, mock)
	config := func(secretName, bindingName string) string {
		return cfsecretstest.RequiredProviders + `
resource "cfsecrets_secret" "mine" {
  store_id = "` + storeID + `"
  name     = "` + secretName + `"
  value_wo = "not-a-real-secret"
  scopes   = ["workers"]
}
` + bindingOf("teardown", bindingName, storeID, "github_owner")
	}
	ws.Write("main.tf", config("mine", "MINE"))
	ws.MustRun("apply", "-auto-approve", "-input=false")

	ws.Write("main.tf", config("taken", "OWNER"))
	out := ws.MustRun("plan", "-input=false")
	saysAll(t, "the plan of the replacements", out.Stdout+out.Stderr,
		"# cfsecrets_secret.mine must be replaced", "A secret with this name already exists", `id = "`+mock.AccountID+`/`+storeID+`/taken"`,
		"# cfsecrets_worker_binding.b must be replaced", "The Worker already has this binding", `bound to secret "prod_owner"`,
		"the apply will refuse to create it")

	ws.Write("main.tf", config("mine", "PLAIN"))
	out = ws.Expect(1, "plan", "-input=false")
	saysAll(t, "the plan of a replacement onto another type of binding", out.Stdout+out.Stderr,
		"already has a plain_text binding named PLAIN")
}
