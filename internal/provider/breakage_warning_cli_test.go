package provider_test

import (
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// A plan that deletes something a Worker still reads says so, naming each Worker and binding,
// before the Worker's next deploy fails with 10021. Warnings are shown only by the real CLI.

const boundSecretStore = cfsecretstest.RequiredProviders + `
resource "cfsecrets_store" "main" {
  force_destroy = true
}
`

func boundSecret(name string, scopes string) string {
	return `
resource "cfsecrets_secret" "stripe" {
  store_id = cfsecrets_store.main.id
  name     = "` + name + `"
  value_wo = "not-a-real-secret"
  scopes   = ` + scopes + `
}
`
}

// saysAll checks that out holds every phrase, however the CLI wrapped its lines.
func saysAll(t *testing.T, what, out string, phrases ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	for _, p := range phrases {
		if !strings.Contains(flat, strings.Join(strings.Fields(p), " ")) {
			t.Errorf("%s does not say %q:\n%s", what, p, out)
		}
	}
}

func TestCLISecret_planWarnsBeforeDeletingASecretWorkersStillBind(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", boundSecretStore+boundSecret("stripe_key", `["workers"]`))
	ws.MustRun("apply", "-auto-approve", "-input=false")

	// Two Workers bind the secret through their deploy tool, not through this configuration.
	storeID := storeIDOf(t, mock)
	mock.DeployWorker(t, "checkout", cfclient.NewSecretsStoreBinding("STRIPE_KEY", storeID, "stripe_key"))
	mock.DeployWorker(t, "billing", cfclient.NewSecretsStoreBinding("PAYMENTS_KEY", storeID, "stripe_key"))
	usedBy := []string{`Secret "stripe_key" is still bound`, `Worker "billing" (binding PAYMENTS_KEY)`,
		`Worker "checkout" (binding STRIPE_KEY)`, "10021"}

	steps := []struct {
		what   string
		config string
		args   []string
		extra  []string
	}{
		{"removing the secret from the configuration", boundSecretStore, []string{"plan", "-input=false"}, nil},
		{"renaming the secret (a replacement)", boundSecretStore + boundSecret("stripe_key_v2", `["workers"]`), []string{"plan", "-input=false"}, nil},
		{"dropping the workers scope", boundSecretStore + boundSecret("stripe_key", `["ai_gateway"]`), []string{"plan", "-input=false"},
			[]string{`without the "workers" scope`}},
		{"terraform destroy", boundSecretStore + boundSecret("stripe_key", `["workers"]`), []string{"plan", "-destroy", "-input=false"}, nil},
	}
	for _, step := range steps {
		ws.Write("main.tf", step.config)
		out := ws.MustRun(step.args...)
		saysAll(t, "the plan after "+step.what, out.Stdout+out.Stderr, append(usedBy, step.extra...)...)
	}

	// Nothing in the plan touches the secret: no warning.
	ws.Write("main.tf", boundSecretStore+boundSecret("stripe_key", `["workers"]`))
	if out := ws.MustRun("plan", "-input=false"); strings.Contains(out.Stdout+out.Stderr, "still bound") {
		t.Errorf("a plan that keeps the secret warns:\n%s", out.Stdout)
	}
}

func TestCLIStore_planWarnsBeforeDeletingAStoreWhoseSecretsWorkersBind(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", boundSecretStore)
	ws.MustRun("apply", "-auto-approve", "-input=false")
	storeID := storeIDOf(t, mock)
	// A secret made in the dashboard, bound by a deploy: force_destroy would delete it with the store.
	seedSecrets(t, mock, storeID, "made_in_dashboard")
	mock.DeployWorker(t, "checkout", cfclient.NewSecretsStoreBinding("KEY", storeID, "made_in_dashboard"))

	out := ws.MustRun("plan", "-destroy", "-input=false")
	saysAll(t, "the destroy plan", out.Stdout+out.Stderr, `Store `+storeID+` still holds secrets that Workers bind`,
		`Worker "checkout" (binding KEY) reads secret "made_in_dashboard"`)
}

// A binding write that Cloudflare will refuse with 10021 is warned about at plan time: its secret
// does not exist (yet: this apply may create it), or another Secrets Store binding of the Worker
// fails Cloudflare's checks, which it runs on every binding whenever the bindings change.
func TestCLIWorkerBinding_planWarnsWhenCloudflareWillRefuseTheWrite(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	storeID := seedStoreWithSecrets(t, mock, "stripe_key", "old_key")
	mock.DeployWorker(t, "checkout")
	mock.DeployWorker(t, "billing", cfclient.NewSecretsStoreBinding("OLD", storeID, "old_key"))
	callAPI(t, mock, "DELETE", "/secrets_store/stores/"+storeID+"/secrets/"+secretIDByName(t, mock, storeID, "old_key"), nil)
	ws := cfsecretstest.NewWorkspace(t, mock)
	ws.Write("main.tf", cfsecretstest.RequiredProviders+`
resource "cfsecrets_worker_binding" "missing" {
  script_name = "checkout"
  name        = "MISSING"
  store_id    = "`+storeID+`"
  secret_name = "not_created_yet"
}
resource "cfsecrets_worker_binding" "fine" {
  script_name = "billing"
  name        = "STRIPE_KEY"
  store_id    = "`+storeID+`"
  secret_name = "stripe_key"
}
`)
	out := ws.MustRun("plan", "-input=false")
	saysAll(t, "the plan", out.Stdout+out.Stderr,
		`Store `+storeID+` has no secret named "not_created_yet"`, "Unless this apply creates it first", "error 10021",
		`Binding OLD of Worker "billing" (not managed by this resource) refers to secret "old_key"`, "which does not exist")
	if strings.Contains(out.Stdout+out.Stderr, "STRIPE_KEY") && strings.Contains(out.Stdout+out.Stderr, `secret "stripe_key" `) {
		t.Errorf("the plan blames the binding whose secret is fine:\n%s", out.Stdout)
	}

	// Removing a binding is a change of the Worker's bindings too.
	ws.Write("main.tf", cfsecretstest.RequiredProviders+bindingOf("billing", "STRIPE_KEY", storeID, "stripe_key"))
	seedSecrets(t, mock, storeID, "old_key")
	ws.MustRun("apply", "-auto-approve", "-input=false")
	callAPI(t, mock, "DELETE", "/secrets_store/stores/"+storeID+"/secrets/"+secretIDByName(t, mock, storeID, "old_key"), nil)
	out = ws.MustRun("plan", "-destroy", "-input=false")
	saysAll(t, "the destroy plan", out.Stdout+out.Stderr,
		`Binding OLD of Worker "billing" (not managed by this resource) refers to secret "old_key"`, "change to binding STRIPE_KEY")
}
