package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// Resource identity needs Terraform 1.12 or later.
var identityCLI = tfversion.SkipBelow(tfversion.Version1_12_0)

func TestAccIdentity_importBlocksAdoptAnExistingAccount(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := seedExistingAccount(t, mock)
	// Identities as a person writes them: no account_id (the provider's), a secret by name or
	// by id, a binding by Worker and binding name, a token by id.
	imports := `
import {
  to       = cfsecrets_secret.stripe_key
  identity = { store_id = "` + account.storeID + `", name = "stripe_key" }
}
import {
  to       = cfsecrets_secret.openai_key
  identity = { store_id = "` + account.storeID + `", id = "` + account.secrets["openai_key"].ID + `" }
}
import {
  to       = cfsecrets_worker_binding.stripe_key
  identity = { script_name = "checkout", name = "STRIPE_KEY" }
}
import {
  to       = cfsecrets_worker_binding.openai_key
  identity = { script_name = "checkout", name = "OPENAI_KEY", account_id = "` + mock.AccountID + `" }
}
import {
  to       = cfsecrets_deploy_token.ci
  identity = { id = "` + account.deployToken.ID + `" }
}
import {
  to       = cfsecrets_deploy_token.wide
  identity = { id = "` + account.wideToken.ID + `", account_id = "` + mock.AccountID + `" }
}
`
	addresses := []string{"cfsecrets_secret.stripe_key", "cfsecrets_secret.openai_key", "cfsecrets_worker_binding.stripe_key",
		"cfsecrets_worker_binding.openai_key", "cfsecrets_deploy_token.ci", "cfsecrets_deploy_token.wide"}
	var noChanges []plancheck.PlanCheck
	for _, address := range addresses {
		noChanges = append(noChanges, plancheck.ExpectResourceAction(address, plancheck.ResourceActionNoop))
	}
	secret := func(name string) map[string]string {
		return map[string]string{"account_id": mock.AccountID, "store_id": account.storeID, "name": name, "id": account.secrets[name].ID}
	}
	resource.ParallelTest(t, versionedCase(identityCLI, resource.TestStep{
		Config: account.adoptingConfig(mock) + imports,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             noChanges,
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectIdentity("cfsecrets_secret.stripe_key", identityOf(secret("stripe_key"))),
			statecheck.ExpectIdentity("cfsecrets_secret.openai_key", identityOf(secret("openai_key"))),
			statecheck.ExpectIdentity("cfsecrets_worker_binding.stripe_key", identityOf(map[string]string{
				"account_id": mock.AccountID, "script_name": "checkout", "name": "STRIPE_KEY"})),
			statecheck.ExpectIdentity("cfsecrets_deploy_token.ci", identityOf(map[string]string{"account_id": mock.AccountID, "id": account.deployToken.ID})),
			statecheck.ExpectIdentity("cfsecrets_deploy_token.wide", identityOf(map[string]string{"account_id": mock.AccountID, "id": account.wideToken.ID})),
		},
	}))
}

func TestAccIdentity_everyResourceImportsByTheIdentityItStored(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	deployCheckout(t, mock)
	created := bindingConfig(mock, "stripe_key") + `
resource "cfsecrets_deploy_token" "ci" {
  name = "ci-deploy"
}
`
	importStep := func(address string) resource.TestStep {
		return resource.TestStep{
			Config: created, ResourceName: address,
			ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity,
			// force_destroy lives in state only: an import sets false, and this store says true.
			ExpectNonEmptyPlan: address == "cfsecrets_store.main",
		}
	}
	resource.ParallelTest(t, versionedCase(identityCLI,
		resource.TestStep{
			Config:           created,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectIdentityValueMatchesState("cfsecrets_store.main", tfjsonpath.New("id")),
				statecheck.ExpectIdentityValueMatchesState("cfsecrets_secret.stripe_key", tfjsonpath.New("id")),
				statecheck.ExpectIdentityValueMatchesState("cfsecrets_worker_binding.stripe", tfjsonpath.New("name")),
				statecheck.ExpectIdentityValueMatchesState("cfsecrets_deploy_token.ci", tfjsonpath.New("id")),
			},
		},
		importStep("cfsecrets_store.main"),
		importStep("cfsecrets_secret.stripe_key"),
		importStep("cfsecrets_worker_binding.stripe"),
		importStep("cfsecrets_deploy_token.ci"),
	))
}

func TestAccIdentity_storeImportsByItsIDAlone(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock)
	resource.ParallelTest(t, versionedCase(identityCLI, resource.TestStep{
		Config: mock.ProviderBlock() + `
import {
  to       = cfsecrets_store.main
  identity = { id = "` + storeID + `" }
}
resource "cfsecrets_store" "main" {}
`,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("cfsecrets_store.main", plancheck.ResourceActionNoop)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectIdentity("cfsecrets_store.main", identityOf(map[string]string{"account_id": mock.AccountID, "id": storeID})),
		},
	}))
}

func TestAccIdentity_importIdentityMistakesAreExplained(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := seedExistingAccount(t, mock)
	cases := []struct {
		name, identity string
		want           []string
	}{
		{"neither name nor id", `{ store_id = "` + account.storeID + `" }`, []string{"names no secret", "give its name, its id, or both"}},
		{"name and id of two secrets", `{ store_id = "` + account.storeID + `", name = "stripe_key", id = "` + account.secrets["openai_key"].ID + `" }`,
			[]string{`names secret "stripe_key"`, `that id is secret "openai_key"`}},
		{"unknown name", `{ store_id = "` + account.storeID + `", name = "no_such_key" }`, []string{`no secret with id or name "no_such_key"`}},
		{"malformed account", `{ store_id = "` + account.storeID + `", name = "stripe_key", account_id = "acme" }`, []string{`account_id "acme" is not a Cloudflare account id`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, versionedCase(identityCLI, resource.TestStep{
				Config: mock.ProviderBlock() + `
import {
  to       = cfsecrets_secret.imported
  identity = ` + tc.identity + `
}
resource "cfsecrets_secret" "imported" {
  store_id = "` + account.storeID + `"
  name     = "stripe_key"
  scopes   = ["workers"]
}
`,
				PlanOnly:    true,
				ExpectError: errorSaying(tc.want...),
			}))
		})
	}
}
