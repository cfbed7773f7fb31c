package provider_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/provider"
)

func TestMain(m *testing.M) { cfsecretstest.Main(m) }

// providerFactories serve the provider in-process, so acceptance tests need no built binary.
var providerFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"cfsecrets": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// acceptanceCase is the shape every acceptance test shares: the provider in-process and
// Terraform 1.11 or later (write-only attributes).
func acceptanceCase(steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		ProtoV6ProviderFactories: providerFactories,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		Steps:                    steps,
	}
}

func TestAccProvider_missingTokenIsAClearError(t *testing.T) {
	t.Setenv("CLOUDFLARE_API_TOKEN", "")
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	resource.Test(t, acceptanceCase(resource.TestStep{
		Config: `
provider "cfsecrets" {
  base_url   = "` + mock.BaseURL + `"
  account_id = "` + mock.AccountID + `"
}
resource "cfsecrets_store" "main" {}
`,
		ExpectError: errorSaying("Missing Cloudflare API token", "CLOUDFLARE_API_TOKEN"),
	}))
}

func TestAccProvider_malformedAccountIDIsAClearError(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: `
provider "cfsecrets" {
  base_url   = "` + mock.BaseURL + `"
  api_token  = "` + mock.Token + `"
  account_id = "not-an-account"
}
resource "cfsecrets_store" "main" {}
`,
		ExpectError: errorSaying("32 lowercase hex"),
	}))
}

func TestAccProvider_wrongTokenIsRejectedByCloudflare(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: `
provider "cfsecrets" {
  base_url   = "` + mock.BaseURL + `"
  api_token  = "sentinel-wrong-token-4f1c"
  account_id = "` + mock.AccountID + `"
}
resource "cfsecrets_store" "main" {}
`,
		ExpectError: errorSaying("HTTP 401: Invalid API Token (code 1000)"),
	}))
}

// errorSaying matches an error that contains each phrase in order, however Terraform wrapped
// the lines of the diagnostic.
func errorSaying(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// valuesNeverIn fails the test for every place (name: content) that holds one of the sentinel
// values: how the tests prove a secret never reaches state, plan, logs or generated files.
func valuesNeverIn(t *testing.T, places map[string]string, sentinels ...string) {
	t.Helper()
	for place, content := range places {
		for _, sentinel := range sentinels {
			if strings.Contains(content, sentinel) {
				t.Errorf("a secret value appears in the %s", place)
			}
		}
	}
}
