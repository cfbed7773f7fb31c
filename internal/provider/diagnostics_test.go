package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// A diagnostic names the cause that applies, found out by the calls the provider can make.

// Real permission-group ids of the mock's catalogue: "Logs Write" exists at account and at zone
// scope (cloudflare/cloudflare-docs#521, cloudflare/terraform-provider-cloudflare#1650).
const (
	groupWorkersScriptsRead = "1a71c399035b4950a1bd1466bbe4f420"
	groupLogsWriteAccount   = "96163bd1b0784f62b3e44ed8c2ab1eb6"
	groupLogsWriteZone      = "3e0b5820118e47f3922f7c989e673882"
)

// tokenWith creates an account token holding exactly these permission groups and returns its value.
func tokenWith(t *testing.T, mock *cfsecretstest.Mock, groups ...string) string {
	t.Helper()
	token, err := mock.Client().CreateAccountToken(context.Background(), cfclient.TokenSpec{
		Name: "limited", AccountID: mock.AccountID, PermissionGroupIDs: groups,
	})
	if err != nil {
		t.Fatal(err)
	}
	return token.Value
}

// providerWithToken points the provider at the mock with another API token.
func providerWithToken(mock *cfsecretstest.Mock, token string) string {
	return fmt.Sprintf(`
provider "cfsecrets" {
  base_url   = %q
  api_token  = %q
  account_id = %q
}
`, mock.BaseURL, token, mock.AccountID)
}

func bindingOf(script, name, storeID, secret string) string {
	return fmt.Sprintf(`
resource "cfsecrets_worker_binding" "b" {
  script_name = %q
  name        = %q
  store_id    = %q
  secret_name = %q
}
`, script, name, storeID, secret)
}

func TestAccWorkerBinding_tokenThatCannotEditWorkersIsNamed(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key")
	mock.DeployWorker(t, "checkout")
	// Secrets Store Read and Workers Scripts Read: it can read everything the binding needs, and
	// change nothing.
	readOnly := tokenWith(t, mock, groupSecretsStoreRead, groupWorkersScriptsRead)
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: providerWithToken(mock, readOnly) + bindingOf("checkout", "STRIPE_KEY", storeID, "stripe_key"),
		ExpectError: errorSaying(`can read Worker "checkout" but may not change it`, "Workers Scripts Edit",
			`"Workers Scripts Write"`, "account "+mock.AccountID),
	}))
}

func TestAccSecret_tokenThatCannotEditSecretsStoreIsNamed(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock)
	readOnly := tokenWith(t, mock, groupSecretsStoreRead)
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: providerWithToken(mock, readOnly) + fmt.Sprintf(`
resource "cfsecrets_secret" "s" {
  store_id = %q
  name     = "stripe_key"
  value_wo = "not-a-real-secret"
  scopes   = ["workers"]
}
`, storeID),
		ExpectError: errorSaying("may not change Secrets Store on account "+mock.AccountID, "Account Secrets Store Edit"),
	}))
}

func TestAccStoreThatDoesNotExist_isNamedAtPlanTime(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	seedStoreWithSecrets(t, mock, "stripe_key")
	mock.DeployWorker(t, "checkout")
	const missing = "00000000000000000000000000000000"
	said := errorSaying("Store "+missing+" does not exist on account "+mock.AccountID, "cfsecrets_store")
	configs := map[string]string{
		"binding": bindingOf("checkout", "STRIPE_KEY", missing, "stripe_key"),
		"secret": `
resource "cfsecrets_secret" "s" {
  store_id = "` + missing + `"
  name     = "stripe_key"
  value_wo = "not-a-real-secret"
  scopes   = ["workers"]
}
`,
		"secrets data source":      `data "cfsecrets_secrets" "s" { store_id = "` + missing + `" }`,
		"secret_usage data source": `data "cfsecrets_secret_usage" "s" { store_id = "` + missing + `" }`,
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{
				Config: mock.ProviderBlock() + config, PlanOnly: true, ExpectError: said,
			}))
		})
	}
}

// A deploy token is made with Account API Tokens Write: a provider token that cannot even read the
// permission groups is told to get that, not Read (with which the create would fail next).
func TestAccDeployToken_tokenThatCannotManageTokensIsToldWhatItNeeds(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	noTokens := tokenWith(t, mock, groupSecretsStoreRead, groupWorkersScriptsRead)
	configs := map[string]string{
		"resource":           `resource "cfsecrets_deploy_token" "ci" { name = "ci" }`,
		"ephemeral resource": `ephemeral "cfsecrets_deploy_token" "run" { name = "run" }`,
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{
				Config:      providerWithToken(mock, noTokens) + config,
				PlanOnly:    true,
				ExpectError: errorSaying("may not manage API tokens on account "+mock.AccountID, "Give it Account API Tokens Write"),
			}))
		})
	}
}

func TestAccProvider_cloudflareNotReachedIsSaid(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	address := closed.URL
	closed.Close()
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: fmt.Sprintf(`
provider "cfsecrets" {
  base_url   = "%s/client/v4"
  api_token  = "sentinel-token-never-shown-5d1e"
  account_id = %q
}
data "cfsecrets_store" "s" {}
`, address, cloudflaremock.DefaultAccountID),
		ExpectError: errorSaying("Cloudflare was not reached at "+address, "connection refused",
			"nothing was sent", "base_url", "CLOUDFLARE_BASE_URL"),
	}))
}

func TestAccWorkerBinding_10021NamesTheBindingThatCausesIt(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key", "old_key")
	// The Worker's deploy bound OLD to old_key; someone has since deleted old_key. Cloudflare checks
	// every Secrets Store binding of a Worker when its bindings change, so adding STRIPE_KEY (whose
	// secret is fine) fails with 10021 because of OLD.
	mock.DeployWorker(t, "checkout", cfclient.NewSecretsStoreBinding("OLD", storeID, "old_key"))
	if err := mock.Client().DeleteSecret(context.Background(), mock.AccountID, storeID, secretIDByName(t, mock, storeID, "old_key")); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: mock.ProviderBlock() + bindingOf("checkout", "STRIPE_KEY", storeID, "stripe_key"),
		ExpectError: errorSaying("error 10021", `binding OLD of Worker "checkout"`, `secret "old_key"`,
			"does not exist", "every Secrets Store binding"),
	}))
}
