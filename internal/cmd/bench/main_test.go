package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// These tests cover the benchmark's bookkeeping; running it is `make bench`, never `make test`.

func TestEndpointNamesPatterns(t *testing.T) {
	const account, store, secret = "0123456789abcdef0123456789abcdef", "9a7806061c88ada191ed06f989cc3dac", "ed17574386854bf78a67040be0a770b0"
	for _, c := range []struct {
		r    cloudflaremock.LoggedRequest
		want string
	}{
		{cloudflaremock.LoggedRequest{Method: "GET", Path: "/client/v4/accounts/" + account + "/secrets_store/stores/" + store + "/secrets", Query: "page=2&per_page=100"},
			"GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets"},
		{cloudflaremock.LoggedRequest{Method: "GET", Path: "/client/v4/accounts/" + account + "/secrets_store/stores/" + store + "/secrets", Query: "search=bench_secret_0010"},
			"GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets?search=…"},
		{cloudflaremock.LoggedRequest{Method: "GET", Path: "/client/v4/accounts/" + account + "/secrets_store/stores/" + store + "/secrets/" + secret},
			"GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets/{secret_id}"},
		{cloudflaremock.LoggedRequest{Method: "PATCH", Path: "/client/v4/accounts/" + account + "/workers/scripts/bench-worker-3/settings"},
			"PATCH /accounts/{account_id}/workers/scripts/{script_name}/settings"},
		{cloudflaremock.LoggedRequest{Method: "GET", Path: "/client/v4/accounts/" + account + "/workers/scripts"}, "GET /accounts/{account_id}/workers/scripts"},
		{cloudflaremock.LoggedRequest{Method: "GET", Path: "/client/v4/accounts/" + account + "/tokens/verify"}, "GET /accounts/{account_id}/tokens/verify"},
		{cloudflaremock.LoggedRequest{Method: "GET", Path: "/client/v4/accounts/" + account + "/tokens/" + secret}, "GET /accounts/{account_id}/tokens/{token_id}"},
	} {
		if got := endpoint(c.r); got != c.want {
			t.Errorf("endpoint(%s %s?%s) = %q, want %q", c.r.Method, c.r.Path, c.r.Query, got, c.want)
		}
		if _, known := senders[c.want]; !known {
			t.Errorf("no sender described for %q", c.want)
		}
	}
}

func TestProviderConfigHasEveryResource(t *testing.T) {
	s := shape{n: 100, workers: 5}
	config := providerConfig(s, providerSettings{RequestsPerSecond: 1000, Burst: 1200})
	for what, want := range map[string]int{
		`resource "cfsecrets_secret"`:               100,
		`resource "cfsecrets_worker_binding"`:       10,
		`resource "cfsecrets_deploy_token"`:         1,
		`resource "cfsecrets_store"`:                1,
		`script_name = "bench-worker-4"`:            2,
		`secret_name = cfsecrets_secret.s0090.name`: 1,
		"requests_per_second = 1000":                1,
	} {
		if got := strings.Count(config, what); got != want {
			t.Errorf("%s appears %d times, want %d", what, got, want)
		}
	}
	if got := strings.Count(baselineConfig(7), `resource "terraform_data"`); got != 7 {
		t.Errorf("baseline has %d terraform_data, want 7", got)
	}
}

func TestReportJudgesTargets(t *testing.T) {
	stats := func(byEndpoint map[string]int, tooMany int) requestStats {
		s := requestStats{ByEndpoint: byEndpoint, TooManyByEP: map[string]int{}, TooMany: tooMany}
		for _, n := range byEndpoint {
			s.Total += n
		}
		return s
	}
	listing := "GET /accounts/{account_id}/secrets_store/stores/{store_id}/secrets"
	search := listing + "?search=…"
	r := &report{Sizes: []int{1000}, Workers: 5, Results: []result{
		{Mode: modeBaseline, N: 1000, Apply: timedRun{Wall: 10 * time.Second}, Plan: timedRun{Wall: 10 * time.Second}, PlanRan: true},
		{Mode: modeCoalesced, N: 1000, PlanRan: true,
			Apply:    timedRun{Wall: 30 * time.Second, RSSKiB: 100 << 10},
			Plan:     timedRun{Wall: 25 * time.Second, RSSKiB: 170 << 10},
			ApplyReq: stats(map[string]int{"POST /accounts/{account_id}/secrets_store/stores/{store_id}/secrets": 150}, 0),
			PlanReq:  stats(map[string]int{listing: 10, search: 100, "GET /accounts/{account_id}/tokens": 1}, 0)},
	}}
	verdicts := map[string]string{}
	for _, target := range r.targets() {
		verdicts[target.Name[:20]] = target.Verdict
		if strings.Contains(target.Name, "15 API requests") && !strings.Contains(target.Why, "100 × `"+search+"`") {
			t.Errorf("the failed plan target does not name the searches: %q", target.Why)
		}
	}
	for prefix, want := range map[string]string{
		"plan of N=1000 secre": "**FAIL**", // 110 Secrets Store requests
		"plan of N=1000: wall": "**FAIL**", // 2.5x
		"apply creating N=100": "PASS",
		"provider peak RSS un": "**FAIL**", // 174 MB
	} {
		if verdicts[prefix] != want {
			t.Errorf("target %q: %q, want %q", prefix, verdicts[prefix], want)
		}
	}
	var b strings.Builder
	r.render(&b)
	if !strings.Contains(b.String(), "| coalesced | 30.0 s | 3.0x | 25.0 s | 2.5x | 150 | 111 | 0 / 0 |") {
		t.Errorf("the N=1000 table lacks the coalesced row:\n%s", b.String())
	}
}

// TestVerifyLeavesNoRequestsForTheDestroy: verify checks the mock's state through the API between
// the plan and the destroy; its own requests must not be counted as the destroy's.
func TestVerifyLeavesNoRequestsForTheDestroy(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	m := &mockProcess{root: mock.Root, baseURL: mock.BaseURL, accountID: mock.AccountID, token: mock.Token}
	s := shape{n: 20, workers: 2}
	client := mock.Client()
	store, err := client.CreateStore(t.Context(), mock.AccountID, "default_secrets_store")
	if err != nil {
		t.Fatal(err)
	}
	var secrets []cfclient.NewSecret
	for i := range s.n {
		secrets = append(secrets, cfclient.NewSecret{Name: secretName(i), Value: benchValue, Scopes: []string{"workers"}})
	}
	if _, err := client.CreateSecrets(t.Context(), mock.AccountID, store.ID, secrets); err != nil {
		t.Fatal(err)
	}
	for w, script := range s.workerNames() {
		var bindings []cfclient.Binding
		for i := w; i < s.bindings(); i += s.workers {
			bindings = append(bindings, cfclient.NewSecretsStoreBinding(fmt.Sprintf("SECRET_%04d", i), store.ID, secretName(bindingSecret(i))))
		}
		mock.DeployWorker(t, script, bindings...)
	}
	mock.ClearRequests(t)

	if err := verify(t.Context(), m, s); err != nil {
		t.Fatalf("verify of a correct apply: %v", err)
	}
	if log := mock.Requests(t); len(log) != 0 {
		t.Errorf("verify left %d requests in the log, which the destroy would be charged with: first %s %s", len(log), log[0].Method, log[0].Path)
	}
}
