package provider_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// The convergence rule (DESIGN.md): every change Cloudflare or a person can make to what a
// resource manages is reported by the next plan (its action, and a warning where the diff alone
// does not say what happened), one apply of that plan repairs it, and the plan after is empty.
//
// Each table below IS the list of what can change for its resource: one row per field or status,
// made through the mock's API as the dashboard or a deploy tool would make it. Changes a single
// apply cannot repair by design (the name now belongs to something else) are listed too, with
// what the plan and the apply say instead.

type driftRow struct {
	// field is what changed outside Terraform.
	field string
	// change makes the change through the API, as the dashboard or a deploy would.
	change func(t *testing.T)
	// plan is how `terraform plan` reports it: its action line and any warning text.
	plan []string
	// after, when set, checks what the repair left behind beyond an empty plan.
	after func(t *testing.T)
}

// convergesAfterEachDrift applies config, then for each row: change, plan (exit code 2, saying
// what the row expects), apply that saved plan, plan again (exit code 0).
func convergesAfterEachDrift(t *testing.T, ws *cfsecretstest.Workspace, rows []driftRow) {
	t.Helper()
	ws.MustRun("apply", "-auto-approve", "-input=false")
	for _, row := range rows {
		row.change(t)
		planned := ws.Expect(2, "plan", "-input=false", "-detailed-exitcode", "-out=drift.tfplan")
		saysAll(t, "the plan after "+row.field+" changed", planned.Stdout+planned.Stderr, row.plan...)
		ws.MustRun("apply", "-input=false", "drift.tfplan")
		if again := ws.Run("plan", "-input=false", "-detailed-exitcode"); again.ExitCode != 0 {
			t.Errorf("after repairing %s the plan is not empty (exit %d):\n%s%s", row.field, again.ExitCode, again.Stdout, again.Stderr)
		}
		if row.after != nil {
			row.after(t)
		}
	}
}

func updated(address string) string { return "# " + address + " will be updated in-place" }
func created(address string) string { return "# " + address + " will be created" }

func TestCLIDeployToken_everyOutOfBandChangeIsReportedAndRepairedByOneApply(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
resource "cfsecrets_deploy_token" "ci" {
  name              = "ci-deploy"
  extra_permissions = ["Logs Write"]
  allowed_ips       = ["127.0.0.0/8", "192.0.2.0/24"]
  denied_ips        = ["192.0.2.128/25"]
  not_before        = "2026-01-01T00:00:00Z"
  expires_on        = "2030-01-01T00:00:00Z"
}
output "id" {
  value = cfsecrets_deploy_token.ci.id
}
output "value" {
  value     = cfsecrets_deploy_token.ci.value
  sensitive = true
}
`)
	const token = "cfsecrets_deploy_token.ci"
	id := func() string { return strings.TrimSpace(ws.MustRun("output", "-raw", "id").Stdout) }
	value := func() string { return strings.TrimSpace(ws.MustRun("output", "-raw", "value").Stdout) }
	edit := func(change func(body map[string]any)) func(t *testing.T) {
		return func(t *testing.T) { editToken(t, mock, id(), change) }
	}
	var valueBefore string
	valueKeptAndWorks := func(t *testing.T) {
		if now := value(); now != valueBefore {
			t.Error("the repair rolled the token's value, which nobody had rolled")
		}
		if works, err := mock.Client().TokenValueWorks(context.Background(), mock.AccountID, valueBefore); err != nil || !works {
			t.Errorf("after the repair the token's value does not work: %v %v", works, err)
		}
	}
	rows := []driftRow{
		{field: "name", change: edit(func(b map[string]any) { b["name"] = "renamed-in-dashboard" }),
			plan: []string{updated(token), `~ name`, `"renamed-in-dashboard" -> "ci-deploy"`}},
		{field: "a permission added", change: edit(func(b map[string]any) {
			firstPolicy(b)["permission_groups"] = groupRefs(groupWorkersScriptsWrite, groupSecretsStoreRead, groupLogsWriteAccount, groupSecretsStoreWrite)
		}), plan: []string{updated(token), `- "Account Secrets Store Write"`}},
		{field: "a permission removed", change: edit(func(b map[string]any) {
			firstPolicy(b)["permission_groups"] = groupRefs(groupWorkersScriptsWrite, groupLogsWriteAccount)
		}), plan: []string{updated(token), `+ "Account Secrets Store Read"`}},
		{field: "a permission swapped for its same-name zone group", change: edit(func(b map[string]any) {
			firstPolicy(b)["permission_groups"] = groupRefs(groupWorkersScriptsWrite, groupSecretsStoreRead, groupLogsWriteZone)
		}), plan: []string{updated(token), `- "Logs Write (zone scope, id ` + groupLogsWriteZone + `)"`, `+ "Logs Write"`}},
		{field: "a deny policy added", change: edit(func(b map[string]any) {
			b["policies"] = append(b["policies"].([]any), map[string]any{"effect": "deny",
				"permission_groups": groupRefs(groupWorkersScriptsWrite), "resources": map[string]string{accountKey(mock): "*"}})
		}), plan: []string{updated(token), `- "deny: Workers Scripts Write"`}},
		{field: "a resource added", change: edit(func(b map[string]any) {
			firstPolicy(b)["resources"].(map[string]any)["com.cloudflare.api.account.zone.*"] = "*"
		}), plan: []string{updated(token), `- "com.cloudflare.api.account.zone.*"`}},
		{field: "the account narrowed to one zone", change: edit(func(b map[string]any) {
			firstPolicy(b)["resources"] = map[string]any{accountKey(mock): map[string]string{
				"com.cloudflare.api.account.zone.0123456789abcdef0123456789abcdef": "*"}}
		}), plan: []string{updated(token), `- "com.cloudflare.api.account.zone.0123456789abcdef0123456789abcdef"`, `+ "` + accountKey(mock) + `"`}},
		{field: "allowed_ips", change: edit(func(b map[string]any) {
			b["condition"] = map[string]any{"request_ip": map[string]any{"in": []string{"0.0.0.0/0"}, "not_in": []string{"192.0.2.128/25"}}}
		}), plan: []string{updated(token), `- "0.0.0.0/0"`}},
		{field: "denied_ips", change: edit(func(b map[string]any) {
			b["condition"] = map[string]any{"request_ip": map[string]any{"in": []string{"127.0.0.0/8", "192.0.2.0/24"}, "not_in": []string{}}}
		}), plan: []string{updated(token), `+ denied_ips`}},
		{field: "not_before", change: edit(func(b map[string]any) { b["not_before"] = "2026-06-01T00:00:00Z" }),
			plan: []string{updated(token), `"2026-06-01T00:00:00Z" -> "2026-01-01T00:00:00Z"`}},
		{field: "expires_on", change: edit(func(b map[string]any) { delete(b, "expires_on") }),
			plan: []string{updated(token), `+ expires_on`}},
		{field: "status (disabled)", change: func(t *testing.T) {
			valueBefore = value()
			edit(func(b map[string]any) { b["status"] = "disabled" })(t)
		}, plan: []string{updated(token), `"disabled" -> "active"`, "Deploy token was disabled outside Terraform", "re-enables it"},
			after: valueKeptAndWorks},
		{field: "value (rolled)", change: func(t *testing.T) {
			if _, err := mock.Client().RollAccountToken(context.Background(), mock.AccountID, id()); err != nil {
				t.Fatal(err)
			}
		}, plan: []string{updated(token), "Deploy token value was rolled outside Terraform"}},
		{field: "expiry (expired)", change: func(t *testing.T) { mock.ExpireToken(t, id()) }, plan: []string{created(token)}},
		{field: "existence (deleted)", change: func(t *testing.T) {
			if err := mock.Client().DeleteAccountToken(context.Background(), mock.AccountID, id()); err != nil {
				t.Fatal(err)
			}
		}, plan: []string{created(token)}},
	}
	convergesAfterEachDrift(t, ws, rows)
}

func TestCLISecret_everyOutOfBandChangeIsReportedAndRepairedByOneApply(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
resource "cfsecrets_store" "main" {
  force_destroy = true
}
resource "cfsecrets_secret" "stripe" {
  store_id         = cfsecrets_store.main.id
  name             = "stripe_key"
  value_wo         = "configured-value"
  value_wo_version = 1
  scopes           = ["workers"]
  comment          = "managed"
}
output "id" {
  value = cfsecrets_secret.stripe.id
}
`)
	const secret = "cfsecrets_secret.stripe"
	patch := func(p cfclient.SecretPatch) func(t *testing.T) {
		return func(t *testing.T) {
			id := strings.TrimSpace(ws.MustRun("output", "-raw", "id").Stdout)
			if _, err := mock.Client().UpdateSecret(context.Background(), mock.AccountID, storeIDOf(t, mock), id, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	configuredValueBack := func(t *testing.T) {
		id := strings.TrimSpace(ws.MustRun("output", "-raw", "id").Stdout)
		if !mock.HoldsValue(t, id, "configured-value") {
			t.Error("the repair did not write the configured value back")
		}
	}
	rotated, edited, empty := "rotated-in-dashboard", "edited in dashboard", ""
	gateway, both := []string{"ai_gateway"}, []string{"ai_gateway", "workers"}
	rows := []driftRow{
		{field: "value", change: patch(cfclient.SecretPatch{Value: &rotated}),
			plan: []string{updated(secret), "Secret changed outside Terraform", "its value was probably rotated"}, after: configuredValueBack},
		{field: "comment", change: patch(cfclient.SecretPatch{Comment: &edited}),
			plan: []string{updated(secret), "Secret changed outside Terraform", "its comment"}},
		{field: "comment (removed)", change: patch(cfclient.SecretPatch{Comment: &empty}),
			plan: []string{updated(secret), "Secret changed outside Terraform", "its comment"}},
		{field: "scopes (replaced)", change: patch(cfclient.SecretPatch{Scopes: &gateway}),
			plan: []string{updated(secret), "Secret changed outside Terraform", "its scopes from [workers] to [ai_gateway]"}},
		{field: "scopes (one added)", change: patch(cfclient.SecretPatch{Scopes: &both}),
			plan: []string{updated(secret), "Secret changed outside Terraform", "its scopes"}},
		{field: "existence (deleted)", change: func(t *testing.T) {
			id := strings.TrimSpace(ws.MustRun("output", "-raw", "id").Stdout)
			if err := mock.Client().DeleteSecret(context.Background(), mock.AccountID, storeIDOf(t, mock), id); err != nil {
				t.Fatal(err)
			}
		}, plan: []string{created(secret)}, after: configuredValueBack},
	}
	convergesAfterEachDrift(t, ws, rows)
}

func TestCLIStore_everyOutOfBandChangeIsReportedAndRepairedByOneApply(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
resource "cfsecrets_store" "main" {
  name = "infra"
}
`)
	// A store has no field anyone can change: Cloudflare cannot rename one. It can only be deleted.
	rows := []driftRow{
		{field: "existence (deleted)", change: func(t *testing.T) { deleteAllStores(t, mock) },
			plan: []string{created("cfsecrets_store.main")}},
	}
	convergesAfterEachDrift(t, ws, rows)
}

func TestCLIWorkerBinding_everyOutOfBandChangeIsReportedAndRepairedByOneApply(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key", "stripe_key_old")
	deployCheckout(t, mock)
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+bindingOf("checkout", "STRIPE_KEY", storeID, "stripe_key"))
	const binding = "cfsecrets_worker_binding.b"
	// A binding's store_id cannot be pointed anywhere else: an account holds one store, and
	// Cloudflare refuses a binding to a store that does not exist.
	rows := []driftRow{
		{field: "secret_name (repointed by a deploy)", change: func(t *testing.T) {
			deployCheckout(t, mock, cfclient.NewSecretsStoreBinding("STRIPE_KEY", storeID, "stripe_key_old"))
		}, plan: []string{updated(binding), `"stripe_key_old" -> "stripe_key"`}},
		{field: "existence (removed by a deploy)", change: func(t *testing.T) { deployCheckout(t, mock) },
			plan: []string{created(binding)}},
	}
	convergesAfterEachDrift(t, ws, rows)

	// What one apply cannot repair: the name now belongs to something else (the ownership rule), or the
	// Worker is gone (a binding needs a deployed Worker; the plan warns and the apply would fail).
	ws.Write("main.tf", cfsecretstest.RequiredProviders+bindingOf("checkout", "STRIPE_KEY", storeID, "stripe_key"))
	cannotRepair := []struct {
		field   string
		change  func(t *testing.T)
		exit    int      // a name taken is refused at plan time; a Worker may still be deployed before the apply
		planned []string // what the plan says
	}{
		{"type (a deploy made STRIPE_KEY a legacy secret_text)", func(t *testing.T) {
			deployCheckout(t, mock, cfsecretstest.RawBinding(t, `{"type":"secret_text","name":"STRIPE_KEY","text":"legacy"}`))
		}, 1, []string{"already has a secret_text binding named STRIPE_KEY", "wrangler secret delete STRIPE_KEY"}},
		{"the Worker (deleted)", func(t *testing.T) {
			callAPI(t, mock, http.MethodDelete, "/workers/scripts/checkout", nil)
		}, 0, []string{`has no Worker named "checkout"`, "deploy"}},
	}
	for _, row := range cannotRepair {
		row.change(t)
		out := ws.Expect(row.exit, "plan", "-input=false")
		saysAll(t, "the plan after "+row.field+" changed", out.Stdout+out.Stderr, row.planned...)
	}
}
