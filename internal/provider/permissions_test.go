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

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// Least privilege is exact: a permission-group name means the account-scoped group of that name,
// never a zone group of the same name, and a name with no account-scoped group is refused.

// heldGroups is the permission-group ids the token in state holds in the mock.
func heldGroups(t *testing.T, mock *cfsecretstest.Mock, s *terraform.State) []string {
	t.Helper()
	token, err := mock.Client().GetAccountToken(context.Background(), mock.AccountID, tokenAttrs(s)["id"])
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range token.Policies {
		for _, g := range p.PermissionGroups {
			ids = append(ids, g.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestAccDeployToken_aNameAtTwoScopesGrantsTheAccountGroup(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	want := []string{groupSecretsStoreRead, groupLogsWriteAccount, groupWorkersScriptsWrite}
	slices.Sort(want)
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: tokenConfig(mock, `extra_permissions = ["Logs Write"]`),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(tokenAddress, tfjsonpath.New("permissions"), knownvalue.SetExact([]knownvalue.Check{
				knownvalue.StringExact("Account Secrets Store Read"), knownvalue.StringExact("Logs Write"),
				knownvalue.StringExact("Workers Scripts Write")})),
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		Check: func(s *terraform.State) error {
			if got := heldGroups(t, mock, s); !slices.Equal(got, want) {
				return fmt.Errorf("the token holds groups %v, want %v (the account-scoped Logs Write, not the zone one)", got, want)
			}
			return nil
		},
	}))
}

func TestAccDeployToken_aZoneOnlyGroupIsRefusedWithCloseAccountNames(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config:   tokenConfig(mock, `extra_permissions = ["DNS Write"]`),
			PlanOnly: true,
			ExpectError: errorSaying(`"DNS Write" is a zone permission group`, "covers one account",
				"account permission groups only"),
		},
		resource.TestStep{
			// Close names are the account-scoped ones: "Logs Read" (zone and account) is offered
			// once, "DNS Read" (zone only) never.
			Config:      tokenConfig(mock, `extra_permissions = ["Logs Edit"]`),
			PlanOnly:    true,
			ExpectError: errorSaying(`"Logs Edit" is not a permission group name`, `Did you mean one of: "Logs Read", "Logs Write"?`),
		},
		// Every unknown name is reported by the same plan, not one per run.
		resource.TestStep{
			Config:      tokenConfig(mock, `extra_permissions = ["DNS Write", "Logs Edit"]`),
			PlanOnly:    true,
			ExpectError: errorSaying(`"DNS Write" is a zone permission group`),
		},
		resource.TestStep{
			Config:      tokenConfig(mock, `extra_permissions = ["DNS Write", "Logs Edit"]`),
			PlanOnly:    true,
			ExpectError: errorSaying(`"Logs Edit" is not a permission group name`),
		},
	))
}
