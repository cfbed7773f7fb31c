package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
)

// existingAccount is what a team has before it meets this provider, all made through the API
// (Wrangler, the dashboard): a store with secrets, a Worker whose wrangler.toml binds two of
// them beside its other bindings, deploy tokens, and a token that is no deploy token.
type existingAccount struct {
	storeID string
	secrets map[string]cfclient.Secret // by name
	// deployToken has the deploy pair; wideToken also Workers KV Storage Write and an IP range;
	// dnsToken holds DNS Write only.
	deployToken, wideToken, dnsToken cfclient.Token
}

const groupKVWrite = "f7f0eda5697f475c90846e879bab8666" // Workers KV Storage Write (its real id, cloudflaremock/FACTS.md)

func seedExistingAccount(t *testing.T, mock *cfsecretstest.Mock) existingAccount {
	t.Helper()
	ctx, client := context.Background(), mock.Client()
	store, err := client.CreateStore(ctx, mock.AccountID, "default_secrets_store")
	if err != nil {
		t.Fatal(err)
	}
	created, err := client.CreateSecrets(ctx, mock.AccountID, store.ID, []cfclient.NewSecret{
		{Name: "stripe_key", Value: "SENTINEL-stripe-set-in-dashboard", Scopes: []string{"workers"}, Comment: "Stripe live key"},
		{Name: "openai_key", Value: "SENTINEL-openai-set-in-dashboard", Scopes: []string{"workers", "ai_gateway"}},
		{Name: "github_token", Value: "SENTINEL-github-set-in-dashboard", Scopes: []string{"ai_gateway"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	account := existingAccount{storeID: store.ID, secrets: map[string]cfclient.Secret{}}
	for _, s := range created {
		account.secrets[s.Name] = s
	}
	deployCheckout(t, mock,
		cfclient.NewSecretsStoreBinding("STRIPE_KEY", store.ID, "stripe_key"),
		cfclient.NewSecretsStoreBinding("OPENAI_KEY", store.ID, "openai_key"))
	token := func(name string, spec cfclient.TokenSpec) cfclient.Token {
		spec.Name, spec.AccountID = name, mock.AccountID
		made, err := client.CreateAccountToken(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		made.Value = ""
		return made
	}
	account.deployToken = token("ci deploy", cfclient.TokenSpec{PermissionGroupIDs: []string{groupWorkersScriptsWrite, groupSecretsStoreRead}})
	account.wideToken = token("ci deploy with kv", cfclient.TokenSpec{
		PermissionGroupIDs: []string{groupWorkersScriptsWrite, groupSecretsStoreRead, groupKVWrite},
		AllowedIPs:         []string{"192.0.2.0/24"},
	})
	account.dnsToken = token("dns automation", cfclient.TokenSpec{PermissionGroupIDs: []string{groupDNSWrite}})
	return account
}

const groupDNSWrite = "4755a26eedb94da69e1066d98aa820be" // DNS Write

// adoptingConfig manages the existing account's two bound secrets as they are, without value_wo
// (their values stay with whoever sets them), their bindings and both deploy tokens. It leaves
// the store and github_token alone, so destroying it leaves the store as it was found.
func (a existingAccount) adoptingConfig(mock *cfsecretstest.Mock) string {
	return mock.ProviderBlock() + `
resource "cfsecrets_secret" "stripe_key" {
  store_id = "` + a.storeID + `"
  name     = "stripe_key"
  scopes   = ["workers"]
  comment  = "Stripe live key"
}
resource "cfsecrets_secret" "openai_key" {
  store_id = "` + a.storeID + `"
  name     = "openai_key"
  scopes   = ["ai_gateway", "workers"]
}
resource "cfsecrets_worker_binding" "stripe_key" {
  script_name = "checkout"
  name        = "STRIPE_KEY"
  store_id    = cfsecrets_secret.stripe_key.store_id
  secret_name = cfsecrets_secret.stripe_key.name
}
resource "cfsecrets_worker_binding" "openai_key" {
  script_name = "checkout"
  name        = "OPENAI_KEY"
  store_id    = cfsecrets_secret.openai_key.store_id
  secret_name = cfsecrets_secret.openai_key.name
}
resource "cfsecrets_deploy_token" "ci" {
  name = "ci deploy"
}
resource "cfsecrets_deploy_token" "wide" {
  name              = "ci deploy with kv"
  extra_permissions = ["Workers KV Storage Write"]
  allowed_ips       = ["192.0.2.0/24"]
}
`
}

// versionedCase is an acceptance case for a feature only newer CLIs have (identity: Terraform
// 1.12, query: 1.14); older ones skip it through plugin-testing's version check, the only skip
// the project allows.
func versionedCase(check tfversion.TerraformVersionCheck, steps ...resource.TestStep) resource.TestCase {
	c := acceptanceCase(steps...)
	c.TerraformVersionChecks = []tfversion.TerraformVersionCheck{check}
	return c
}

// identityOf is an identity check of string attributes.
func identityOf(values map[string]string) map[string]knownvalue.Check {
	checks := make(map[string]knownvalue.Check, len(values))
	for k, v := range values {
		checks[k] = knownvalue.StringExact(v)
	}
	return checks
}
