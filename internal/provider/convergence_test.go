package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// A token that is not valid yet refuses every value, its own included: that must not be taken
// for a value rolled outside Terraform, or every plan would roll it again.
func TestAccDeployToken_notYetValidTokenIsNotTakenForRolled(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	config := tokenConfig(mock, `not_before = "2030-01-01T00:00:00Z"`)
	var value string
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check:            captureValue(&value),
		},
		resource.TestStep{Config: config, PlanOnly: true},
	))
}
