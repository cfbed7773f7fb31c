package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
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

// The two ways to own a secret (DESIGN.md): with value_wo Terraform owns the value too; without
// it, on a secret Terraform adopted, Terraform owns scopes, comment and bindings, and the value
// belongs to whoever sets it elsewhere (e.g. a Secrets Store Admin in the dashboard).

// adoptedSecretConfig imports the secret "stripe_key" of the store and manages it without value_wo.
func adoptedSecretConfig(mock *cfsecretstest.Mock, storeID, args string) string {
	return mock.ProviderBlock() + `
import {
  to = cfsecrets_secret.stripe
  id = "` + mock.AccountID + "/" + storeID + `/stripe_key"
}
resource "cfsecrets_secret" "stripe" {
  store_id = "` + storeID + `"
  name     = "stripe_key"
` + args + `
}
`
}

// mockSecretHolds checks the value (by SHA-256), scopes and comment the mock holds for the secret.
func mockSecretHolds(t *testing.T, mock *cfsecretstest.Mock, value, scopes, comment string) resource.TestCheckFunc {
	return resource.ComposeTestCheckFunc(mockHoldsValue(t, mock, value), func(s *terraform.State) error {
		secret := secretInMock(t, mock, s)
		if got := strings.Join(secret.Scopes, ","); got != scopes || secret.Comment != comment {
			return fmt.Errorf("the mock holds scopes %q comment %q, want %q %q", got, secret.Comment, scopes, comment)
		}
		return nil
	})
}

func TestAccSecret_adoptedWithoutValueLeavesTheValueToOthers(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key") // value "value-of-stripe_key", set outside Terraform
	config := adoptedSecretConfig(mock, storeID, `scopes = ["workers"]`+"\ncomment = \"managed scopes\"")
	var secretID string
	rotated, otherComment, otherScopes := "rotated-by-the-admin", "edited in the dashboard", []string{"workers", "ai_gateway"}
	repairStep := func(change cfclient.SecretPatch) resource.TestStep {
		return resource.TestStep{
			PreConfig: changeOutOfBand(t, mock, &secretID, change),
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			// The repair writes scopes and comment; the value stays the admin's.
			Check: mockSecretHolds(t, mock, rotated, "workers", "managed scopes"),
		}
	}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			// The import writes the comment (a difference from the configuration), never the value.
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: valueNeverInState(),
			Check:             resource.ComposeTestCheckFunc(captureSecretID(&secretID), mockSecretHolds(t, mock, "value-of-stripe_key", "workers", "managed scopes")),
		},
		resource.TestStep{
			// A value rotated outside Terraform is not drift: the plan stays empty, also after an
			// apply has stored the refreshed state.
			PreConfig: changeOutOfBand(t, mock, &secretID, cfclient.SecretPatch{Value: &rotated}),
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: mockSecretHolds(t, mock, rotated, "workers", "managed scopes"),
		},
		repairStep(cfclient.SecretPatch{Comment: &otherComment}),
		repairStep(cfclient.SecretPatch{Scopes: &otherScopes}),
		resource.TestStep{
			// Deleted outside Terraform: re-creating it would need a value, which this
			// configuration does not have. The plan says so and sends nothing.
			PreConfig: func() {
				if err := mock.Client().DeleteSecret(context.Background(), mock.AccountID, storeID, secretID); err != nil {
					t.Fatal(err)
				}
			},
			Config:      config,
			PlanOnly:    true,
			ExpectError: errorSaying("A new secret needs a value", `secret "stripe_key"`, "Set value_wo"),
		},
	))
}

func TestAccSecret_adoptedThenGivenAValueIsOwnedAsBefore(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key")
	unowned := adoptedSecretConfig(mock, storeID, `scopes = ["workers"]`)
	owned := mock.ProviderBlock() + `
variable "stripe_key" {
  type      = string
  ephemeral = true
}
resource "cfsecrets_secret" "stripe" {
  store_id         = "` + storeID + `"
  name             = "stripe_key"
  value_wo         = var.stripe_key
  value_wo_version = 1
  scopes           = ["workers"]
}
`
	var secretID string
	rotated := "rotated-by-hand"
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{Config: unowned, Check: captureSecretID(&secretID)},
		resource.TestStep{
			// value_wo_version from null to 1 sends the value: Terraform owns it from now on.
			Config: owned, ConfigVariables: secretValue("from-terraform"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: mockHoldsValue(t, mock, "from-terraform"),
		},
		resource.TestStep{
			// Owned again: a rotation outside Terraform is drift, and the apply writes the value back.
			PreConfig: changeOutOfBand(t, mock, &secretID, cfclient.SecretPatch{Value: &rotated}),
			Config:    owned, ConfigVariables: secretValue("from-terraform"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: mockHoldsValue(t, mock, "from-terraform"),
		},
	))
}

func TestAccSecret_aNewSecretNeedsAValue(t *testing.T) {
	cases := []struct {
		name   string
		config func(mock *cfsecretstest.Mock, storeID string) string
	}{
		{"create", func(mock *cfsecretstest.Mock, storeID string) string {
			return mock.ProviderBlock() + `
resource "cfsecrets_secret" "stripe" {
  store_id = "` + storeID + `"
  name     = "brand_new"
  scopes   = ["workers"]
}
`
		}},
		{"replace an adopted secret by renaming it", func(mock *cfsecretstest.Mock, storeID string) string {
			adopted := adoptedSecretConfig(mock, storeID, `scopes = ["workers"]`)
			return strings.Replace(adopted, `name     = "stripe_key"`, `name     = "stripe_key_v2"`, 1)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
			storeID := seedStoreWithSecrets(t, mock, "stripe_key")
			before := len(mock.Requests(t))
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{
				Config:      tc.config(mock, storeID),
				PlanOnly:    true,
				ExpectError: errorSaying("A new secret needs a value", "Cloudflare creates no secret without a value", "import {"),
			}))
			for _, r := range mock.Requests(t)[before:] {
				if r.Method != http.MethodGet {
					t.Errorf("planning a secret without a value sent %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

func TestAccSecret_valueUnknownAtPlanIsAValue(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	// The value is the store's id, unknown until the store exists: the plan must accept it.
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: mock.ProviderBlock() + `
resource "cfsecrets_store" "main" {
  force_destroy = true
}
resource "terraform_data" "later" {
  input = cfsecrets_store.main.id
}
resource "cfsecrets_secret" "stripe" {
  store_id = cfsecrets_store.main.id
  name     = "stripe_key"
  value_wo = terraform_data.later.output
  scopes   = ["workers"]
}
`,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionCreate)},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(secretAddress, tfjsonpath.New("value_wo"), knownvalue.Null()),
		},
		Check: func(s *terraform.State) error {
			storeID := s.RootModule().Resources["cfsecrets_store.main"].Primary.Attributes["id"]
			return mockHoldsValue(t, mock, storeID)(s)
		},
	}))
}
