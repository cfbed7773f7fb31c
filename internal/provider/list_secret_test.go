package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// `terraform query` and list resources need Terraform 1.14 or later.
var queryCLI = tfversion.SkipBelow(tfversion.Version1_14_0)

// queryStep runs `terraform query` on list blocks served by the provider of mock.
func queryStep(mock *cfsecretstest.Mock, lists string, checks ...querycheck.QueryResultCheck) resource.TestStep {
	return resource.TestStep{Query: true, Config: mock.ProviderBlock() + lists, QueryResultChecks: checks}
}

func TestAccListSecret_listsEverySecretOfTheStore(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := seedExistingAccount(t, mock)
	secretIdentity := func(name string) map[string]knownvalue.Check {
		return identityOf(map[string]string{"account_id": mock.AccountID, "store_id": account.storeID, "name": name, "id": account.secrets[name].ID})
	}
	stripe := queryfilter.ByResourceIdentity(secretIdentity("stripe_key"))
	resource.ParallelTest(t, versionedCase(queryCLI, queryStep(mock, `
list "cfsecrets_secret" "all" {
  provider         = cfsecrets
  include_resource = true
  config {
    store_id = "`+account.storeID+`"
  }
}
list "cfsecrets_secret" "for_workers" {
  provider = cfsecrets
  config {
    store_id = "`+account.storeID+`"
    scopes   = ["workers"]
  }
}
list "cfsecrets_secret" "openai" {
  provider = cfsecrets
  config {
    store_id = "`+account.storeID+`"
    search   = "openai"
  }
}
`,
		querycheck.ExpectLength("cfsecrets_secret.all", 3),
		querycheck.ExpectIdentity("cfsecrets_secret.all", secretIdentity("stripe_key")),
		querycheck.ExpectIdentity("cfsecrets_secret.all", secretIdentity("openai_key")),
		querycheck.ExpectIdentity("cfsecrets_secret.all", secretIdentity("github_token")),
		querycheck.ExpectResourceDisplayName("cfsecrets_secret.all", stripe, knownvalue.StringExact("stripe_key")),
		querycheck.ExpectResourceKnownValues("cfsecrets_secret.all", stripe, []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("comment"), KnownValue: knownvalue.StringExact("Stripe live key")},
			{Path: tfjsonpath.New("scopes"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("workers")})},
			{Path: tfjsonpath.New("value_wo"), KnownValue: knownvalue.Null()},
			{Path: tfjsonpath.New("value_wo_version"), KnownValue: knownvalue.Null()},
		}),
		querycheck.ExpectLength("cfsecrets_secret.for_workers", 2),
		querycheck.ExpectNoIdentity("cfsecrets_secret.for_workers", secretIdentity("github_token")),
		querycheck.ExpectLength("cfsecrets_secret.openai", 1),
		querycheck.ExpectIdentity("cfsecrets_secret.openai", secretIdentity("openai_key")),
	)))
}

func TestAccListSecret_costsPagesNotSecrets(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{SecretsQuota: 1000})
	storeID := seedStoreWithSecrets(t, mock)
	var secrets []cfclient.NewSecret
	for i := range 150 {
		secrets = append(secrets, cfclient.NewSecret{Name: fmt.Sprintf("key_%03d", i), Value: "v", Scopes: []string{"workers"}})
	}
	for chunk := range slices.Chunk(secrets, 50) {
		if _, err := mock.Client().CreateSecrets(context.Background(), mock.AccountID, storeID, chunk); err != nil {
			t.Fatal(err)
		}
	}
	before := len(mock.Requests(t))
	// Terraform asks for 100 results unless the list block sets a limit.
	resource.ParallelTest(t, versionedCase(queryCLI, queryStep(mock, `
list "cfsecrets_secret" "all" {
  provider         = cfsecrets
  include_resource = true
  limit            = 500
  config {
    store_id = "`+storeID+`"
  }
}
`, querycheck.ExpectLength("cfsecrets_secret.all", 150))))
	var listings []string
	for _, r := range mock.Requests(t)[before:] {
		if r.Method != http.MethodGet {
			t.Errorf("a query sent %s %s", r.Method, r.Path)
		}
		if strings.Contains(r.Path, "/secrets_store/") {
			listings = append(listings, r.Path+"?"+r.Query)
		}
	}
	// 150 secrets are two pages of 100: two listing requests, never one per secret.
	listPath := "/accounts/" + mock.AccountID + "/secrets_store/stores/" + storeID + "/secrets?"
	if len(listings) != 2 || !strings.Contains(listings[0], listPath) || !strings.Contains(listings[1], listPath) {
		t.Errorf("listing 150 secrets cost these Secrets Store requests, want 2 pages of %s:\n%s", listPath, strings.Join(listings, "\n"))
	}
}

func TestAccListSecret_aStoreThatDoesNotExistIsExplained(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	const unknown = "00000000000000000000000000000000"
	step := queryStep(mock, `
list "cfsecrets_secret" "nothing" {
  provider = cfsecrets
  config {
    store_id = "`+unknown+`"
  }
}
`)
	step.ExpectError = errorSaying("No such Secrets Store", "Store "+unknown+" does not exist on account "+mock.AccountID, "cfsecrets_store data source")
	resource.ParallelTest(t, versionedCase(queryCLI, step))
}
