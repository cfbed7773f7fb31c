package provider_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// cloudflareResource is one resource of Cloudflare's provider in a state file.
type cloudflareResource struct {
	typeName, name string
	version        int // its schema version in Cloudflare's provider v5.22
	attributes     map[string]any
}

// cloudflareStateFile is a state file holding resources of Cloudflare's provider, as it leaves
// them: secret and token values in plain text.
func cloudflareStateFile(t *testing.T, resources ...cloudflareResource) string {
	t.Helper()
	provider := `provider["` + cfsecretstest.CLI(t).ProviderAddress("cloudflare/cloudflare") + `"]`
	var entries []map[string]any
	for _, r := range resources {
		entries = append(entries, map[string]any{"mode": "managed", "type": r.typeName, "name": r.name, "provider": provider,
			"instances": []map[string]any{{"schema_version": r.version, "attributes": r.attributes, "sensitive_attributes": []any{}}}})
	}
	state := map[string]any{
		"version": 4, "terraform_version": "1.8.0", "serial": 3, "lineage": "5b0e1c9a-2f4d-4e8b-9a61-3c7d2e0f1a44", "outputs": map[string]any{},
		"resources": entries,
	}
	raw, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// cloudflareState is a state file as Cloudflare's provider v5 leaves it: a store and a secret
// whose value sits in it in plain text.
func cloudflareState(t *testing.T, mock *cfsecretstest.Mock, store cfclient.Store, secret cfclient.Secret, value string) string {
	t.Helper()
	return cloudflareStateFile(t,
		cloudflareResource{typeName: "cloudflare_secrets_store", name: "main", version: 500, attributes: map[string]any{
			"id": store.ID, "account_id": mock.AccountID, "name": store.Name, "created": store.Created, "modified": store.Modified,
		}},
		cloudflareResource{typeName: "cloudflare_secrets_store_secret", name: "stripe", version: 500, attributes: map[string]any{
			"id": secret.ID, "account_id": mock.AccountID, "store_id": store.ID, "name": secret.Name, "value": value,
			"scopes": secret.Scopes, "comment": secret.Comment, "created": secret.Created, "modified": secret.Modified, "status": secret.Status,
		}})
}

// withCloudflaresProvider is the terraform block of a configuration moving from Cloudflare's
// provider (served by the stand-in, cfsecretstest.CloudflareStandIn).
const withCloudflaresProvider = `
terraform {
  required_providers {
    cfsecrets  = { source = "cfsecrets/cfsecrets" }
    cloudflare = { source = "cloudflare/cloudflare" }
  }
}
`

// movedConfig is the configuration after the migration: both objects in this provider's
// resources, as they are, with the moved blocks that carry their state over.
func movedConfig(comment string) string {
	return withCloudflaresProvider + `
moved {
  from = cloudflare_secrets_store.main
  to   = cfsecrets_store.main
}
moved {
  from = cloudflare_secrets_store_secret.stripe
  to   = cfsecrets_secret.stripe
}
resource "cfsecrets_store" "main" {}
resource "cfsecrets_secret" "stripe" {
  store_id = cfsecrets_store.main.id
  name     = "stripe_key"
  scopes   = ["workers"]
  comment  = "` + comment + `"
}
`
}

func TestCLIMoved_fromCloudflaresProviderChangesNothingAndDropsTheValue(t *testing.T) {
	const plaintext = "SENTINEL-in-cloudflare-state-8d2b"
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ctx, client := context.Background(), mock.Client()
	store, err := client.CreateStore(ctx, mock.AccountID, "default_secrets_store")
	if err != nil {
		t.Fatal(err)
	}
	created, err := client.CreateSecrets(ctx, mock.AccountID, store.ID, []cfclient.NewSecret{
		{Name: "stripe_key", Value: plaintext, Scopes: []string{"workers"}, Comment: "Stripe live key"},
	})
	if err != nil {
		t.Fatal(err)
	}
	secret := created[0]

	ws := cfsecretstest.NewWorkspace(t, mock, cfsecretstest.CloudflareStandIn(t))
	ws.Write("terraform.tfstate", cloudflareState(t, mock, store, secret, plaintext))
	ws.Write("main.tf", movedConfig("Stripe live key"))
	before := len(mock.Requests(t))
	apply := ws.MustRun("apply", "-auto-approve", "-input=false")
	for _, want := range []string{
		"cloudflare_secrets_store.main has moved to cfsecrets_store.main",
		"cloudflare_secrets_store_secret.stripe has moved to cfsecrets_secret.stripe",
		"0 added, 0 changed, 0 destroyed",
	} {
		if !strings.Contains(apply.Stdout, want) {
			t.Errorf("the apply does not report %q:\n%s", want, apply.Stdout)
		}
	}
	for _, r := range mock.Requests(t)[before:] {
		if r.Method != http.MethodGet {
			t.Errorf("the move sent %s %s: it must change nothing at Cloudflare", r.Method, r.Path)
		}
	}
	after, err := client.GetSecret(ctx, mock.AccountID, store.ID, secret.ID)
	if err != nil || after.Modified != secret.Modified {
		t.Errorf("the secret's modified went from %s to %s (%v): something wrote it", secret.Modified, after.Modified, err)
	}
	if !mock.HoldsValue(t, secret.ID, plaintext) {
		t.Errorf("the secret's value changed")
	}

	moved := ws.ReadFile("terraform.tfstate")
	shown := ws.MustRun("show", "-json").Stdout
	for place, content := range map[string]string{"state file": moved, "state (show -json)": shown} {
		if strings.Contains(content, plaintext) {
			t.Errorf("the plaintext value survived the move into the %s", place)
		}
		if strings.Contains(content, `"cloudflare_secrets_store`) {
			t.Errorf("the %s still holds a resource of Cloudflare's provider", place)
		}
	}
	// Terraform keeps the state from before the move as terraform.tfstate.backup; it held the
	// value before this provider saw it, so the guide says to delete it.
	if !strings.Contains(ws.ReadFile("terraform.tfstate.backup"), plaintext) {
		t.Errorf("terraform.tfstate.backup is not the state from before the move")
	}
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode")

	// The moved secret has no value_wo: a comment change writes the comment only, and from
	// here on the backup is a state of this provider, without the value.
	ws.Write("main.tf", movedConfig("Stripe live key, managed by cfsecrets"))
	ws.MustRun("apply", "-auto-approve", "-input=false")
	if !mock.HoldsValue(t, secret.ID, plaintext) {
		t.Errorf("writing the comment changed the value")
	}
	valuesNeverIn(t, map[string]string{"state after the next apply": ws.ReadFile("terraform.tfstate"),
		"state backup after the next apply": ws.ReadFile("terraform.tfstate.backup")}, plaintext)
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode")
}

// Cloudflare's token resources cannot be moved; each refusal says what to do, and doing it works:
// the account token is adopted by a removed block and an import (same id, not rolled, its value
// gone from state), and the user token stays untouched beside a new deploy token.
func TestCLIMoved_cloudflaresTokensAreRefusedWithStepsThatWork(t *testing.T) {
	const accountTokenValue, userTokenValue = "SENTINEL-account-token-in-state-41d0", "SENTINEL-user-token-in-state-9b3e"
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ctx, client := context.Background(), mock.Client()
	token, err := client.CreateAccountToken(ctx, cfclient.TokenSpec{Name: "ci deploy", AccountID: mock.AccountID,
		PermissionGroupIDs: []string{groupWorkersScriptsWrite, groupSecretsStoreRead}})
	if err != nil {
		t.Fatal(err)
	}
	policies := []map[string]any{{
		"effect":            "allow",
		"permission_groups": []map[string]any{{"id": groupWorkersScriptsWrite}, {"id": groupSecretsStoreRead}},
		"resources":         `{"com.cloudflare.api.account.` + mock.AccountID + `":"*"}`,
	}}
	tokenAttributes := func(id, name, value string) map[string]any {
		return map[string]any{"id": id, "name": name, "policies": policies, "status": "active", "value": value,
			"issued_on": token.IssuedOn, "modified_on": token.ModifiedOn}
	}
	accountToken := tokenAttributes(token.ID, "ci deploy", accountTokenValue)
	accountToken["account_id"] = mock.AccountID
	ws := cfsecretstest.NewWorkspace(t, mock, cfsecretstest.CloudflareStandIn(t))
	ws.Write("terraform.tfstate", cloudflareStateFile(t,
		cloudflareResource{typeName: "cloudflare_account_token", name: "ci", version: 501, attributes: accountToken},
		cloudflareResource{typeName: "cloudflare_api_token", name: "user", version: 501,
			attributes: tokenAttributes("0f1e2d3c4b5a69788796a5b4c3d2e1f0", "ci user", userTokenValue)},
	))
	const providers = withCloudflaresProvider + `
resource "cfsecrets_deploy_token" "ci" {
  name = "ci deploy"
}
resource "cfsecrets_deploy_token" "user" {
  name = "ci user"
}
`
	ws.Write("main.tf", providers+`
moved {
  from = cloudflare_account_token.ci
  to   = cfsecrets_deploy_token.ci
}
moved {
  from = cloudflare_api_token.user
  to   = cfsecrets_deploy_token.user
}
`)
	before := ws.ReadFile("terraform.tfstate")
	refused := ws.Expect(1, "plan", "-input=false")
	importID := mock.AccountID + "/" + token.ID
	for _, want := range []*regexp.Regexp{
		errorSaying("Adopt an account token by import, not by moved", "removed {", "from = cloudflare_account_token.<name>",
			"destroy = false", "import {", `id = "`+importID+`"`),
		errorSaying("A cloudflare_api_token cannot become a cfsecrets_deploy_token", "put the cloudflare_api_token block back"),
	} {
		if !want.MatchString(refused.Stderr) {
			t.Errorf("the refusal does not match %s:\n%s", want, refused.Stderr)
		}
	}
	if ws.ReadFile("terraform.tfstate") != before {
		t.Errorf("a refused move changed the state")
	}

	// What the refusals say: a removed block and the import block given for the account token;
	// the cloudflare_api_token block back as it was, beside the new deploy token.
	ws.Write("main.tf", providers+`
removed {
  from = cloudflare_account_token.ci
  lifecycle {
    destroy = false
  }
}
import {
  to = cfsecrets_deploy_token.ci
  id = "`+importID+`"
}
resource "cloudflare_api_token" "user" {
  name = "ci user"
  policies = [{
    effect            = "allow"
    permission_groups = [{ id = "`+groupWorkersScriptsWrite+`" }, { id = "`+groupSecretsStoreRead+`" }]
    resources         = jsonencode({ "com.cloudflare.api.account.`+mock.AccountID+`" = "*" })
  }]
}
`)
	requests := len(mock.Requests(t))
	apply := ws.MustRun("apply", "-auto-approve", "-input=false")
	if !strings.Contains(apply.Stdout, "1 imported, 1 added, 0 changed, 0 destroyed") {
		t.Errorf("the apply did not import the account token and add one deploy token, and nothing else:\n%s", apply.Stdout)
	}
	for _, r := range mock.Requests(t)[requests:] {
		if strings.Contains(r.Path, token.ID) && r.Method != http.MethodGet {
			t.Errorf("adopting the account token sent %s %s: it must stay as it is, value included", r.Method, r.Path)
		}
	}
	if state := ws.ReadFile("terraform.tfstate"); strings.Contains(state, accountTokenValue) || strings.Contains(state, "cloudflare_account_token") {
		t.Errorf("the account token of Cloudflare's provider, or its value, is still in state")
	}
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode")
}
