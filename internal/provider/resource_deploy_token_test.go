package provider_test

import (
	"context"
	"fmt"
	"slices"
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

const (
	tokenAddress = "cfsecrets_deploy_token.ci"
	// Permission-group ids (internal/cloudflaremock/FACTS.md, Tokens: permission groups).
	groupWorkersScriptsWrite = "e086da7e2179491d91ee5f35b3ca210a"
	groupSecretsStoreRead    = "5e33b7d77788455c9fdf18cbd38ee5a0"
	groupSecretsStoreWrite   = "adc8fa2bc6124928a8b3314dc63a1235"
)

func tokenConfig(mock *cfsecretstest.Mock, args string) string {
	return mock.ProviderBlock() + `
resource "cfsecrets_deploy_token" "ci" {
  name = "ci-deploy"
` + args + `
}
`
}

func tokenAttrs(s *terraform.State) map[string]string {
	return s.RootModule().Resources[tokenAddress].Primary.Attributes
}

// leastPrivilegeInMock checks the token as Cloudflare holds it: one allow policy with exactly
// the two deploy groups on exactly this account.
func leastPrivilegeInMock(mock *cfsecretstest.Mock) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		token, err := mock.Client().GetAccountToken(context.Background(), mock.AccountID, tokenAttrs(s)["id"])
		if err != nil {
			return err
		}
		if len(token.Policies) != 1 {
			return fmt.Errorf("the token has %d policies, want 1", len(token.Policies))
		}
		p := token.Policies[0]
		var groups []string
		for _, g := range p.PermissionGroups {
			groups = append(groups, g.ID)
		}
		slices.Sort(groups)
		_, onAccount := p.Resources[cfclient.AccountResource(mock.AccountID)]
		if p.Effect != "allow" || !slices.Equal(groups, []string{groupSecretsStoreRead, groupWorkersScriptsWrite}) || len(p.Resources) != 1 || !onAccount {
			return fmt.Errorf("the token's policy is %+v, want allow of the two deploy groups on account %s only", p, mock.AccountID)
		}
		return nil
	}
}

func valueWorks(mock *cfsecretstest.Mock, value *string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		works, err := mock.Client().TokenValueWorks(context.Background(), mock.AccountID, *value)
		if err != nil {
			return fmt.Errorf("token value works: %w", err)
		}
		if works != want {
			return fmt.Errorf("token value works = %v, want %v", works, want)
		}
		return nil
	}
}

func captureValue(into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*into = tokenAttrs(s)["value"]
		if *into == "" {
			return fmt.Errorf("the token has no value in state")
		}
		return nil
	}
}

func TestAccDeployToken_leastPrivilegeImportAndRotation(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	var first, second string
	importToken := func(s *terraform.State) (string, error) { return mock.AccountID + "/" + tokenAttrs(s)["id"], nil }
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config: tokenConfig(mock, `rotation_triggers = { quarter = "2026-Q4" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(tokenAddress, tfjsonpath.New("permissions"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("Account Secrets Store Read"), knownvalue.StringExact("Workers Scripts Write")})),
				statecheck.ExpectKnownValue(tokenAddress, tfjsonpath.New("resources"), knownvalue.SetExact([]knownvalue.Check{
					knownvalue.StringExact("com.cloudflare.api.account." + mock.AccountID)})),
				statecheck.ExpectKnownValue(tokenAddress, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectSensitiveValue(tokenAddress, tfjsonpath.New("value")),
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            resource.ComposeTestCheckFunc(leastPrivilegeInMock(mock), captureValue(&first), valueWorks(mock, &first, true)),
		},
		resource.TestStep{
			ResourceName: tokenAddress, ImportState: true, ImportStateIdFunc: importToken,
			ImportStateVerify: true, ImportStateVerifyIgnore: []string{"value", "rotation_triggers"},
		},
		resource.TestStep{
			// Without rotation triggers an import block plans nothing; with them, the first apply
			// after an import rolls the token to learn its value.
			Config:       tokenConfig(mock, ""),
			ResourceName: tokenAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateIdFunc: importToken,
		},
		resource.TestStep{
			// A new trigger rolls the value in place: same id, new value works, old one is refused.
			Config: tokenConfig(mock, `rotation_triggers = { quarter = "2027-Q1" }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(captureValue(&second), valueWorks(mock, &second, true), valueWorks(mock, &first, false)),
		},
	))
}

func TestAccDeployToken_driftRestoresLeastPrivilege(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	config := tokenConfig(mock, "")
	var tokenID, value string
	capture := func(s *terraform.State) error { //nolint:unparam // a resource.TestCheckFunc, which returns an error
		tokenID, value = tokenAttrs(s)["id"], tokenAttrs(s)["value"]
		return nil
	}
	update := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddress, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{Config: config, Check: capture},
		resource.TestStep{
			// Someone widened the token in the dashboard: Secrets Store Write added.
			PreConfig: func() {
				_, err := mock.Client().UpdateAccountToken(context.Background(), tokenID, cfclient.TokenSpec{
					Name: "ci-deploy", AccountID: mock.AccountID,
					PermissionGroupIDs: []string{groupWorkersScriptsWrite, groupSecretsStoreRead, groupSecretsStoreWrite},
				})
				if err != nil {
					t.Fatal(err)
				}
			},
			Config: config, ConfigPlanChecks: update, Check: leastPrivilegeInMock(mock),
		},
		resource.TestStep{
			// The value was rolled elsewhere: the plan says so and rolls again so state works.
			PreConfig: func() {
				if _, err := mock.Client().RollAccountToken(context.Background(), mock.AccountID, tokenID); err != nil {
					t.Fatal(err)
				}
			},
			Config: config, ConfigPlanChecks: update,
			Check: func(s *terraform.State) error {
				fresh := tokenAttrs(s)["value"]
				if fresh == value {
					return fmt.Errorf("the value in state was not replaced")
				}
				return valueWorks(mock, &fresh, true)(s)
			},
		},
		resource.TestStep{
			PreConfig: func() { mock.ExpireToken(t, tokenID) },
			Config:    config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddress, plancheck.ResourceActionCreate)},
			},
			Check: func(s *terraform.State) error {
				if tokenAttrs(s)["id"] == tokenID {
					return fmt.Errorf("the expired token was kept")
				}
				return resource.ComposeTestCheckFunc(leastPrivilegeInMock(mock), capture)(s)
			},
		},
		resource.TestStep{
			PreConfig: func() {
				if err := mock.Client().DeleteAccountToken(context.Background(), mock.AccountID, tokenID); err != nil {
					t.Fatal(err)
				}
			},
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(tokenAddress, plancheck.ResourceActionCreate)},
			},
		},
	))
}

func TestAccDeployToken_badInputIsExplained(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	cases := map[string]struct {
		args string
		want []string
	}{
		"bad CIDR":          {`allowed_ips = ["10.0.0.0/33"]`, []string{`"10.0.0.0/33" is not a CIDR range`}},
		"bare address":      {`denied_ips = ["198.51.100.7"]`, []string{`"198.51.100.7" is not a CIDR range`, "/32"}},
		"not RFC 3339":      {`expires_on = "2026-12-31"`, []string{`"2026-12-31" is not an RFC 3339 time`}},
		"unknown group":     {`extra_permissions = ["Workers KV Write"]`, []string{`"Workers KV Write" is not a permission group`, "Did you mean", `"Workers KV Storage Write"`}},
		"empty name":        {`name = ""`, []string{"character count must be between 1 and 120"}},
		"ephemeral bad ttl": {"", []string{`"30s" must be a duration`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			config := tokenConfig(mock, tc.args)
			if tc.args == `name = ""` {
				config = mock.ProviderBlock() + `resource "cfsecrets_deploy_token" "ci" { name = "" }`
			}
			if name == "ephemeral bad ttl" {
				config = mock.ProviderBlock() + `ephemeral "cfsecrets_deploy_token" "run" { ttl = "30s" }`
			}
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{Config: config, PlanOnly: true, ExpectError: errorSaying(tc.want...)}))
		})
	}
}

func secretIDByName(t *testing.T, mock *cfsecretstest.Mock, storeID, name string) string {
	t.Helper()
	secret, found, err := mock.Client().SecretByName(context.Background(), mock.AccountID, storeID, name)
	if err != nil || !found {
		t.Fatalf("finding secret %s: found %v, %v", name, found, err)
	}
	return secret.ID
}

func isStatus(err error, status int) bool {
	apiErr, ok := cfclient.AsAPIError(err)
	return ok && apiErr.Status == status
}
