package provider_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// These tests drive the real terraform CLI and the provider binary built from this checkout,
// so they see exactly the files and logs a user's run leaves behind.

const secretModule = cfsecretstest.RequiredProviders + `
variable "stripe_key" {
  type      = string
  ephemeral = true
  sensitive = true
}
variable "stripe_key_version" {
  type    = number
  default = 1
}
resource "cfsecrets_store" "main" {
  force_destroy = true
}
resource "cfsecrets_secret" "stripe" {
  store_id         = cfsecrets_store.main.id
  name             = "stripe_key"
  value_wo         = var.stripe_key
  value_wo_version = var.stripe_key_version
  scopes           = ["workers"]
}
output "secret_id" {
  value = cfsecrets_secret.stripe.id
}
`

func TestCLISecret_valueNeverReachesStatePlanOrLogs(t *testing.T) {
	const first, second = "SENTINEL-first-7c1d0f", "SENTINEL-second-93ab2e"
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", secretModule)
	ws.SetVar("stripe_key", first)

	ws.MustRun("apply", "-auto-approve", "-input=false")
	secretID := strings.TrimSpace(ws.MustRun("output", "-raw", "secret_id").Stdout)
	if !mock.HoldsValue(t, secretID, first) {
		t.Fatalf("the mock does not hold the configured value after create")
	}

	ws.SetVar("stripe_key", second)
	ws.SetVar("stripe_key_version", "2")
	ws.MustRun("plan", "-input=false", "-out=rotate.tfplan")
	planJSON := ws.MustRun("show", "-json", "rotate.tfplan").Stdout
	ws.MustRun("apply", "-input=false", "rotate.tfplan")
	if !mock.HoldsValue(t, secretID, second) {
		t.Fatalf("the mock does not hold the rotated value after a value_wo_version bump")
	}
	stateJSON := ws.MustRun("show", "-json").Stdout
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode")
	ws.MustRun("destroy", "-auto-approve", "-input=false")

	places := map[string]string{
		"terraform.tfstate":          ws.ReadFile("terraform.tfstate"),
		"terraform.tfstate.backup":   ws.ReadFile("terraform.tfstate.backup"),
		"saved plan (show -json)":    planJSON,
		"state (show -json)":         stateJSON,
		"TRACE log of every command": ws.Logs(),
	}
	valuesNeverIn(t, places, first, second)
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				After map[string]any `json:"after"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
		t.Fatal(err)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address == "cfsecrets_secret.stripe" && rc.Change.After["value_wo"] != nil {
			t.Errorf("value_wo is %v in the saved plan, want null", rc.Change.After["value_wo"])
		}
	}
}

func TestCLISecret_scheduledPlanDetectsRotationInTheDashboard(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", secretModule)
	ws.SetVar("stripe_key", "configured-value")
	ws.MustRun("apply", "-auto-approve", "-input=false")
	secretID := strings.TrimSpace(ws.MustRun("output", "-raw", "secret_id").Stdout)
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode", "-lock=false")

	rotated := "rotated-by-hand"
	stores, err := mock.Client().ListStores(context.Background(), mock.AccountID)
	if err != nil || len(stores) != 1 {
		t.Fatalf("listing stores: %v %v", stores, err)
	}
	if _, err := mock.Client().UpdateSecret(context.Background(), mock.AccountID, stores[0].ID, secretID, cfclient.SecretPatch{Value: &rotated}); err != nil {
		t.Fatal(err)
	}

	plan := ws.Expect(2, "plan", "-input=false", "-detailed-exitcode", "-lock=false")
	for _, want := range []string{"cfsecrets_secret.stripe will be updated in-place", "Secret changed outside Terraform", `Secret "stripe_key"`, "probably rotated"} {
		if !strings.Contains(strings.Join(strings.Fields(plan.Stdout+plan.Stderr), " "), want) {
			t.Errorf("the drift plan does not say %q:\n%s\n%s", want, plan.Stdout, plan.Stderr)
		}
	}
	ws.MustRun("apply", "-auto-approve", "-input=false")
	if !mock.HoldsValue(t, secretID, "configured-value") {
		t.Errorf("apply did not write the configured value back")
	}
	ws.Expect(0, "plan", "-input=false", "-detailed-exitcode", "-lock=false")
}
