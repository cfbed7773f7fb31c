package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

func TestAccListWorkerBinding_listsTheWorkersSecretsStoreBindings(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := seedExistingAccount(t, mock)
	binding := func(name string) map[string]knownvalue.Check {
		return identityOf(map[string]string{"account_id": mock.AccountID, "script_name": "checkout", "name": name})
	}
	// The Worker also has wrangler's plain text, legacy secret and KV bindings: not listed.
	resource.ParallelTest(t, versionedCase(queryCLI, queryStep(mock, `
list "cfsecrets_worker_binding" "checkout" {
  provider         = cfsecrets
  include_resource = true
  config {
    script_name = "checkout"
  }
}
`,
		querycheck.ExpectLength("cfsecrets_worker_binding.checkout", 2),
		querycheck.ExpectIdentity("cfsecrets_worker_binding.checkout", binding("STRIPE_KEY")),
		querycheck.ExpectIdentity("cfsecrets_worker_binding.checkout", binding("OPENAI_KEY")),
		querycheck.ExpectResourceKnownValues("cfsecrets_worker_binding.checkout", queryfilter.ByResourceIdentity(binding("OPENAI_KEY")),
			[]querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("store_id"), KnownValue: knownvalue.StringExact(account.storeID)},
				{Path: tfjsonpath.New("secret_name"), KnownValue: knownvalue.StringExact("openai_key")},
				{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(mock.AccountID + "/checkout/OPENAI_KEY")},
			}),
	)))
}

func TestAccListWorkerBinding_aMissingWorkerIsExplained(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	step := queryStep(mock, `
list "cfsecrets_worker_binding" "nothing" {
  provider = cfsecrets
  config {
    script_name = "not-deployed"
  }
}
`)
	step.ExpectError = errorSaying("The Worker does not exist", `no Worker named "not-deployed"`)
	resource.ParallelTest(t, versionedCase(queryCLI, step))
}
