package provider

import (
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// TestExplain10021 pins which of 10021's causes the binding resource names, from what its checks
// found: the failing binding (its own or another), or, when everything it could check passed,
// what it checked and what is left. It never blames the token when a binding fails.
func TestExplain10021(t *testing.T) {
	const account, script = "0123456789abcdef0123456789abcdef", "checkout"
	ours := cfclient.NewSecretsStoreBinding("STRIPE_KEY", "fedcba9876543210fedcba9876543210", "stripe_key")
	other := cfclient.NewSecretsStoreBinding("OLD", "fedcba9876543210fedcba9876543210", "old_key")
	fine := cfclient.Secret{Name: "stripe_key", Scopes: []string{"workers"}, Status: "active"}
	tests := []struct {
		name     string
		findings []bindingFinding
		want     []string
		not      []string
	}{
		{"own secret missing", []bindingFinding{{binding: ours, ours: true, failure: secretMissing}},
			[]string{`has no secret named "stripe_key"`, "fix secret_name"}, []string{"permission", "Secrets Store Edit"}},
		{"own secret pending", []bindingFinding{{binding: ours, ours: true, failure: secretInactive, secret: cfclient.Secret{Status: "pending"}}},
			[]string{`Secret "stripe_key" is pending, not active`}, []string{"Secrets Store Edit"}},
		{"own store missing", []bindingFinding{{binding: ours, ours: true, failure: storeMissing}},
			[]string{"Store fedcba9876543210fedcba9876543210 does not exist on account " + account}, nil},
		{"another binding's secret lacks workers", []bindingFinding{
			{binding: ours, ours: true, secret: fine},
			{binding: other, failure: noWorkersScope, secret: cfclient.Secret{Name: "old_key", Scopes: []string{"ai_gateway"}}},
		}, []string{`binding OLD of Worker "checkout" (not managed by this resource)`, `whose scopes [ai_gateway] lack "workers"`,
			"every Secrets Store binding"}, []string{"Secrets Store Edit", "STRIPE_KEY"}},
		{"everything checked passes", []bindingFinding{{binding: ours, ours: true, secret: fine}, {binding: other, secret: fine}},
			[]string{"every Secrets Store binding of Worker \"checkout\" that it could check (STRIPE_KEY, OLD)", "What it cannot check",
				`"Account Secrets Store Write"`, "cfsecrets_deploy_token"}, nil},
		{"something could not be checked", []bindingFinding{{binding: ours, ours: true, secret: fine}, {binding: other, unknown: "HTTP 500"}},
			[]string{"It could not check binding OLD (HTTP 500), so the cause may be there"}, []string{"What it cannot check"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			said := explain10021(account, script, tt.findings)
			for _, w := range tt.want {
				if !strings.Contains(said, w) {
					t.Errorf("does not say %q:\n%s", w, said)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(said, n) {
					t.Errorf("says %q, which points elsewhere:\n%s", n, said)
				}
			}
		})
	}
}
