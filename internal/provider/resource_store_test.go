package provider_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

const storeAddress = "cfsecrets_store.main"

func storeConfig(mock *cfsecretstest.Mock, body string) string {
	return mock.ProviderBlock() + `
resource "cfsecrets_store" "main" {
` + body + `
}
`
}

// importStoreID builds the <account_id>/<store_id> import id from state.
func importStoreID(s *terraform.State) (string, error) {
	attrs := s.RootModule().Resources[storeAddress].Primary.Attributes
	return attrs["account_id"] + "/" + attrs["id"], nil
}

func TestAccStore_createImportAndEmptyPlans(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	config := storeConfig(mock, "")
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(storeAddress, tfjsonpath.New("name"), knownvalue.StringExact("default_secrets_store")),
				statecheck.ExpectKnownValue(storeAddress, tfjsonpath.New("account_id"), knownvalue.StringExact(mock.AccountID)),
				statecheck.ExpectKnownValue(storeAddress, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{32}$`))),
				statecheck.ExpectKnownValue(storeAddress, tfjsonpath.New("force_destroy"), knownvalue.Bool(false)),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
		resource.TestStep{
			ResourceName:      storeAddress,
			ImportState:       true,
			ImportStateIdFunc: importStoreID,
			ImportStateVerify: true,
		},
		resource.TestStep{
			// An import block whose plan must be a no-op import: the empty plan after import.
			Config:            config,
			ResourceName:      storeAddress,
			ImportState:       true,
			ImportStateKind:   resource.ImportBlockWithID,
			ImportStateIdFunc: importStoreID,
		},
	))
}

func TestAccStore_deletedOutOfBandIsRecreated(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	config := storeConfig(mock, `name = "infra"`)
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{Config: config},
		resource.TestStep{
			PreConfig: func() { deleteAllStores(t, mock) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(storeAddress, plancheck.ResourceActionCreate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(storeAddress, tfjsonpath.New("name"), knownvalue.StringExact("infra")),
			},
		},
	))
}

func TestAccStore_secondStoreNamesTheExistingOneAndTheImport(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	existing, err := mock.Client().CreateStore(context.Background(), mock.AccountID, "made_in_dashboard")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config:      storeConfig(mock, ""),
		ExpectError: errorSaying("already has a Secrets Store", existing.ID, "import {", `id = "`+mock.AccountID+"/"+existing.ID+`"`),
	}))
}

func TestAccStore_destroyGuardsSecretsUnlessForced(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	addUnmanagedSecret := func() {
		stores, err := mock.Client().ListStores(context.Background(), mock.AccountID)
		if err != nil || len(stores) != 1 {
			t.Fatalf("listing stores: %v %v", stores, err)
		}
		_, err = mock.Client().CreateSecrets(context.Background(), mock.AccountID, stores[0].ID,
			[]cfclient.NewSecret{{Name: "unmanaged", Value: "v", Scopes: []string{"workers"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{Config: storeConfig(mock, "")},
		resource.TestStep{
			PreConfig:   addUnmanagedSecret,
			Config:      storeConfig(mock, ""),
			Destroy:     true,
			ExpectError: errorSaying("still holds secrets", "force_destroy = true"),
		},
		resource.TestStep{
			Config: storeConfig(mock, "force_destroy = true"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(storeAddress, plancheck.ResourceActionUpdate)},
			},
		},
		resource.TestStep{
			Config:  storeConfig(mock, "force_destroy = true"),
			Destroy: true,
			Check: func(*terraform.State) error {
				if stores, _ := mock.Client().ListStores(context.Background(), mock.AccountID); len(stores) != 0 {
					t.Errorf("stores left after a forced destroy: %v", stores)
				}
				return nil
			},
		},
	))
}

func deleteAllStores(t *testing.T, mock *cfsecretstest.Mock) {
	t.Helper()
	client := mock.Client()
	stores, err := client.ListStores(context.Background(), mock.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stores {
		if err := client.DeleteStore(context.Background(), mock.AccountID, s.ID, true); err != nil {
			t.Fatal(err)
		}
	}
}
