package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// The ownership rule (DESIGN.md): a create never takes over a remote object Terraform did not
// make. An existing object is adopted only by import; two resources of one configuration never
// address the same remote object.

// teardownBinding is the cfsecrets_worker_binding of issue 13: OWNER on Worker teardown.
func teardownBinding(mock *cfsecretstest.Mock, storeID, secretName string) string {
	return mock.ProviderBlock() + fmt.Sprintf(`
resource "cfsecrets_worker_binding" "owner" {
  script_name = "teardown"
  name        = "OWNER"
  store_id    = %q
  secret_name = %q
}
`, storeID, secretName)
}

func ownerBoundTo(t *testing.T, mock *cfsecretstest.Mock, secretName string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		b, ok := mock.Bindings(t, "teardown")["OWNER"]
		if !ok || b.Type != cfclient.BindingTypeSecretsStore || b.SecretName != secretName {
			return fmt.Errorf("OWNER is %+v, want the deploy tool's binding of %s", b, secretName)
		}
		return nil
	}
}

func TestAccWorkerBinding_neverTakesOverADeployToolsBinding(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "prod_owner", "github_owner")
	// A deploy tool (a multipart upload, as `wrangler deploy`) set OWNER -> prod_owner.
	mock.DeployWorker(t, "teardown", cfclient.NewSecretsStoreBinding("OWNER", storeID, "prod_owner"))
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config: teardownBinding(mock, storeID, "github_owner"),
			ExpectError: errorSaying(`Worker "teardown" already has a Secrets Store binding named OWNER`, `secret "prod_owner"`,
				"import {", "to = cfsecrets_worker_binding.<name>", `id = "`+mock.AccountID+`/teardown/OWNER"`),
			Check: ownerBoundTo(t, mock, "prod_owner"),
		},
		resource.TestStep{
			// Nothing was written and nothing is in state: a destroy leaves OWNER alone.
			Config:  teardownBinding(mock, storeID, "github_owner"),
			Destroy: true,
			Check:   ownerBoundTo(t, mock, "prod_owner"),
		},
	))
	if b := mock.Bindings(t, "teardown")["OWNER"]; b.SecretName != "prod_owner" {
		t.Errorf("after the refused create and a destroy, OWNER is %+v, want the deploy tool's binding of prod_owner", b)
	}
}

func TestAccWorkerBinding_adoptsABindingThatAlreadyPointsAtTheSameSecret(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "prod_owner")
	mock.DeployWorker(t, "teardown", cfclient.NewSecretsStoreBinding("OWNER", storeID, "prod_owner"))
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: teardownBinding(mock, storeID, "prod_owner"),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("cfsecrets_worker_binding.owner", plancheck.ResourceActionCreate)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: ownerBoundTo(t, mock, "prod_owner"),
	}))
}

// Adopting a binding that already reads the same secret changes nothing at Cloudflare, so it
// writes nothing: not even when another binding of the Worker is broken (a settings write would
// fail with 10021 for it) or the token can only read Workers.
func TestAccWorkerBinding_adoptingTheSameBindingWritesNothing(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "prod_owner", "old_key")
	mock.DeployWorker(t, "teardown", cfclient.NewSecretsStoreBinding("OWNER", storeID, "prod_owner"),
		cfclient.NewSecretsStoreBinding("OLD", storeID, "old_key"))
	// OLD is now broken.
	if err := mock.Client().DeleteSecret(context.Background(), mock.AccountID, storeID, secretIDByName(t, mock, storeID, "old_key")); err != nil {
		t.Fatal(err)
	}
	readOnly := tokenWith(t, mock, groupSecretsStoreRead, groupWorkersScriptsRead)
	before := len(mock.Requests(t))
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config: providerWithToken(mock, readOnly) + `
resource "cfsecrets_worker_binding" "owner" {
  script_name = "teardown"
  name        = "OWNER"
  store_id    = "` + storeID + `"
  secret_name = "prod_owner"
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				for _, r := range mock.Requests(t)[before:] {
					if r.Method != http.MethodGet {
						return fmt.Errorf("adopting an identical binding sent %s %s", r.Method, r.Path)
					}
				}
				return nil
			},
		},
		resource.TestStep{
			// Terraform owns OWNER now, and its destroy removes it; give the final destroy a token
			// that may, and the secret OLD reads.
			PreConfig: func() { seedSecrets(t, mock, storeID, "old_key") },
			Config:    teardownBinding(mock, storeID, "prod_owner"),
		},
	))
}

func TestAccWorkerBinding_twoResourcesForOneBindingAreRefusedAtPlanTime(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "prod_owner", "github_owner")
	mock.DeployWorker(t, "teardown")
	twice := func(first, second string) string {
		return mock.ProviderBlock() + fmt.Sprintf(`
resource "cfsecrets_worker_binding" "a" {
  script_name = "teardown"
  name        = "OWNER"
  store_id    = %[1]q
  secret_name = %[2]q
}
resource "cfsecrets_worker_binding" "b" {
  script_name = "teardown"
  name        = "OWNER"
  store_id    = %[1]q
  secret_name = %[3]q
}
`, storeID, first, second)
	}
	for name, secrets := range map[string][2]string{
		"different secrets": {"prod_owner", "github_owner"},
		"same secret":       {"prod_owner", "prod_owner"},
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, acceptanceCase(resource.TestStep{
				Config:      twice(secrets[0], secrets[1]),
				PlanOnly:    true,
				ExpectError: errorSaying("Two resources address one Worker binding", "binding OWNER of Worker \"teardown\""),
			}))
		})
	}
	if _, bound := mock.Bindings(t, "teardown")["OWNER"]; bound {
		t.Error("a refused plan wrote the binding")
	}
}

// twoSecrets is two cfsecrets_secret resources for one secret of the store storeRef refers to.
func twoSecrets(storeRef string) string {
	return fmt.Sprintf(`
resource "cfsecrets_secret" "a" {
  store_id = %[1]s
  name     = "stripe_key"
  value_wo = "value-a"
  scopes   = ["workers"]
}
resource "cfsecrets_secret" "b" {
  store_id = %[1]s
  name     = "stripe_key"
  value_wo = "value-b"
  scopes   = ["workers"]
}
`, storeRef)
}

func TestAccSecret_twoResourcesForOneSecretAreRefused(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock)
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		// The store id is known at plan time: the plan is refused.
		Config:      mock.ProviderBlock() + twoSecrets(fmt.Sprintf("%q", storeID)),
		PlanOnly:    true,
		ExpectError: errorSaying("Two resources address one secret", `secret "stripe_key" of store `+storeID),
	}))
	secrets, err := mock.Client().ListSecrets(context.Background(), mock.AccountID, storeID, cfclient.SecretFilter{})
	if err != nil || len(secrets) != 0 {
		t.Errorf("a refused plan created secrets: %v %v", secrets, err)
	}
}

func TestAccSecret_twoResourcesForOneSecretInANewStoreAreRefusedAtApply(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		// The store is created by the same apply, so its id is unknown at plan time: the second
		// create is refused during the apply, once the id is known, as a second resource for the
		// same secret rather than as someone else's secret.
		Config:      mock.ProviderBlock() + "resource \"cfsecrets_store\" \"main\" {\n  force_destroy = true\n}\n" + twoSecrets("cfsecrets_store.main.id"),
		ExpectError: errorSaying("Two resources address one secret", `secret "stripe_key" of store`, "remove one of them"),
	}))
}

func TestAccStore_twoStoresForOneAccountAreRefused(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: mock.ProviderBlock() + `
resource "cfsecrets_store" "a" {
  force_destroy = true
}
resource "cfsecrets_store" "b" {
  force_destroy = true
}
`,
		PlanOnly:    true,
		ExpectError: errorSaying("Two resources address one Secrets Store", `store "default_secrets_store" of account `+mock.AccountID),
	}))
}
