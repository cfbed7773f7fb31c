package cloudflaremock

import (
	"net/http"
	"strings"
	"testing"
)

// TestControlClient drives every control route through ControlClient, as the tests, the demo and
// the benchmark do, and checks each answer against what the API shows.
func TestControlClient(t *testing.T) {
	m := newMockAPI(t, Config{})
	control := NewControlClient(m.http.URL, m.http.Client())
	ctx := t.Context()

	storeID := m.createStore()
	secret := m.createSecret(storeID, "controlled", secretValue("held"), "workers")
	log, err := control.Requests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Method != http.MethodPost || log[1].Path != apiPrefix+"/accounts/"+m.mock.AccountID()+"/secrets_store/stores/"+storeID+"/secrets" || log[1].Status != http.StatusOK {
		t.Errorf("Requests = %+v, want the store's and the secret's creation", log)
	}
	if err := control.ClearRequests(ctx); err != nil {
		t.Fatal(err)
	}
	if log, err := control.Requests(ctx); err != nil || len(log) != 0 {
		t.Errorf("after ClearRequests, Requests = %+v, %v; want none", log, err)
	}

	for value, want := range map[string]bool{secretValue("held"): true, secretValue("other"): false} {
		if held, err := control.HoldsValue(ctx, secret.ID, value); err != nil || held != want {
			t.Errorf("HoldsValue(%q) = %v, %v; want %v", value, held, err, want)
		}
	}
	if _, err := control.SecretSHA256(ctx, strings.Repeat("0", 32)); err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "secret_not_found") {
		t.Errorf("SecretSHA256 of an unknown secret: %v, want the route's 404 and its error", err)
	}

	account := "/accounts/" + m.mock.AccountID()
	token := m.tkCreate(t, account, tkBody("expiring", tkPolicy("allow", tkAccount(m.mock.AccountID()), pgSecretsStoreRead)))
	if err := control.ExpireToken(ctx, token.ID); err != nil {
		t.Fatal(err)
	}
	m.tkVerify(account, token.Value).wantError(t, http.StatusUnauthorized, 1000, "Invalid API Token")

	faults := FaultSet{Seed: 1, Rules: []FaultRule{{Method: "GET", Path: "/accounts/*/secrets_store/stores", Probability: 1, Kind: FaultError, Status: 503}}}
	if err := control.SetFaults(ctx, faults); err != nil {
		t.Fatal(err)
	}
	m.api(http.MethodGet, "/secrets_store/stores", "").wantStatus(t, http.StatusServiceUnavailable)
	if injected, err := control.FaultsInjected(ctx); err != nil || injected[FaultError] != 1 {
		t.Errorf("FaultsInjected = %v, %v; want one error", injected, err)
	}
	if err := control.ClearFaults(ctx); err != nil {
		t.Fatal(err)
	}
	m.api(http.MethodGet, "/secrets_store/stores", "").wantStatus(t, http.StatusOK)

	if err := control.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	var stores []storeView
	m.api(http.MethodGet, "/secrets_store/stores", "").decodeResult(t, &stores)
	if len(stores) != 0 {
		t.Errorf("after Reset, %d stores, want none", len(stores))
	}
}
