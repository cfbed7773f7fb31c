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
		{"neither name nor id", `{ store_id = "` + account.storeID + `" }`, []string{"names no secret", "Give its name, its id, or both"}},
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

// An import that names nothing, or something this provider does not manage, says what it found
// and how to find the right name, for every resource: import blocks with a string id, which every
// CLI has.
func TestAccImport_mistakesSayWhatToDo(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := seedExistingAccount(t, mock)
	const unknown = "00000000000000000000000000000000"
	const elsewhere = "ffffffffffffffffffffffffffffffff" // an account the provider's token cannot reach
	store := mock.AccountID + "/" + account.storeID
	secretBlock := `resource "cfsecrets_secret" "x" {
  store_id = "` + account.storeID + `"
  name     = "stripe_key"
  scopes   = ["workers"]
}`
	bindingBlock := `resource "cfsecrets_worker_binding" "x" {
  script_name = "checkout"
  name        = "STRIPE_KEY"
  store_id    = "` + account.storeID + `"
  secret_name = "stripe_key"
}`
	cases := []struct {
		name, to, id, block string
		want                []string
	}{
		{"store that does not exist", "cfsecrets_store.x", mock.AccountID + "/" + unknown, `resource "cfsecrets_store" "x" {}`,
			[]string{"Cannot import Secrets Store", "Store " + unknown + " does not exist on account " + mock.AccountID, "cfsecrets_store data source"}},
		{"secret of a store that does not exist", "cfsecrets_secret.x", mock.AccountID + "/" + unknown + "/stripe_key", secretBlock,
			[]string{"Cannot import secret", "Store " + unknown + " does not exist on account " + mock.AccountID, "cfsecrets_store data source"}},
		{"secret that does not exist", "cfsecrets_secret.x", store + "/no_such_key", secretBlock,
			[]string{"Cannot import secret", `has no secret with id or name "no_such_key"`, "cfsecrets_secret list resource", "cfsecrets_secrets data source"}},
		{"secret of an account out of reach", "cfsecrets_secret.x", elsewhere + "/" + account.storeID + "/stripe_key", secretBlock,
			[]string{"lacks a permission", "on account " + elsewhere, "Give it Account Secrets Store Read"}},
		{"malformed account", "cfsecrets_secret.x", "acme/" + account.storeID + "/stripe_key", secretBlock,
			[]string{"Invalid import id", `account_id "acme" is not a Cloudflare account id`}},
		{"binding of a Worker that does not exist", "cfsecrets_worker_binding.x", mock.AccountID + "/missing/STRIPE_KEY", bindingBlock,
			[]string{"Cannot import Worker binding", `has no Worker named "missing"`}},
		{"binding that does not exist", "cfsecrets_worker_binding.x", mock.AccountID + "/checkout/NO_SUCH", bindingBlock,
			[]string{"Cannot import Worker binding", `Worker "checkout" has no binding named "NO_SUCH"`, "OPENAI_KEY, STRIPE_KEY"}},
		{"binding of another type", "cfsecrets_worker_binding.x", mock.AccountID + "/checkout/MODE", bindingBlock,
			[]string{"Cannot import Worker binding", `"MODE" of Worker "checkout" is a plain_text binding`, "Secrets Store bindings"}},
		{"token that does not exist", "cfsecrets_deploy_token.x", mock.AccountID + "/" + unknown, `resource "cfsecrets_deploy_token" "x" { name = "ci deploy" }`,
			[]string{"Cannot import deploy token", "has no API token with id " + unknown, "cfsecrets_deploy_token list resource", "My Profile"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{
				Config: mock.ProviderBlock() + `
import {
  to = ` + tc.to + `
  id = "` + tc.id + `"
}
` + tc.block,
				PlanOnly:    true,
				ExpectError: errorSaying(tc.want...),
			}))
		})
	}
}
