package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
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

const secretAddress = "cfsecrets_secret.stripe"

// secretConfig is a store and one secret whose value comes from an ephemeral variable, as users
// are told to write it; args are the secret's other arguments.
func secretConfig(mock *cfsecretstest.Mock, args string) string {
	return mock.ProviderBlock() + `
variable "stripe_key" {
  type      = string
  ephemeral = true
  sensitive = true
}
resource "cfsecrets_store" "main" {
  force_destroy = true
}
resource "cfsecrets_secret" "stripe" {
  store_id = cfsecrets_store.main.id
  name     = "stripe_key"
  value_wo = var.stripe_key
` + args + `
}
`
}

func secretValue(value string) config.Variables {
	return config.Variables{"stripe_key": config.StringVariable(value)}
}

// secretInMock finds the secret the state names in the mock.
func secretInMock(t *testing.T, mock *cfsecretstest.Mock, s *terraform.State) cfclient.Secret {
	t.Helper()
	attrs := s.RootModule().Resources[secretAddress].Primary.Attributes
	secret, err := mock.Client().GetSecret(context.Background(), mock.AccountID, attrs["store_id"], attrs["id"])
	if err != nil {
		t.Fatalf("reading the secret back from the mock: %v", err)
	}
	return secret
}

// mockHoldsValue checks, by SHA-256, which value the mock holds for the secret in state.
func mockHoldsValue(t *testing.T, mock *cfsecretstest.Mock, want string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id := s.RootModule().Resources[secretAddress].Primary.Attributes["id"]
		if !mock.HoldsValue(t, id, want) {
			return fmt.Errorf("the mock does not hold %q for secret %s", want, id)
		}
		return nil
	}
}

// changeOutOfBand makes a change through the API, as someone in the dashboard would.
func changeOutOfBand(t *testing.T, mock *cfsecretstest.Mock, secretID *string, patch cfclient.SecretPatch) func() {
	return func() {
		t.Helper()
		stores, err := mock.Client().ListStores(context.Background(), mock.AccountID)
		if err != nil || len(stores) != 1 {
			t.Fatalf("listing stores: %v %v", stores, err)
		}
		if _, err := mock.Client().UpdateSecret(context.Background(), mock.AccountID, stores[0].ID, *secretID, patch); err != nil {
			t.Fatalf("changing the secret out of band: %v", err)
		}
	}
}

func captureSecretID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		*id = s.RootModule().Resources[secretAddress].Primary.Attributes["id"]
		return nil
	}
}

func valueNeverInState() []statecheck.StateCheck {
	return []statecheck.StateCheck{statecheck.ExpectKnownValue(secretAddress, tfjsonpath.New("value_wo"), knownvalue.Null())}
}

func TestAccSecret_writesValueOnlyWhenVersionChanges(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config:          secretConfig(mock, `scopes = ["workers", "ai_gateway"]`+"\nvalue_wo_version = 1"),
			ConfigVariables: secretValue("sk_live_first"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(secretAddress, tfjsonpath.New("value_wo"), knownvalue.Null()),
				},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: append(valueNeverInState(),
				statecheck.ExpectKnownValue(secretAddress, tfjsonpath.New("scopes"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("ai_gateway"), knownvalue.StringExact("workers")})),
				statecheck.ExpectKnownValue(secretAddress, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(secretAddress, tfjsonpath.New("comment"), knownvalue.Null()),
			),
			Check: mockHoldsValue(t, mock, "sk_live_first"),
		},
		resource.TestStep{
			// A new value with the same version, and a new comment and scope order: only the
			// comment is written; the value in Cloudflare stays the first one.
			Config:          secretConfig(mock, `scopes = ["ai_gateway", "workers"]`+"\nvalue_wo_version = 1\ncomment = \"Stripe live key\""),
			ConfigVariables: secretValue("sk_live_second"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionUpdate)},
			},
			Check: mockHoldsValue(t, mock, "sk_live_first"),
		},
		resource.TestStep{
			Config:          secretConfig(mock, `scopes = ["ai_gateway", "workers"]`+"\nvalue_wo_version = 2\ncomment = \"Stripe live key\""),
			ConfigVariables: secretValue("sk_live_second"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: valueNeverInState(),
			Check:             mockHoldsValue(t, mock, "sk_live_second"),
		},
	))
}

func importSecretID(byName bool) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		attrs := s.RootModule().Resources[secretAddress].Primary.Attributes
		ref := attrs["id"]
		if byName {
			ref = attrs["name"]
		}
		return strings.Join([]string{attrs["account_id"], attrs["store_id"], ref}, "/"), nil
	}
}

func TestAccSecret_import(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	withoutVersion := secretConfig(mock, `scopes = ["workers"]`+"\ncomment = \"imported\"")
	withVersion := secretConfig(mock, `scopes = ["workers"]`+"\ncomment = \"imported\"\nvalue_wo_version = 1")
	var secretID string
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{Config: withVersion, ConfigVariables: secretValue("v1"), Check: captureSecretID(&secretID)},
		resource.TestStep{
			ResourceName: secretAddress, ImportState: true, ImportStateIdFunc: importSecretID(false),
			ImportStateVerify: true, ImportStateVerifyIgnore: []string{"value_wo_version"},
			ConfigVariables: secretValue("v1"),
		},
		resource.TestStep{
			ResourceName: secretAddress, ImportState: true, ImportStateIdFunc: importSecretID(true),
			ImportStateVerify: true, ImportStateVerifyIgnore: []string{"value_wo_version"},
			ConfigVariables: secretValue("v1"),
		},
		resource.TestStep{Config: withoutVersion, ConfigVariables: secretValue("v1")},
		resource.TestStep{
			// With an import block the plan must be a no-op import: nothing to change after import.
			Config: withoutVersion, ConfigVariables: secretValue("v1"),
			ResourceName: secretAddress, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
			ImportStateIdFunc: importSecretID(true),
		},
	))
}

func TestAccSecret_importThenApplyWritesTheValue(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	store, err := mock.Client().CreateStore(context.Background(), mock.AccountID, "default_secrets_store")
	if err != nil {
		t.Fatal(err)
	}
	created, err := mock.Client().CreateSecrets(context.Background(), mock.AccountID, store.ID,
		[]cfclient.NewSecret{{Name: "stripe_key", Value: "set-in-dashboard", Scopes: []string{"workers"}}})
	if err != nil {
		t.Fatal(err)
	}
	config := mock.ProviderBlock() + `
variable "stripe_key" {
  type      = string
  ephemeral = true
}
import {
  to = cfsecrets_secret.stripe
  id = "` + mock.AccountID + "/" + store.ID + `/stripe_key"
}
resource "cfsecrets_secret" "stripe" {
  store_id         = "` + store.ID + `"
  name             = "stripe_key"
  value_wo         = var.stripe_key
  value_wo_version = 1
  scopes           = ["workers"]
}
`
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config:          config,
		ConfigVariables: secretValue("from-terraform"),
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionUpdate)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(secretAddress, tfjsonpath.New("id"), knownvalue.StringExact(created[0].ID)),
		},
		Check: mockHoldsValue(t, mock, "from-terraform"),
	}))
}

func TestAccSecret_outOfBandChangesAreRepaired(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	config := secretConfig(mock, `scopes = ["workers"]`+"\ncomment = \"managed\"\nvalue_wo_version = 1")
	var secretID string
	rotated, otherComment, otherScopes := "rotated-in-dashboard", "edited", []string{"ai_gateway"}
	repairStep := func(change cfclient.SecretPatch) resource.TestStep {
		return resource.TestStep{
			PreConfig:       changeOutOfBand(t, mock, &secretID, change),
			Config:          config,
			ConfigVariables: secretValue("configured"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(secretAddress, tfjsonpath.New("comment"), knownvalue.StringExact("managed")),
				statecheck.ExpectKnownValue(secretAddress, tfjsonpath.New("scopes"),
					knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("workers")})),
			},
			Check: resource.ComposeTestCheckFunc(mockHoldsValue(t, mock, "configured"), func(s *terraform.State) error {
				secret := secretInMock(t, mock, s)
				if secret.Comment != "managed" || strings.Join(secret.Scopes, ",") != "workers" {
					return fmt.Errorf("the mock holds comment %q scopes %v after the repair", secret.Comment, secret.Scopes)
				}
				return nil
			}),
		}
	}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{Config: config, ConfigVariables: secretValue("configured"), Check: captureSecretID(&secretID)},
		repairStep(cfclient.SecretPatch{Value: &rotated}),
		repairStep(cfclient.SecretPatch{Comment: &otherComment}),
		repairStep(cfclient.SecretPatch{Scopes: &otherScopes}),
		resource.TestStep{
			PreConfig: func() {
				if err := mock.Client().DeleteSecret(context.Background(), mock.AccountID, storeIDOf(t, mock), secretID); err != nil {
					t.Fatal(err)
				}
			},
			Config:          config,
			ConfigVariables: secretValue("configured"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(secretAddress, plancheck.ResourceActionCreate)},
			},
			Check: mockHoldsValue(t, mock, "configured"),
		},
	))
}

func storeIDOf(t *testing.T, mock *cfsecretstest.Mock) string {
	t.Helper()
	stores, err := mock.Client().ListStores(context.Background(), mock.AccountID)
	if err != nil || len(stores) != 1 {
		t.Fatalf("listing stores: %v %v", stores, err)
	}
	return stores[0].ID
}

func TestAccSecret_badInputIsExplained(t *testing.T) {
	oversize := strings.Repeat("x", 65537)
	cases := []struct {
		name  string
		args  string
		value string
		want  []string
	}{
		{"name with a space", `name = "stripe key"`, "v", []string{"letters, digits, underscores and hyphens"}},
		{"name too long", `name = "` + strings.Repeat("n", 256) + `"`, "v", []string{"length must be between 1 and 255"}},
		{"unknown scope", `scopes = ["workers", "worker"]`, "v", []string{"value must be one of", `"workers"`}},
		{"no scopes", `scopes = []`, "v", []string{"set must contain at least 1"}},
		{"empty value", ``, "", []string{"The secret value is empty"}},
		{"oversize value", ``, oversize, []string{"65537 bytes; Cloudflare accepts at most 65536"}},
		{"empty comment", `comment = ""`, "v", []string{"length must be at least 1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
			args := tc.args
			if !strings.Contains(args, "scopes") {
				args += "\nscopes = [\"workers\"]"
			}
			if !strings.Contains(args, "name =") {
				args = `name = "ok_name"` + "\n" + args
			}
			resource.ParallelTest(t, acceptanceCase(resource.TestStep{
				Config: mock.ProviderBlock() + `
variable "v" {
  type      = string
  ephemeral = true
}
resource "cfsecrets_secret" "bad" {
  store_id = "0123456789abcdef0123456789abcdef"
  value_wo = var.v
` + args + `
}
`,
				ConfigVariables: config.Variables{"v": config.StringVariable(tc.value)},
				PlanOnly:        true,
				ExpectError:     errorSaying(tc.want...),
			}))
			if n := len(mock.Requests(t)); n != 0 {
				t.Errorf("a plan-time validation error still sent %d requests to Cloudflare", n)
			}
		})
	}
}

func TestAccSecret_conflictsAndQuotaAreExplained(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{SecretsQuota: 2})
	storeID := ""
	seed := func() {
		store, err := mock.Client().CreateStore(context.Background(), mock.AccountID, "default_secrets_store")
		if err != nil {
			t.Fatal(err)
		}
		storeID = store.ID
		_, err = mock.Client().CreateSecrets(context.Background(), mock.AccountID, store.ID,
			[]cfclient.NewSecret{{Name: "taken", Value: "v", Scopes: []string{"workers"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	seed()
	// Each secret waits for the one before it, so the one that meets the quota is always the last.
	secretsConfig := func(names ...string) string {
		out := mock.ProviderBlock()
		for i, n := range names {
			dependsOn := ""
			if i > 0 {
				dependsOn = "depends_on = [cfsecrets_secret." + names[i-1] + "]"
			}
			out += fmt.Sprintf(`
resource "cfsecrets_secret" %[1]q {
  store_id = %[2]q
  name     = %[1]q
  value_wo = "not-a-real-secret"
  scopes   = ["workers"]
  %[3]s
}
`, n, storeID, dependsOn)
		}
		return out
	}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{
			Config:      secretsConfig("taken"),
			ExpectError: errorSaying(`already holds a secret named "taken"`, "import {", `id = "`+mock.AccountID+"/"+storeID+`/taken"`),
		},
		resource.TestStep{
			Config:      secretsConfig("second", "third"),
			ExpectError: errorSaying("Secrets Store quota reached", "Delete secrets you no longer need"),
		},
		resource.TestStep{
			// What failed left nothing behind: the one that fit is in state and in the mock.
			Config: secretsConfig("second"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				secrets, err := mock.Client().ListSecrets(context.Background(), mock.AccountID, storeID, cfclient.SecretFilter{})
				if err != nil {
					return fmt.Errorf("listing the mock's secrets: %w", err)
				}
				if len(secrets) != 2 {
					return fmt.Errorf("want the seeded secret and one created one in the mock, got %v", secrets)
				}
				return nil
			},
		},
	))
}

// seedStoreWithSecrets creates the store and workers-scoped secrets out of band and returns the store id.
func seedStoreWithSecrets(t *testing.T, mock *cfsecretstest.Mock, names ...string) string {
	t.Helper()
	store, err := mock.Client().CreateStore(context.Background(), mock.AccountID, "default_secrets_store")
	if err != nil {
		t.Fatal(err)
	}
	var secrets []cfclient.NewSecret
	for _, n := range names {
		secrets = append(secrets, cfclient.NewSecret{Name: n, Value: "value-of-" + n, Scopes: []string{"workers"}})
	}
	if len(secrets) == 0 {
		return store.ID
	}
	if _, err := mock.Client().CreateSecrets(context.Background(), mock.AccountID, store.ID, secrets); err != nil {
		t.Fatal(err)
	}
	return store.ID
}

func TestAccSecret_timeoutsBoundEachOperation(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{Latency: 2 * time.Second})
	storeID := seedStoreWithSecrets(t, mock)
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: mock.ProviderBlock() + `
resource "cfsecrets_secret" "slow" {
  store_id = "` + storeID + `"
  name     = "slow"
  value_wo = "not-a-real-secret"
  scopes   = ["workers"]
  timeouts = { create = "100ms" }
}
`,
		ExpectError: errorSaying("Could not create secret slow in time", "timeouts = { create = \"30m\" }"),
	}))
}
