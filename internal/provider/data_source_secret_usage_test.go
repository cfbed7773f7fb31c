package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

func TestAccSecretUsageAndWorkerSecrets_auditBeforeRotation(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key", "db_url")
	mock.DeployWorker(t, "checkout",
		cfclient.NewSecretsStoreBinding("STRIPE_KEY", storeID, "stripe_key"),
		cfclient.NewSecretsStoreBinding("DB_URL", storeID, "db_url"),
		cfsecretstest.RawBinding(t, `{"type":"secret_text","name":"OLD_STRIPE_KEY","text":"legacy"}`),
	)
	mock.DeployWorker(t, "billing", cfclient.NewSecretsStoreBinding("PAYMENTS_KEY", storeID, "stripe_key"))
	mock.DeployWorker(t, "unrelated", cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"MODE","text":"x"}`))

	usage := func(name, secret string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"script_name":  knownvalue.StringExact(name),
			"binding_name": knownvalue.StringExact(map[string]string{"billing": "PAYMENTS_KEY", "checkout": "STRIPE_KEY"}[name]),
			"secret_name":  knownvalue.StringExact(secret),
		})
	}
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: mock.ProviderBlock() + `
data "cfsecrets_secret_usage" "stripe" {
  store_id    = "` + storeID + `"
  secret_name = "stripe_key"
}
data "cfsecrets_secret_usage" "all" {
  store_id = "` + storeID + `"
}
data "cfsecrets_worker_secrets" "checkout" {
  script_name = "checkout"
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.cfsecrets_secret_usage.stripe", tfjsonpath.New("usages"),
				knownvalue.ListExact([]knownvalue.Check{usage("billing", "stripe_key"), usage("checkout", "stripe_key")})),
			statecheck.ExpectKnownValue("data.cfsecrets_secret_usage.all", tfjsonpath.New("usages"), knownvalue.ListSizeExact(3)),
			statecheck.ExpectKnownValue("data.cfsecrets_worker_secrets.checkout", tfjsonpath.New("names"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("OLD_STRIPE_KEY")})),
		},
	}))
}
