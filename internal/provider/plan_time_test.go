package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// A value Cloudflare would refuse or change is refused at plan time, before anything is sent.

func TestAccDeployToken_valuesCloudflareWouldRefuseOrChangeAreRefusedAtPlanTime(t *testing.T) {
	cases := []struct {
		name   string
		config string
		want   []string
	}{
		{"sub-second expires_on", `name = "ci"
  expires_on = "2030-01-01T00:00:00.500Z"`,
			[]string{`"2030-01-01T00:00:00.500Z" has a fraction of a second`, "whole seconds", "2030-01-01T00:00:00Z"}},
		{"sub-second not_before", `name = "ci"
  not_before = "2030-01-01T00:00:00.25+01:00"`,
			[]string{`"2030-01-01T00:00:00.25+01:00" has a fraction of a second`, "whole seconds"}},
		{"expires_on in the past", `name = "ci"
  expires_on = "2020-01-01T00:00:00Z"`,
			[]string{"expires_on 2020-01-01T00:00:00Z is in the past", "already expired"}},
		{"not_before after expires_on", `name = "ci"
  not_before = "2031-01-01T00:00:00Z"
  expires_on = "2030-01-01T00:00:00Z"`,
			[]string{"not_before (2031-01-01T00:00:00Z) must be earlier than expires_on (2030-01-01T00:00:00Z)"}},
		{"not_before equal to expires_on, spelled differently", `name = "ci"
  not_before = "2030-01-01T01:00:00+01:00"
  expires_on = "2030-01-01T00:00:00Z"`,
			[]string{"must be earlier than expires_on"}},
		{"CIDR with host bits", `name = "ci"
  allowed_ips = ["198.51.100.7/24"]`,
			[]string{`"198.51.100.7/24" has host bits set`, "198.51.100.0/24", "198.51.100.7/32"}},
		{"IPv4-mapped IPv6 CIDR", `name = "ci"
  denied_ips = ["::ffff:198.51.100.0/120"]`,
			[]string{`"::ffff:198.51.100.0/120" is an IPv4-mapped IPv6 range`, "198.51.100.0/24"}},
		{"CIDR not in canonical form", `name = "ci"
  allowed_ips = ["2001:DB8::/32"]`,
			[]string{`"2001:DB8::/32" is not written the way Cloudflare returns it`, "2001:db8::/32"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{
				Config:      mock.ProviderBlock() + "resource \"cfsecrets_deploy_token\" \"ci\" {\n  " + tc.config + "\n}\n",
				PlanOnly:    true,
				ExpectError: errorSaying(tc.want...),
			}))
			for _, r := range mock.Requests(t) {
				if r.Method != http.MethodGet {
					t.Errorf("a refused plan sent %s %s", r.Method, r.Path)
				}
			}
		})
	}
}

func TestAccEphemeralDeployToken_sharesTheResourcesChecks(t *testing.T) {
	cases := []struct {
		name, args string
		want       []string
	}{
		{"blank name", `name = " "`, []string{"must not be blank"}},
		{"no-break space name", "name = \"\u00a0\"", []string{"must not be blank"}},
		{"empty permission name", `extra_permissions = [""]`, []string{"at least 1"}},
		{"CIDR with host bits", `allowed_ips = ["198.51.100.7/24"]`, []string{"has host bits set"}},
		{"zone permission group", `extra_permissions = ["DNS Write"]`, []string{`"DNS Write" is a zone permission group`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{
				Config:      mock.ProviderBlock() + "ephemeral \"cfsecrets_deploy_token\" \"run\" {\n  " + tc.args + "\n}\n",
				PlanOnly:    true,
				ExpectError: errorSaying(tc.want...),
			}))
			tokens, err := mock.Client().ListAccountTokens(context.Background(), mock.AccountID)
			if err != nil || len(tokens) != 0 {
				t.Errorf("a refused ephemeral token reached Cloudflare: %v %v", tokens, err)
			}
		})
	}
}

func TestAccDeployToken_nameLengthCountsCharactersAsCloudflareDoes(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	name := strings.Repeat("é", 120) // 120 characters, 240 bytes: Cloudflare takes it
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config:      tokenConfigNamed(mock, name+"é"),
			PlanOnly:    true,
			ExpectError: errorSaying("character count must be between 1 and 120"),
		},
		resource.TestStep{
			Config: tokenConfigNamed(mock, name),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(s *terraform.State) error {
				if got := tokenAttrs(s)["name"]; got != name {
					return fmt.Errorf("name in state is %q", got)
				}
				return nil
			},
		},
	))
}

func tokenConfigNamed(mock *cfsecretstest.Mock, name string) string {
	return mock.ProviderBlock() + fmt.Sprintf("resource \"cfsecrets_deploy_token\" \"ci\" {\n  name = %q\n}\n", name)
}

func TestAccInputsThatWouldFailAtApplyAreRefusedAtPlanTime(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	cases := map[string]struct {
		config string
		want   []string
	}{
		"worker_secrets script name": {mock.ProviderBlock() + `data "cfsecrets_worker_secrets" "w" { script_name = "My Worker" }`,
			[]string{"must be a Worker name"}},
		"base_url without a scheme": {`
provider "cfsecrets" {
  base_url   = "api.cloudflare.com/client/v4"
  api_token  = "t"
  account_id = "` + mock.AccountID + `"
}
data "cfsecrets_store" "s" {}
`, []string{`"api.cloudflare.com/client/v4" is not an http or https URL`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{Config: tc.config, PlanOnly: true, ExpectError: errorSaying(tc.want...)}))
		})
	}
}

func TestAccProvider_baseURLFromTheEnvironmentIsChecked(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	t.Setenv("CLOUDFLARE_BASE_URL", "api.cloudflare.com")
	resource.Test(t, acceptanceCase(resource.TestStep{
		Config: `
provider "cfsecrets" {
  api_token  = "t"
  account_id = "` + mock.AccountID + `"
}
data "cfsecrets_store" "s" {}
`,
		ExpectError: errorSaying(`"api.cloudflare.com" is not an http or https URL`),
	}))
}
