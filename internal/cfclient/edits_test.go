package cfclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
)

const script = "app"

// bindingFixture is a mock with a store, secrets S0..S9 and PRIMER_SECRET (scope workers), and
// a deployed Worker with a plain_text binding and a Secrets Store binding that edits must keep.
type bindingFixture struct {
	*memAPI
	storeID string
}

func newBindingFixture(t *testing.T) *bindingFixture {
	t.Helper()
	api := newMemAPI(t)
	storeID := api.createStore()
	names := []string{"EXISTING_SECRET", "PRIMER_SECRET"}
	for i := range 10 {
		names = append(names, fmt.Sprintf("S%d", i))
	}
	api.createSecrets(storeID, names...)
	var greeting Binding
	if err := json.Unmarshal([]byte(`{"type":"plain_text","name":"GREETING","text":"hello"}`), &greeting); err != nil {
		t.Fatal(err)
	}
	api.deploy(script, greeting, NewSecretsStoreBinding("EXISTING", storeID, "EXISTING_SECRET"))
	api.clearRequests()
	return &bindingFixture{memAPI: api, storeID: storeID}
}

// add returns an edit that adds a Secrets Store binding.
func add(name, storeID, secret string) func([]Binding) ([]Binding, error) {
	return func(bindings []Binding) ([]Binding, error) {
		return append(bindings, NewSecretsStoreBinding(name, storeID, secret)), nil
	}
}

// startPrimer submits one edit and waits until its write is held at the gated settings GET,
// so that edits submitted next all queue behind it and go out together in the next write.
func (f *bindingFixture) startPrimer(ctx context.Context, t *testing.T, wg *sync.WaitGroup, err *error) *gate {
	t.Helper()
	g := newGate(isSettingsGET)
	f.transport.before = g.before
	wg.Go(func() {
		*err = f.client.EditScriptBindings(ctx, f.account, script, add("PRIMER", f.storeID, "PRIMER_SECRET"))
	})
	<-g.held
	return g
}

func (f *bindingFixture) wantBindings(t *testing.T, present []string, absent ...string) {
	t.Helper()
	got := f.bindingsByName(script)
	for _, name := range present {
		if _, ok := got[name]; !ok {
			t.Errorf("binding %s missing; the script has %v", name, slices.Sorted(maps.Keys(got)))
		}
	}
	for _, name := range absent {
		if _, ok := got[name]; ok {
			t.Errorf("binding %s present, want it absent", name)
		}
	}
	if g, ok := got["GREETING"]; ok && !strings.Contains(string(g.Raw), `"hello"`) {
		t.Errorf("the plain_text binding lost its text: %s", g.Raw)
	}
}

func TestEditScriptBindingsConcurrentEditsAreMerged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newBindingFixture(t)
		var wg sync.WaitGroup
		var primerErr error
		g := f.startPrimer(t.Context(), t, &wg, &primerErr)

		const n = 10
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				errs[i] = f.client.EditScriptBindings(t.Context(), f.account, script, add(fmt.Sprintf("B%d", i), f.storeID, fmt.Sprintf("S%d", i)))
			})
		}
		synctest.Wait() // all ten are queued behind the primer's write
		close(g.open)
		wg.Wait()

		if primerErr != nil {
			t.Errorf("primer: %v", primerErr)
		}
		want := []string{"GREETING", "EXISTING", "PRIMER"}
		for i := range n {
			if errs[i] != nil {
				t.Errorf("edit B%d: %v", i, errs[i])
			}
			want = append(want, fmt.Sprintf("B%d", i))
		}
		// The primer's PATCH, then one PATCH for the ten edits that arrived together.
		if patches := f.statuses(http.MethodPatch, "/settings"); !slices.Equal(patches, []int{200, 200}) {
			t.Errorf("settings PATCH statuses %v, want [200 200]: the ten edits should share one write", patches)
		}
		if gets := f.count(http.MethodGet, "/settings"); gets != 1 {
			t.Errorf("%d settings GETs, want 1 (edits read the shared, updated list)", gets)
		}
		// The client's own reads see what it wrote without asking again.
		bindings, err := f.client.ScriptBindings(t.Context(), f.account, script)
		if err != nil {
			t.Fatal(err)
		}
		if len(bindings) != len(want) {
			t.Errorf("ScriptBindings after the edits: %d bindings, want %d", len(bindings), len(want))
		}
		if gets := f.count(http.MethodGet, "/settings"); gets != 1 {
			t.Errorf("%d settings GETs after reading back, want still 1", gets)
		}
		f.wantBindings(t, want)
	})
}

func TestEditScriptBindingsRefusingEditWritesNothing(t *testing.T) {
	errRefused := errors.New("binding name taken by another type")
	refuse := func([]Binding) ([]Binding, error) { return nil, errRefused } //nolint:unparam // the signature of an edit

	t.Run("alone", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			f := newBindingFixture(t)
			err := f.client.EditScriptBindings(t.Context(), f.account, script, refuse)
			if !errors.Is(err, errRefused) {
				t.Errorf("err = %v, want the edit's own error", err)
			}
			if n := f.count(http.MethodPatch, "/settings"); n != 0 {
				t.Errorf("%d PATCHes, want none", n)
			}
			f.wantBindings(t, []string{"GREETING", "EXISTING"})
		})
	})

	t.Run("among others", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			f := newBindingFixture(t)
			var wg sync.WaitGroup
			var primerErr error
			g := f.startPrimer(t.Context(), t, &wg, &primerErr)
			var refusedErr, goodErr, removeErr error
			wg.Go(func() { refusedErr = f.client.EditScriptBindings(t.Context(), f.account, script, refuse) })
			wg.Go(func() {
				goodErr = f.client.EditScriptBindings(t.Context(), f.account, script, add("B1", f.storeID, "S1"))
			})
			wg.Go(func() {
				removeErr = f.client.EditScriptBindings(t.Context(), f.account, script, func(bs []Binding) ([]Binding, error) {
					return slices.DeleteFunc(bs, func(b Binding) bool { return b.Name == "EXISTING" }), nil
				})
			})
			synctest.Wait()
			close(g.open)
			wg.Wait()
			if !errors.Is(refusedErr, errRefused) {
				t.Errorf("refusing edit: err = %v, want its own error", refusedErr)
			}
			if primerErr != nil || goodErr != nil || removeErr != nil {
				t.Errorf("other edits: primer %v, add %v, remove %v; want all nil", primerErr, goodErr, removeErr)
			}
			f.wantBindings(t, []string{"GREETING", "PRIMER", "B1"}, "EXISTING")
			if patches := f.statuses(http.MethodPatch, "/settings"); !slices.Equal(patches, []int{200, 200}) {
				t.Errorf("settings PATCH statuses %v, want [200 200]", patches)
			}
		})
	})
}

// An edit that leaves the list as it is (removing a binding already gone, keeping one that is
// already right) sends no settings write: Cloudflare would check every binding again for it.
func TestEditScriptBindingsEditThatChangesNothingWritesNothing(t *testing.T) {
	unchanged := map[string]func([]Binding) ([]Binding, error){
		"remove a binding the script lacks": func(bs []Binding) ([]Binding, error) {
			return slices.DeleteFunc(bs, func(b Binding) bool { return b.Name == "GONE" }), nil
		},
		"keep the list": func(bs []Binding) ([]Binding, error) { return bs, nil },
	}
	for name, edit := range unchanged {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newBindingFixture(t)
				if err := f.client.EditScriptBindings(t.Context(), f.account, script, edit); err != nil {
					t.Fatal(err)
				}
				if n := f.count(http.MethodPatch, "/settings"); n != 0 {
					t.Errorf("%d settings PATCHes, want none", n)
				}
				f.wantBindings(t, []string{"GREETING", "EXISTING"})
			})
		})
	}
}

func TestEditScriptBindingsRefusedMergeAnswersEachEdit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newBindingFixture(t)
		var wg sync.WaitGroup
		var primerErr error
		g := f.startPrimer(t.Context(), t, &wg, &primerErr)

		const n, bad = 10, 3
		errs := make([]error, n)
		for i := range n {
			secret := fmt.Sprintf("S%d", i)
			if i == bad {
				secret = "NO_SUCH_SECRET" // Cloudflare refuses the binding: 400 code 10021
			}
			wg.Go(func() {
				errs[i] = f.client.EditScriptBindings(t.Context(), f.account, script, add(fmt.Sprintf("B%d", i), f.storeID, secret))
			})
		}
		synctest.Wait()
		close(g.open)
		wg.Wait()

		if primerErr != nil {
			t.Errorf("primer: %v", primerErr)
		}
		present := []string{"GREETING", "EXISTING", "PRIMER"}
		for i := range n {
			if i == bad {
				if !HasCode(errs[i], CodeBindingAuthFailed, MessageBindingAuthFailed) {
					t.Errorf("edit B%d (missing secret): err = %v, want 10021 %q", i, errs[i], MessageBindingAuthFailed)
				}
				continue
			}
			if errs[i] != nil {
				t.Errorf("edit B%d: err = %v; another edit's refusal must not fail it", i, errs[i])
			}
			present = append(present, fmt.Sprintf("B%d", i))
		}
		f.wantBindings(t, present, fmt.Sprintf("B%d", bad))

		// primer, the refused merge, then each of the ten alone: nine accepted, one refused.
		patches := f.statuses(http.MethodPatch, "/settings")
		refused := 0
		for _, s := range patches {
			if s == http.StatusBadRequest {
				refused++
			}
		}
		if len(patches) != 2+n || patches[0] != 200 || patches[1] != http.StatusBadRequest || refused != 2 {
			t.Errorf("settings PATCH statuses %v, want [200 400] then %d single PATCHes with one 400", patches, n)
		}
	})
}

func TestEditScriptBindingsScriptsAreIndependent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newBindingFixture(t)
		f.deploy("other")
		isAppSettings := func(r *http.Request) bool {
			return isSettingsGET(r) && strings.Contains(r.URL.Path, "/scripts/"+script+"/")
		}
		g := newGate(isAppSettings)
		f.transport.before = g.before
		var wg sync.WaitGroup
		var appErr error
		wg.Go(func() {
			appErr = f.client.EditScriptBindings(t.Context(), f.account, script, add("B1", f.storeID, "S1"))
		})
		<-g.held
		// While the edit of app is held, an edit of another script goes through.
		if err := f.client.EditScriptBindings(t.Context(), f.account, "other", add("B2", f.storeID, "S2")); err != nil {
			t.Fatalf("edit of other: %v", err)
		}
		close(g.open)
		wg.Wait()
		if appErr != nil {
			t.Errorf("edit of app: %v", appErr)
		}
		if _, ok := f.bindingsByName("other")["B2"]; !ok {
			t.Error("other lacks B2")
		}
		f.wantBindings(t, []string{"GREETING", "EXISTING", "B1"}, "B2")
	})
}

func TestEditScriptBindingsLeaderCancelledOthersStillWritten(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newBindingFixture(t)
		leaderCtx, cancelLeader := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		var leaderErr error
		g := f.startPrimer(leaderCtx, t, &wg, &leaderErr)
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() {
				errs[i] = f.client.EditScriptBindings(t.Context(), f.account, script, add(fmt.Sprintf("B%d", i), f.storeID, fmt.Sprintf("S%d", i)))
			})
		}
		synctest.Wait()
		cancelLeader()
		synctest.Wait()
		close(g.open)
		wg.Wait()
		if !errors.Is(leaderErr, context.Canceled) {
			t.Errorf("cancelled edit: err = %v, want context.Canceled", leaderErr)
		}
		for i, err := range errs {
			if err != nil {
				t.Errorf("edit B%d: %v; the leader's cancellation must not stop the others", i, err)
			}
		}
		f.wantBindings(t, []string{"GREETING", "EXISTING", "B0", "B1", "B2"})
	})
}

func TestEditScriptBindingsMissingScript(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newBindingFixture(t)
		err := f.client.EditScriptBindings(t.Context(), f.account, "ghost", add("B1", f.storeID, "S1"))
		if !HasCode(err, CodeScriptNotFound, "") || !IsNotFound(err) {
			t.Errorf("err = %v, want 404 code %d", err, CodeScriptNotFound)
		}
		if n := f.count(http.MethodPatch, "/settings"); n != 0 {
			t.Errorf("%d PATCHes, want none", n)
		}
	})
}
