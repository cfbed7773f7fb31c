package cloudflaremock

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestStateFileRoundTrip: a second server on the same state file sees exactly what the first
// one left, values included.
func TestStateFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "state.json")
	clock := newFakeClock()

	first := newMockAPI(t, Config{StateFile: stateFile, Now: clock.Now})
	storeID := first.createStore()
	kept := first.createSecret(storeID, "kept", secretValue("kept"), "workers", "access")
	gone := first.createSecret(storeID, "gone", secretValue("gone"), "workers")
	var patched secretView
	first.api(http.MethodPatch, "/secrets_store/stores/"+storeID+"/secrets/"+kept.ID, `{"comment":"patched","value":"`+secretValue("kept2")+`"}`).
		decodeResult(t, &patched)
	first.api(http.MethodDelete, "/secrets_store/stores/"+storeID+"/secrets/"+gone.ID, "").wantStatus(t, 200)

	info, err := os.Stat(stateFile)
	if err != nil {
		t.Fatalf("state file not written: %v", err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("state file mode %o, want 600: it holds secret values", mode)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left beside the state file: %v", entries)
	}

	second := newMockAPI(t, Config{StateFile: stateFile, Now: clock.Now})
	var got secretView
	second.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets/"+kept.ID, "").decodeResult(t, &got)
	if got.Name != patched.Name || got.Comment != "patched" || got.Modified != patched.Modified ||
		got.Created != patched.Created || len(got.Scopes) != 2 {
		t.Errorf("after reload %+v, before %+v", got, patched)
	}
	if second.valueDigest(kept.ID) != sha256Hex(secretValue("kept2")) {
		t.Errorf("value not carried over")
	}
	second.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets/"+gone.ID, "").wantError(t, 404, 1001, "secret_not_found")
	second.api(http.MethodPost, "/secrets_store/stores", `{"name":"again"}`).wantError(t, 400, 1003, "maximum_stores_exceeded")
	// Creation order survives, so lists keep their order across restarts.
	later := second.createSecret(storeID, "later", secretValue("later"), "workers")
	var list []secretView
	second.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets", "").decodeResult(t, &list)
	if len(list) != 2 || list[0].ID != kept.ID || list[1].ID != later.ID {
		t.Errorf("list after reload %+v", list)
	}

	second.control(http.MethodPost, "/__mock/reset")
	third := newMockAPI(t, Config{StateFile: stateFile})
	third.api(http.MethodGet, "/secrets_store/stores/"+storeID, "").wantError(t, 404, 1001, "store_not_found")
}

func TestStateFileLoading(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(Config{StateFile: filepath.Join(dir, "missing.json")}); err != nil {
		t.Errorf("a missing state file must be an empty state: %v", err)
	}
	corrupt := filepath.Join(dir, "corrupt.json")
	if err := os.WriteFile(corrupt, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{StateFile: corrupt}); err == nil {
		t.Errorf("a corrupt state file must fail New")
	}
	empty := filepath.Join(dir, "empty-maps.json")
	if err := os.WriteFile(empty, []byte(`{"stores":null}`), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newMockAPI(t, Config{StateFile: empty})
	m.createSecret(m.createStore(), "works", secretValue("w"), "workers")
}

// TestStateFileSaveFailure: a write that cannot be saved is reported, not silently lost.
func TestStateFileSaveFailure(t *testing.T) {
	dir := t.TempDir()
	m := newMockAPI(t, Config{StateFile: filepath.Join(dir, "gone", "state.json")})
	m.api(http.MethodPost, "/secrets_store/stores", `{"name":"s"}`).wantError(t, 500, 1002, "internal_error")
	m.api(http.MethodGet, "/secrets_store/stores", "").wantStatus(t, 200)
}
