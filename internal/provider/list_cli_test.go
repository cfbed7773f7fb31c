package provider_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// The adoption story as a user runs it, with the real CLI: `terraform query
// -generate-config-out`, then plan, apply, plan. plugin-testing has no step for generating
// configuration from a query, so cfsecretstest.Workspace drives the CLI. Each test first runs
// the same list blocks as a plugin-testing query step: it checks what the lists find, and on a
// CLI without `terraform query` (before 1.14) plugin-testing's version check skips the test
// there, the one skip the project allows.

var anyResult = regexp.MustCompile(`.`)

// queryFirst runs lists as a plugin-testing query step expecting count results in total; the
// test goes on only on a CLI that has `terraform query`.
func queryFirst(t *testing.T, mock *cfsecretstest.Mock, lists string, count int) {
	t.Helper()
	resource.Test(t, versionedCase(queryCLI, queryStep(mock, lists,
		querycheck.ExpectTotalLengthForMatching(anyResult, count))))
}

// adoptByQuery writes lists as a query file, generates the configuration that adopts what they
// find, and checks it adopts count objects without changing anything (checkGeneratedAdoption).
func adoptByQuery(t *testing.T, mock *cfsecretstest.Mock, lists string, count int, sentinels ...string) {
	t.Helper()
	queryFirst(t, mock, lists, count)
	before := len(mock.Requests(t))
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders)
	ws.Write("adopt.tfquery.hcl", lists)
	ws.MustRun("query", "-generate-config-out=adopt.tf")
	if n := strings.Count(ws.ReadFile("adopt.tf"), "\nimport {"); n != count {
		t.Fatalf("the generated configuration has %d import blocks, want %d:\n%s", n, count, ws.ReadFile("adopt.tf"))
	}
	checkGeneratedAdoption(t, mock, ws, before, count, sentinels...)
}

// checkGeneratedAdoption checks that the configuration the CLI generated into adopt.tf adopts
// without changing anything: the plan imports count objects and nothing else, the apply imports
// them, the next plan is empty, nothing but reads reached Cloudflare since the before'th request,
// and no sentinel value is in the generated file or the state.
func checkGeneratedAdoption(t *testing.T, mock *cfsecretstest.Mock, ws *cfsecretstest.Workspace, before, count int, sentinels ...string) {
	t.Helper()
	generated := ws.ReadFile("adopt.tf")
	plan := ws.MustRun("plan", "-input=false")
	want := "Plan: " + strconv.Itoa(count) + " to import, 0 to add, 0 to change, 0 to destroy."
	if !strings.Contains(plan.Stdout, want) {
		t.Fatalf("the plan of the generated configuration does not say %q:\n%s", want, plan.Stdout)
	}
	apply := ws.MustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(apply.Stdout, strconv.Itoa(count)+" imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the apply did not import exactly %d objects:\n%s", count, apply.Stdout)
	}
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode")

	if ws.ReadFile("adopt.tf") != generated {
		t.Error("the generated file changed between generating it and the apply")
	}
	for _, r := range mock.Requests(t)[before:] {
		if r.Method != http.MethodGet {
			t.Errorf("adopting with generated configuration sent %s %s: it must only read", r.Method, r.Path)
		}
	}
	for place, content := range map[string]string{"generated configuration": generated, "state": ws.ReadFile("terraform.tfstate")} {
		for _, sentinel := range sentinels {
			if strings.Contains(content, sentinel) {
				t.Errorf("a secret value appears in the %s", place)
			}
		}
	}
}

func TestCLIQuery_threeSecretsMadeElsewhereAreAdoptedWithoutChanges(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock)
	values := []string{"SENTINEL-adopt-stripe-4e1a", "SENTINEL-adopt-openai-77c0", "SENTINEL-adopt-github-0b9d"}
	_, err := mock.Client().CreateSecrets(context.Background(), mock.AccountID, storeID, []cfclient.NewSecret{
		{Name: "stripe_key", Value: values[0], Scopes: []string{"workers"}, Comment: "Stripe live key"},
		{Name: "openai_key", Value: values[1], Scopes: []string{"workers", "ai_gateway"}},
		{Name: "github_token", Value: values[2], Scopes: []string{"ai_gateway"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	adoptByQuery(t, mock, `
list "cfsecrets_secret" "existing" {
  provider = cfsecrets
  config {
    store_id = "`+storeID+`"
  }
}
`, 3, values...)
}

func TestCLIQuery_bindingsAndDeployTokensAreAdoptedWithoutChanges(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	seedExistingAccount(t, mock)
	adoptByQuery(t, mock, `
list "cfsecrets_worker_binding" "checkout" {
  provider = cfsecrets
  config {
    script_name = "checkout"
  }
}
list "cfsecrets_deploy_token" "ci" {
  provider = cfsecrets
}
`, 4, "SENTINEL-legacy-text-51c2")
}

// Without `terraform query` (Terraform before 1.14, OpenTofu) import blocks and `plan
// -generate-config-out` adopt the same way, on every CLI: the generated secret leaves value_wo
// out, and nothing changes.
func TestCLIImport_generatedConfigurationAdoptsWithoutChanges(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := seedExistingAccount(t, mock)
	before := len(mock.Requests(t))
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
import {
  to = cfsecrets_store.main
  id = "`+mock.AccountID+"/"+account.storeID+`"
}
import {
  to = cfsecrets_secret.stripe_key
  id = "`+mock.AccountID+"/"+account.storeID+`/stripe_key"
}
import {
  to = cfsecrets_worker_binding.stripe_key
  id = "`+mock.AccountID+`/checkout/STRIPE_KEY"
}
import {
  to = cfsecrets_deploy_token.wide
  id = "`+mock.AccountID+"/"+account.wideToken.ID+`"
}
`)
	ws.MustRun("plan", "-input=false", "-generate-config-out=adopt.tf")
	if !regexp.MustCompile(`value_wo\s+= null`).MatchString(ws.ReadFile("adopt.tf")) {
		t.Errorf("the generated secret does not leave value_wo out:\n%s", ws.ReadFile("adopt.tf"))
	}
	checkGeneratedAdoption(t, mock, ws, before, 4, "SENTINEL-stripe-set-in-dashboard", "SENTINEL-legacy-text-51c2")
}
