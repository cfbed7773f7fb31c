package cfsecretstest

import (
	"encoding/json"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// WorkerModule is a minimal module Worker that reads one Secrets Store binding.
const WorkerModule = `export default {
  async fetch(request, env) {
    const key = await env.STRIPE_KEY.get();
    return new Response(key ? "configured" : "missing");
  },
};
`

// RawBinding turns a binding's JSON into a cfclient.Binding, for bindings of any type.
func RawBinding(t testing.TB, raw string) cfclient.Binding {
	t.Helper()
	var b cfclient.Binding
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		t.Fatalf("binding %s: %v", raw, err)
	}
	return b
}

// DeployWorker uploads a module Worker with bindings through the API, as `wrangler deploy` does.
func (m *Mock) DeployWorker(t testing.TB, script string, bindings ...cfclient.Binding) {
	t.Helper()
	check(t, m.Client().DeployWorker(t.Context(), m.AccountID, script, WorkerModule, bindings...))
}

// Bindings reads a Worker's bindings by name.
func (m *Mock) Bindings(t testing.TB, script string) map[string]cfclient.Binding {
	t.Helper()
	bindings, err := m.Client().ScriptBindings(t.Context(), m.AccountID, script)
	if err != nil {
		t.Fatalf("reading the bindings of %s: %v", script, err)
	}
	byName := map[string]cfclient.Binding{}
	for _, b := range bindings {
		byName[b.Name] = b
	}
	return byName
}
