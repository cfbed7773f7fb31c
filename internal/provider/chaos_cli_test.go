package provider_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

const (
	chaosSecrets  = 50
	chaosBindings = 10
)

// chaosConfig is 50 secrets, 10 bindings and a deploy token; each secret's value is derived from
// its index so the mock's SHA-256 can be checked for every one.
var chaosConfig = cfsecretstest.RequiredProviders + fmt.Sprintf(`
provider "cfsecrets" {
  max_retries = 8
}
resource "cfsecrets_store" "main" {
  force_destroy = true
}
resource "cfsecrets_secret" "s" {
  count    = %d
  store_id = cfsecrets_store.main.id
  name     = "chaos_${count.index}"
  value_wo = "chaos-value-${count.index}"
  scopes   = ["workers"]
}
resource "cfsecrets_worker_binding" "b" {
  count       = %d
  script_name = "chaos"
  name        = "CHAOS_${count.index}"
  store_id    = cfsecrets_store.main.id
  secret_name = cfsecrets_secret.s[count.index].name
}
resource "cfsecrets_deploy_token" "ci" {
  name = "chaos-deploy"
}
`, chaosSecrets, chaosBindings)

// everyFault injects every kind of fault the mock knows on every route, about 30% of requests
// in all: each kind's probability p is such that 1 - (1 - p)^kinds = 0.30.
func everyFault(seed uint64) cloudflaremock.FaultSet {
	kinds := cloudflaremock.FaultKinds()
	perKind := 1 - math.Pow(1-0.30, 1/float64(len(kinds)))
	set := cloudflaremock.FaultSet{Seed: seed}
	for _, kind := range kinds {
		rule := cloudflaremock.FaultRule{Method: "*", Path: "/**", Probability: perKind, Kind: kind}
		switch kind {
		case cloudflaremock.FaultLatency:
			rule.Latency = 20 * time.Millisecond // required, and short enough for the test
		case cloudflaremock.FaultError, cloudflaremock.FaultErrorAfter:
			rule.Status = http.StatusServiceUnavailable // the status a client retries most often
		}
		set.Rules = append(set.Rules, rule)
	}
	return set
}

// TestCLI_chaosConverges applies under 30% injected faults of every kind, including changes
// applied with the answer lost. The apply may fail, but only with a clear error; a second apply
// must converge to exactly the configured objects, with no duplicates, and an empty plan.
func TestCLI_chaosConverges(t *testing.T) {
	// Every rule matches every request, so which kind fires at the n-th request depends on the seed
	// alone (faults.go). Since an apply may stop early on a clean error, the check that every kind
	// was injected is over all seeds together.
	var mu sync.Mutex
	injected := map[cloudflaremock.FaultKind]int{}
	t.Cleanup(func() {
		for _, rule := range everyFault(0).Rules {
			if injected[rule.Kind] == 0 {
				t.Errorf("no %s fault was injected in any seed, so the test did not exercise it (injected: %v)", rule.Kind, injected)
			}
		}
	})
	for _, seed := range []uint64{101, 176, 236} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
			mock.DeployWorker(t, "chaos", cfsecretstest.RawBinding(t, `{"type":"plain_text","name":"MODE","text":"chaos"}`))
			ws := cfsecretstest.NewWorkspace(t, mock)
			ws.Write("main.tf", chaosConfig)

			mock.SetFaults(t, everyFault(seed))
			first := ws.Run("apply", "-auto-approve", "-input=false")
			if first.ExitCode != 0 {
				if strings.Contains(first.Stderr, "panic") || !strings.Contains(first.Stderr, "Error: ") {
					t.Fatalf("the apply under faults failed without a clear error:\n%s", first.Stderr)
				}
				t.Logf("the apply under faults failed cleanly:\n%s", first.Stderr)
			}
			seen := mock.FaultsInjected(t)
			t.Logf("faults injected during the first apply: %v", seen)
			mu.Lock()
			for kind, n := range seen {
				injected[kind] += n
			}
			mu.Unlock()
			mock.ClearFaults(t)
			ws.MustRun("apply", "-auto-approve", "-input=false")
			ws.Expect(0, "plan", "-input=false", "-detailed-exitcode")

			checkMockHoldsExactlyTheConfiguration(t, mock)
			if resources := strings.Fields(ws.MustRun("state", "list").Stdout); len(resources) != 1+chaosSecrets+chaosBindings+1 {
				t.Errorf("state holds %d resources, want %d", len(resources), 1+chaosSecrets+chaosBindings+1)
			}
		})
	}
}

func checkMockHoldsExactlyTheConfiguration(t *testing.T, mock *cfsecretstest.Mock) {
	t.Helper()
	ctx := context.Background()
	stores, err := mock.Client().ListStores(ctx, mock.AccountID)
	if err != nil || len(stores) != 1 {
		t.Fatalf("stores in the mock: %v (%v), want exactly one", stores, err)
	}
	secrets, err := mock.Client().ListSecrets(ctx, mock.AccountID, stores[0].ID, cfclient.SecretFilter{})
	if err != nil || len(secrets) != chaosSecrets {
		t.Fatalf("the mock holds %d secrets (%v), want %d", len(secrets), err, chaosSecrets)
	}
	for _, s := range secrets {
		var i int
		if _, err := fmt.Sscanf(s.Name, "chaos_%d", &i); err != nil {
			t.Errorf("unexpected secret %q", s.Name)
			continue
		}
		if !mock.HoldsValue(t, s.ID, fmt.Sprintf("chaos-value-%d", i)) {
			t.Errorf("secret %s does not hold its configured value", s.Name)
		}
	}
	bindings := mock.Bindings(t, "chaos")
	if len(bindings) != chaosBindings+1 || bindings["MODE"].Type != "plain_text" {
		t.Errorf("the Worker has bindings %v, want the %d configured plus MODE", bindings, chaosBindings)
	}
	tokens, err := mock.Client().ListAccountTokens(ctx, mock.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, token := range tokens {
		if token.Name == "chaos-deploy" {
			named++
		}
	}
	if named != 1 {
		t.Errorf("the mock holds %d tokens named chaos-deploy, want exactly 1", named)
	}
}
