package provider_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// cloudflareState is a state file as Cloudflare's provider v5 leaves it: a store and a secret
// whose value sits in it in plain text.
func cloudflareState(t *testing.T, mock *cfsecretstest.Mock, store cfclient.Store, secret cfclient.Secret, value string) string {
	t.Helper()
	provider := `provider["` + cfsecretstest.CLI(t).ProviderAddress("cloudflare/cloudflare") + `"]`
	instance := func(attributes map[string]any) []map[string]any {
		return []map[string]any{{"schema_version": 500, "attributes": attributes, "sensitive_attributes": []any{}}}
	}
	state := map[string]any{
		"version": 4, "terraform_version": "1.8.0", "serial": 3, "lineage": "5b0e1c9a-2f4d-4e8b-9a61-3c7d2e0f1a44", "outputs": map[string]any{},
		"resources": []map[string]any{
			{"mode": "managed", "type": "cloudflare_secrets_store", "name": "main", "provider": provider, "instances": instance(map[string]any{
				"id": store.ID, "account_id": mock.AccountID, "name": store.Name, "created": store.Created, "modified": store.Modified,
			})},
			{"mode": "managed", "type": "cloudflare_secrets_store_secret", "name": "stripe", "provider": provider, "instances": instance(map[string]any{
				"id": secret.ID, "account_id": mock.AccountID, "store_id": store.ID, "name": secret.Name, "value": value,
				"scopes": secret.Scopes, "comment": secret.Comment, "created": secret.Created, "modified": secret.Modified, "status": secret.Status,
			})},
		},
	}
	raw, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// movedConfig is the configuration after the migration: both objects in this provider's
// resources, as they are, with the moved blocks that carry their state over.
func movedConfig(comment string) string {
	return `
terraform {
  required_providers {
    cfsecrets  = { source = "cfsecrets/cfsecrets" }
    cloudflare = { source = "cloudflare/cloudflare" }
  }
}
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
