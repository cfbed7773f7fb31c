package provider_test

import (
	"context"
	"fmt"
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
// -generate-config-out` (or, on every CLI, OpenTofu included, import blocks and `plan
// -generate-config-out`), then plan, apply, plan. plugin-testing has no step for generating
// configuration, so cfsecretstest.Workspace drives the CLI. Each query test first runs the same
// list blocks as a plugin-testing query step: it checks what the lists find, and on a CLI without
// `terraform query` (before 1.14, and OpenTofu) plugin-testing's version check skips the test
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
// find, and checks it as adoptByGeneratedConfig does.
func adoptByQuery(t *testing.T, mock *cfsecretstest.Mock, lists string, count int, sentinels ...string) {
	t.Helper()
	queryFirst(t, mock, lists, count)
	adoptByGeneratedConfig(t, mock, map[string]string{"main.tf": cfsecretstest.RequiredProviders, "adopt.tfquery.hcl": lists},
		"query", count, sentinels...)
}

// valueLeftOut is how a generated secret block leaves the value with whoever sets it.
var valueLeftOut = regexp.MustCompile(`\n\s*value_wo\s+= null`)

// adoptByGeneratedConfig writes files, runs `<command> -generate-config-out=adopt.tf` (query, or
// plan with import blocks), and checks the generated file adopts without changing anything: it
// holds a resource block per object, the plan imports count objects and nothing else, the apply
// imports them, the next plan is empty, all of it only reading at Cloudflare, and no sentinel
// value reaches the generated file or state.
func adoptByGeneratedConfig(t *testing.T, mock *cfsecretstest.Mock, files map[string]string, command string, count int, sentinels ...string) {
	t.Helper()
	before := len(mock.Requests(t))
	ws := cfsecretstest.NewWorkspace(t, mock)
	for name, content := range files {
		ws.Write(name, content)
	}
	ws.MustRun(command, "-generate-config-out=adopt.tf")
	generated := ws.ReadFile("adopt.tf")
	if n := strings.Count(generated, "\nresource \"cfsecrets_"); n != count {
		t.Fatalf("the generated configuration has %d resource blocks, want %d:\n%s", n, count, generated)
	}
	secrets, valuesLeftOut := strings.Count(generated, "resource \"cfsecrets_secret\""), len(valueLeftOut.FindAllString(generated, -1))
	if secrets != valuesLeftOut {
		t.Errorf("of %d generated secrets, %d leave value_wo out; every one must:\n%s", secrets, valuesLeftOut, generated)
	}

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
		t.Error("the generated file changed between its generation and the apply")
	}
	for _, r := range mock.Requests(t)[before:] {
		if r.Method != http.MethodGet {
			t.Errorf("adopting by query sent %s %s: it must only read", r.Method, r.Path)
		}
	}
	valuesNeverIn(t, map[string]string{"generated configuration": generated, "state": ws.ReadFile("terraform.tfstate")}, sentinels...)
}

// TestCLIImport_planGeneratesConfigurationThatAdoptsWithoutChanges is adoption without `terraform
// query`, as OpenTofu and Terraform before 1.14 do it: import blocks by string id, and `plan
// -generate-config-out` writes the resource blocks. It runs on every CLI.
func TestCLIImport_planGeneratesConfigurationThatAdoptsWithoutChanges(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := seedExistingAccount(t, mock)
	ids := map[string]string{
		"cfsecrets_store.main":                mock.AccountID + "/" + account.storeID,
		"cfsecrets_secret.stripe_key":         mock.AccountID + "/" + account.storeID + "/stripe_key",
		"cfsecrets_secret.openai_key":         mock.AccountID + "/" + account.storeID + "/" + account.secrets["openai_key"].ID,
		"cfsecrets_worker_binding.stripe_key": mock.AccountID + "/checkout/STRIPE_KEY",
		"cfsecrets_worker_binding.openai_key": mock.AccountID + "/checkout/OPENAI_KEY",
		"cfsecrets_deploy_token.ci":           mock.AccountID + "/" + account.deployToken.ID,
		"cfsecrets_deploy_token.wide":         mock.AccountID + "/" + account.wideToken.ID,
	}
	imports := cfsecretstest.RequiredProviders
	for to, id := range ids {
		imports += fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", to, id)
	}
	adoptByGeneratedConfig(t, mock, map[string]string{"main.tf": imports}, "plan", len(ids),
		"SENTINEL-stripe-set-in-dashboard", "SENTINEL-openai-set-in-dashboard")
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
