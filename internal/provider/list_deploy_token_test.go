package provider_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

func TestAccListDeployToken_listsTheAccountsDeployTokensOnly(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := seedExistingAccount(t, mock)
	token := func(id string) map[string]knownvalue.Check {
		return identityOf(map[string]string{"account_id": mock.AccountID, "id": id})
	}
	resource.ParallelTest(t, versionedCase(queryCLI, queryStep(mock, `
list "cfsecrets_deploy_token" "ci" {
  provider         = cfsecrets
  include_resource = true
}
`,
		querycheck.ExpectLength("cfsecrets_deploy_token.ci", 2),
		querycheck.ExpectIdentity("cfsecrets_deploy_token.ci", token(account.deployToken.ID)),
		querycheck.ExpectIdentity("cfsecrets_deploy_token.ci", token(account.wideToken.ID)),
		querycheck.ExpectNoIdentity("cfsecrets_deploy_token.ci", token(account.dnsToken.ID)),
		querycheck.ExpectResourceKnownValues("cfsecrets_deploy_token.ci", queryfilter.ByResourceIdentity(token(account.wideToken.ID)),
			[]querycheck.KnownValueCheck{
				{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("ci deploy with kv")},
				{Path: tfjsonpath.New("extra_permissions"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Workers KV Storage Write")})},
				{Path: tfjsonpath.New("allowed_ips"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("192.0.2.0/24")})},
				{Path: tfjsonpath.New("value"), KnownValue: knownvalue.Null()},
			}),
		querycheck.ExpectResourceKnownValues("cfsecrets_deploy_token.ci", queryfilter.ByResourceIdentity(token(account.deployToken.ID)),
			[]querycheck.KnownValueCheck{{Path: tfjsonpath.New("extra_permissions"), KnownValue: knownvalue.Null()}}),
	)))
}

// createTokenByAPI posts a token with the given policies (JSON) to the mock, as the dashboard would.
func createTokenByAPI(t *testing.T, mock *cfsecretstest.Mock, name, policies string) string {
	t.Helper()
	var created struct {
		ID string `json:"id"`
	}
	result := callAPI(t, mock, http.MethodPost, "/tokens", json.RawMessage(`{"name":"`+name+`","policies":`+policies+`}`))
	if err := json.Unmarshal(result, &created); err != nil {
		t.Fatalf("creating token %q: %v", name, err)
	}
	return created.ID
}

func TestAccListDeployToken_whatIsADeployToken(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	account := `"com.cloudflare.api.account.` + mock.AccountID + `"`
	pair := `[{"id":"` + groupWorkersScriptsWrite + `"},{"id":"` + groupSecretsStoreRead + `"}]`
	cases := []struct {
		name, policies string
		deploy         bool
	}{
		{"the deploy pair on the account", `[{"effect":"allow","permission_groups":` + pair + `,"resources":{` + account + `:"*"}}]`, true},
		{"one half of the pair", `[{"effect":"allow","permission_groups":[{"id":"` + groupWorkersScriptsWrite + `"}],"resources":{` + account + `:"*"}}]`, false},
		{"a second policy", `[{"effect":"allow","permission_groups":` + pair + `,"resources":{` + account + `:"*"}},` +
			`{"effect":"allow","permission_groups":[{"id":"` + groupDNSWrite + `"}],"resources":{` + account + `:"*"}}]`, false},
		{"a deny policy", `[{"effect":"deny","permission_groups":` + pair + `,"resources":{` + account + `:"*"}}]`, false},
		{"zones besides the account", `[{"effect":"allow","permission_groups":` + pair + `,"resources":{` + account + `:"*","com.cloudflare.api.account.zone.*":"*"}}]`, false},
		{"zones of the account instead of the account", `[{"effect":"allow","permission_groups":` + pair + `,"resources":{` + account + `:{"com.cloudflare.api.account.zone.*":"*"}}}]`, false},
		{"an account-scoped group besides the pair", `[{"effect":"allow","permission_groups":[{"id":"` + groupWorkersScriptsWrite + `"},{"id":"` +
			groupSecretsStoreRead + `"},{"id":"` + groupLogsWriteAccount + `"}],"resources":{` + account + `:"*"}}]`, true},
		// extra_permissions names account-scoped groups only: a configuration could not say this.
		{"a zone-scoped group besides the pair", `[{"effect":"allow","permission_groups":[{"id":"` + groupWorkersScriptsWrite + `"},{"id":"` +
			groupSecretsStoreRead + `"},{"id":"` + groupLogsWriteZone + `"}],"resources":{` + account + `:"*"}}]`, false},
	}
	var checks []querycheck.QueryResultCheck
	deployTokens := 0
	for _, tc := range cases {
		id := createTokenByAPI(t, mock, tc.name, tc.policies)
		identity := identityOf(map[string]string{"account_id": mock.AccountID, "id": id})
		if tc.deploy {
			deployTokens++
			checks = append(checks, querycheck.ExpectIdentity("cfsecrets_deploy_token.all", identity))
		} else {
			checks = append(checks, querycheck.ExpectNoIdentity("cfsecrets_deploy_token.all", identity))
		}
	}
	expired := createTokenByAPI(t, mock, "expired", cases[0].policies)
	mock.ExpireToken(t, expired)
	checks = append(checks,
		querycheck.ExpectNoIdentity("cfsecrets_deploy_token.all", identityOf(map[string]string{"account_id": mock.AccountID, "id": expired})),
		querycheck.ExpectLength("cfsecrets_deploy_token.all", deployTokens))
	resource.ParallelTest(t, versionedCase(queryCLI, queryStep(mock, `
list "cfsecrets_deploy_token" "all" {
  provider = cfsecrets
}
`, checks...)))
}
