package provider_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

const bindingAddress = "cfsecrets_worker_binding.stripe"

// wranglerBindings are what `wrangler deploy` manages on the Worker besides ours.
var wranglerBindings = []string{
	`{"type":"plain_text","name":"MODE","text":"live"}`,
	`{"type":"secret_text","name":"LEGACY_KEY","text":"SENTINEL-legacy-text-51c2"}`,
	`{"type":"kv_namespace","name":"CACHE","namespace_id":"0f2ac74b498b48028cb68387c421e279"}`,
}

func deployCheckout(t *testing.T, mock *cfsecretstest.Mock, extra ...cfclient.Binding) {
	t.Helper()
	bindings := append([]cfclient.Binding{}, extra...)
	for _, raw := range wranglerBindings {
		bindings = append(bindings, cfsecretstest.RawBinding(t, raw))
	}
	mock.DeployWorker(t, "checkout", bindings...)
}

// bindingConfig is a store, two secrets and the binding of one of them to the checkout Worker.
func bindingConfig(mock *cfsecretstest.Mock, secretName string) string {
	return mock.ProviderBlock() + `
resource "cfsecrets_store" "main" {
  force_destroy = true
}
resource "cfsecrets_secret" "stripe_key" {
  store_id = cfsecrets_store.main.id
  name     = "stripe_key"
  value_wo = "first"
  scopes   = ["workers"]
}
resource "cfsecrets_secret" "stripe_key_v2" {
  store_id = cfsecrets_store.main.id
  name     = "stripe_key_v2"
  value_wo = "second"
  scopes   = ["workers"]
}
resource "cfsecrets_worker_binding" "stripe" {
  script_name = "checkout"
  name        = "STRIPE_KEY"
  store_id    = cfsecrets_store.main.id
  secret_name = cfsecrets_secret.` + secretName + `.name
}
`
}

// othersUnchanged checks that every binding wrangler manages is still there, byte for byte.
func othersUnchanged(t *testing.T, mock *cfsecretstest.Mock, before map[string]cfclient.Binding) resource.TestCheckFunc {
	return func(*terraform.State) error {
		after := mock.Bindings(t, "checkout")
		for _, name := range []string{"MODE", "LEGACY_KEY", "CACHE"} {
			if !bytes.Equal(after[name].Raw, before[name].Raw) {
				return fmt.Errorf("binding %s changed: %s -> %s", name, before[name].Raw, after[name].Raw)
			}
		}
		return nil
	}
}

func boundTo(t *testing.T, mock *cfsecretstest.Mock, secretName string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		b, ok := mock.Bindings(t, "checkout")["STRIPE_KEY"]
		if !ok || b.Type != cfclient.BindingTypeSecretsStore || b.SecretName != secretName {
			return fmt.Errorf("STRIPE_KEY is %+v, want a secrets_store_secret binding of %s", b, secretName)
		}
		return nil
	}
}

func importBindingID(s *terraform.State) (string, error) {
	return s.RootModule().Resources[bindingAddress].Primary.Attributes["id"], nil
}

func TestAccWorkerBinding_lifecycleKeepsOtherBindings(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	deployCheckout(t, mock)
	before := mock.Bindings(t, "checkout")
	emptyAfterApply := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config:           bindingConfig(mock, "stripe_key"),
			ConfigPlanChecks: emptyAfterApply,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(bindingAddress, tfjsonpath.New("id"),
					knownvalue.StringExact(mock.AccountID+"/checkout/STRIPE_KEY")),
			},
			Check: resource.ComposeTestCheckFunc(boundTo(t, mock, "stripe_key"), othersUnchanged(t, mock, before)),
		},
		resource.TestStep{ResourceName: bindingAddress, ImportState: true, ImportStateIdFunc: importBindingID, ImportStateVerify: true},
		resource.TestStep{
			Config: bindingConfig(mock, "stripe_key"), ResourceName: bindingAddress,
			ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateIdFunc: importBindingID,
		},
		resource.TestStep{
			// Rotation: rebinding to stripe_key_v2 is an in-place update.
			Config: bindingConfig(mock, "stripe_key_v2"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(boundTo(t, mock, "stripe_key_v2"), othersUnchanged(t, mock, before)),
		},
		resource.TestStep{
			// Someone pointed the binding at the old secret in a deploy: the plan shows the update back.
			PreConfig: func() {
				deployCheckout(t, mock, cfclient.NewSecretsStoreBinding("STRIPE_KEY", storeIDOf(t, mock), "stripe_key"))
			},
			Config: bindingConfig(mock, "stripe_key_v2"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionUpdate)},
			},
			Check: boundTo(t, mock, "stripe_key_v2"),
		},
		resource.TestStep{
			// A `wrangler deploy` whose config lacks the binding removed it: the plan adds it back.
			PreConfig: func() { deployCheckout(t, mock) },
			Config:    bindingConfig(mock, "stripe_key_v2"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(bindingAddress, plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeTestCheckFunc(boundTo(t, mock, "stripe_key_v2"), othersUnchanged(t, mock, before)),
		},
		resource.TestStep{
			// Destroying the binding removes only it.
			Config:  bindingConfig(mock, "stripe_key_v2"),
			Destroy: true,
			Check: func(*terraform.State) error {
				if _, still := mock.Bindings(t, "checkout")["STRIPE_KEY"]; still {
					return fmt.Errorf("STRIPE_KEY is still bound after destroy")
				}
				return othersUnchanged(t, mock, before)(nil)
			},
		},
	))
}

func TestAccWorkerBinding_tenBindingsOnOneScriptInParallel(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	deployCheckout(t, mock)
	config := mock.ProviderBlock() + `
resource "cfsecrets_store" "main" {
  force_destroy = true
}
resource "cfsecrets_secret" "s" {
  count    = 10
  store_id = cfsecrets_store.main.id
  name     = "secret_${count.index}"
  value_wo = "value-${count.index}"
  scopes   = ["workers"]
}
resource "cfsecrets_worker_binding" "b" {
  count       = 10
  script_name = "checkout"
  name        = "SECRET_${count.index}"
  store_id    = cfsecrets_store.main.id
  secret_name = cfsecrets_secret.s[count.index].name
}
`
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: config,
		Check: func(*terraform.State) error {
			bindings := mock.Bindings(t, "checkout")
			for i := range 10 {
				if b := bindings[fmt.Sprintf("SECRET_%d", i)]; b.SecretName != fmt.Sprintf("secret_%d", i) {
					return fmt.Errorf("SECRET_%d is %+v after a parallel apply", i, b)
				}
			}
			if len(bindings) != 10+len(wranglerBindings) {
				return fmt.Errorf("the Worker has %d bindings, want %d", len(bindings), 10+len(wranglerBindings))
			}
			return nil
		},
	}))
}

func TestAccWorkerBinding_errorsThatTeach(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	deployCheckout(t, mock, cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"TAKEN","text":"x"}`))
	store, err := mock.Client().CreateStore(context.Background(), mock.AccountID, "default_secrets_store")
	if err != nil {
		t.Fatal(err)
	}
	_, err = mock.Client().CreateSecrets(context.Background(), mock.AccountID, store.ID, []cfclient.NewSecret{
		{Name: "gateway_only", Value: "v", Scopes: []string{"ai_gateway"}},
		{Name: "for_workers", Value: "v", Scopes: []string{"workers"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	binding := func(script, name, secret string) string {
		return mock.ProviderBlock() + fmt.Sprintf(`
resource "cfsecrets_worker_binding" "b" {
  script_name = %q
  name        = %q
  store_id    = %q
  secret_name = %q
}
`, script, name, store.ID, secret)
	}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config:      binding("checkout", "2FAST", "for_workers"),
			PlanOnly:    true,
			ExpectError: errorSaying("must be a JavaScript identifier"),
		},
		resource.TestStep{
			Config:      binding("not-deployed", "STRIPE_KEY", "for_workers"),
			ExpectError: errorSaying(`no Worker named "not-deployed"`, "deploy it first", "wrangler deploy"),
		},
		resource.TestStep{
			Config:      binding("checkout", "STRIPE_KEY", "missing_secret"),
			ExpectError: errorSaying("error 10021", `has no secret named "missing_secret"`, "Create it (cfsecrets_secret) or fix secret_name"),
		},
		resource.TestStep{
			Config:      binding("checkout", "STRIPE_KEY", "gateway_only"),
			ExpectError: errorSaying("error 10021", `Secret "gateway_only" has scopes [ai_gateway] but not "workers"`),
		},
		resource.TestStep{
			Config:      binding("checkout", "TAKEN", "for_workers"),
			ExpectError: errorSaying("already has a plain_text binding named TAKEN", "will not overwrite"),
		},
	))
	if text := mock.Bindings(t, "checkout")["TAKEN"]; !strings.Contains(string(text.Raw), `"text":"x"`) {
		t.Errorf("the plain_text binding TAKEN was changed: %s", text.Raw)
	}
}
