package cloudflaremock

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// fuzzHeaderSafe: a header value the multipart writer can carry unchanged (no control bytes,
// no leading or trailing blanks, which a header reader trims).
func fuzzHeaderSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] == 0x7f {
			return false
		}
	}
	return strings.TrimSpace(v) == v
}

// fuzzReadBack checks the routes that show a Worker's bindings and versions: none may carry a
// secret_text text (or anything else starting with the marker).
func (m *fuzzMock) fuzzReadBack(echoed ...string) {
	m.t.Helper()
	for _, p := range []string{"/settings", "/versions", "/secrets", "/deployments", "/script-settings", ""} {
		path := m.accountPath("/workers/scripts/" + fuzzScriptName + p)
		if p == "" {
			path = m.accountPath("/workers/scripts")
		}
		a := m.do(http.MethodGet, path, "", fuzzAdminHeader(""), nil)
		fuzzNoLeak(m.t, "GET "+path, a.body, echoed...)
	}
	a := m.do(http.MethodGet, m.accountPath("/workers/services/"+fuzzScriptName), "", fuzzAdminHeader(""), nil)
	fuzzNoLeak(m.t, "GET service", a.body, echoed...)
	m.fuzzCheckLog(echoed...)
}

// FuzzWorkerUpload fuzzes PUT .../workers/scripts/{name}, the multipart Worker upload, in four
// shapes (shape % 4): the raw body under a fuzzed Content-Type; a well-formed multipart body
// with a fuzzed metadata part and a module part with fuzzed name, filename, Content-Type and
// content; the same with well-formed metadata naming that module and carrying a secret_text
// binding (text: marker + secretText), which must then succeed when the module's name is
// usable; and a module part whose Content-Disposition is the raw fuzzed string. Shape bit 2 adds
// ?bindings_inherit=strict, bit 3 makes it a replacement of an existing Worker. The secret_text
// text never comes back from any route.
func FuzzWorkerUpload(f *testing.F) {
	meta := `{"main_module":"index.js","compatibility_date":"2025-06-01"}`
	code := []byte("export default { fetch() { return new Response('hi') } }")
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}\r\n--x--\r\n"), "multipart/form-data; boundary=x", meta, "index.js", "index.js", "application/javascript+module", code, "s3cr3t", uint8(0))
	f.Add([]byte(`{"main_module":"index.js"}`), "application/json", meta, "index.js", "", "application/javascript+module", code, "", uint8(1))
	f.Add([]byte(""), "multipart/form-data", `{"main_module":"index.js","bindings":[{"type":"secret_text","name":"S"}]}`, "index.js", "index.js", "", code, "x", uint8(2))
	f.Add([]byte("--b\r\n\r\n"), "multipart/form-data; boundary=b", `{"main_module":"lib/util.js","bindings":[{"type":"inherit","name":"SECRET"}]}`, "lib/util.js", "lib/util.js", "text/javascript", code, "", uint8(10))
	f.Add([]byte{}, "multipart/form-data; boundary=\"", `{"bindings":[1]}`, "metadata", "", "application/json", []byte(`{}`), "", uint8(3))
	f.Add([]byte{}, "", `null`, "form-data; name=\"m\"; filename*=UTF-8''%C3%BC.js", "ü.js", "", code, "\xff", uint8(3))
	f.Add([]byte{}, "", `{"main_module":"ü.js","limits":[],"placement":1}`, "ü.js", "ü.js", "", code, "", uint8(6))
	f.Add([]byte{}, "", `{"main_module":"a","keep_bindings":["secret_text"],"tail_consumers":{}}`, "a\"b", "", "", code, "", uint8(14))
	f.Fuzz(func(t *testing.T, raw []byte, contentType, metadata, partName, filename, partContentType string, partBody []byte, secretText string, shape uint8) {
		setup := fuzzWithSecret
		if shape&8 != 0 {
			setup = fuzzWithWorker
		}
		m := newFuzzMock(t, setup)
		path := m.accountPath("/workers/scripts/" + fuzzScriptName)
		query := ""
		if shape&4 != 0 {
			query = "bindings_inherit=strict"
		}
		echoed := []string{string(raw), contentType, metadata, partName, filename, partContentType, string(partBody)}

		var body []byte
		wantOK := false
		switch shape % 4 {
		case 0:
			body = raw
		case 1, 2:
			disposition, ok := fuzzDisposition(partName, filename)
			if !ok {
				disposition = `form-data; name="index.js"`
			}
			module, field, _ := fuzzModuleName(disposition)
			metaPart := []byte(metadata)
			if shape%4 == 2 {
				metaPart = fuzzJSON(t, map[string]any{
					"main_module":        module,
					"compatibility_date": "2025-06-01",
					"bindings": []map[string]string{
						{"type": "secret_text", "name": "FUZZ_SECRET", "text": fuzzValueMarker + secretText},
						{"type": "secrets_store_secret", "name": "BOUND", "store_id": m.storeID, "secret_name": fuzzSecretName},
					},
				})
				// A usable module name makes a valid upload: one the JSON metadata can name (valid
				// UTF-8), in a header that reaches the server unchanged.
				wantOK = module != "" && field != "metadata" && fuzzViaJSON(module) == module &&
					fuzzHeaderSafe(disposition) && fuzzHeaderSafe(partContentType)
			}
			body, contentType = fuzzMultipart(t, []fuzzPart{
				{disposition: `form-data; name="metadata"; filename="blob"`, contentType: "application/json", data: metaPart},
				{disposition: disposition, contentType: partContentType, data: partBody},
			})
		case 3:
			body, contentType = fuzzMultipart(t, []fuzzPart{
				{disposition: `form-data; name="metadata"`, contentType: "application/json", data: []byte(metadata)},
				{disposition: partName, contentType: partContentType, data: partBody},
			})
		}
		a := m.do(http.MethodPut, path, query, fuzzAdminHeader(contentType), body)
		fuzzNoLeak(t, "upload", a.body, echoed...)
		if wantOK && a.status != http.StatusOK {
			t.Fatalf("a valid upload (module %q, Content-Disposition of %q/%q) failed: %d %s", cmp.Or(filename, partName), partName, filename, a.status, a.body)
		}
		if a.status == http.StatusOK {
			var view scriptView
			if err := json.Unmarshal(a.result, &view); err != nil || view.ID != fuzzScriptName || view.StartupTimeMs == nil {
				t.Fatalf("upload answer: %s", a.body)
			}
		}
		m.fuzzReadBack(echoed...)
	})
}

// FuzzWorkerSettingsPatch fuzzes PATCH .../workers/scripts/{name}/settings on a deployed Worker
// (with secret_text SECRET, secrets_store_secret BOUND and plain_text PLAIN): the raw body under a
// fuzzed Content-Type; a multipart body with one fuzzed part (name, filename, content); a
// `settings` part with fuzzed JSON; and well-formed settings that add a secret_text binding with
// a fuzzed name (text: marker + secretText), keep SECRET without its text, inherit BOUND and set
// a fuzzed compatibility_date, which must succeed exactly when the name is new and non-empty.
func FuzzWorkerSettingsPatch(f *testing.F) {
	f.Add([]byte(`{"logpush":true}`), "application/json", `{"logpush":true}`, "settings", "blob", "", uint8(0))
	f.Add([]byte(""), "multipart/form-data; boundary=zz", `{"bindings":[{"type":"inherit","name":"NOPE"}]}`, "settings", "", "", uint8(1))
	f.Add([]byte(""), "", `{"bindings":[{"type":"secret_text","name":"SECRET"}],"tags":null,"observability":{"enabled":true}}`, "settings", "blob", "", uint8(2))
	f.Add([]byte(""), "", "2025-06-01", "NEW_SECRET", "", "rotated", uint8(3))
	f.Add([]byte(""), "", "", "SECRET", "", "", uint8(3))
	f.Add([]byte(""), "", "", "", "", "", uint8(3))
	f.Add([]byte("--b\r\nContent-Disposition: form-data; name=settings\r\n\r\n{}\r\n--b--"), "multipart/form-data; boundary=b", `{"limits":[],"placement":"x"}`, "settings", "", "", uint8(0))
	f.Add([]byte(""), "", `{"bindings":[{"type":"plain_text","name":"P"},{"type":"kv_namespace","name":"K","namespace_id":""}]}`, "\xff", "\x00", "", uint8(1))
	f.Fuzz(func(t *testing.T, raw []byte, contentType, settings, partName, filename, secretText string, shape uint8) {
		m := newFuzzMock(t, fuzzWithWorker)
		path := m.accountPath("/workers/scripts/" + fuzzScriptName + "/settings")
		echoed := []string{string(raw), contentType, settings, partName, filename}

		var body []byte
		wantOK := false
		switch shape % 4 {
		case 0:
			body = raw
		case 1:
			disposition, ok := fuzzDisposition(partName, filename)
			if !ok {
				disposition = partName
			}
			body, contentType = fuzzMultipart(t, []fuzzPart{{disposition: disposition, contentType: "application/json", data: []byte(settings)}})
		case 2:
			body, contentType = fuzzMultipart(t, []fuzzPart{{disposition: `form-data; name="settings"; filename="blob"`, contentType: "application/json", data: []byte(settings)}})
		case 3:
			name := fuzzViaJSON(partName)
			body, contentType = fuzzMultipart(t, []fuzzPart{{disposition: `form-data; name="settings"; filename="blob"`, contentType: "application/json",
				data: fuzzJSON(t, map[string]any{
					"compatibility_date": settings,
					"bindings": []map[string]string{
						{"type": "secret_text", "name": partName, "text": fuzzValueMarker + secretText},
						{"type": "secret_text", "name": "SECRET"},
						{"type": "inherit", "name": "BOUND"},
					},
				})}})
			echoed = []string{settings, partName}
			wantOK = name != "" && name != "SECRET" && name != "BOUND"
		}
		a := m.do(http.MethodPatch, path, "", fuzzAdminHeader(contentType), body)
		fuzzNoLeak(t, "settings", a.body, echoed...)
		if shape%4 == 3 {
			if wantOK != (a.status == http.StatusOK) {
				t.Fatalf("settings with a secret_text named %q: got %d, want ok=%v: %s", partName, a.status, wantOK, a.body)
			}
			if wantOK {
				got := map[string]map[string]any{}
				var view struct {
					Bindings []map[string]any `json:"bindings"`
				}
				if err := json.Unmarshal(a.result, &view); err != nil {
					t.Fatalf("settings answer: %s", a.body)
				}
				for _, b := range view.Bindings {
					got[fmt.Sprint(b["name"])] = b
				}
				for name, typ := range map[string]string{fuzzViaJSON(partName): bindingSecretText, "SECRET": bindingSecretText, "BOUND": bindingSecretsStoreSecret} {
					if got[name]["type"] != typ {
						t.Fatalf("after the PATCH binding %q is %v, want a %s: %s", name, got[name], typ, a.body)
					}
					if _, hasText := got[name]["text"]; hasText {
						t.Fatalf("binding %q is shown with its text: %s", name, a.body)
					}
				}
				if len(got) != 3 {
					t.Fatalf("after the PATCH the bindings are %v, want 3", view.Bindings)
				}
			}
		}
		m.fuzzReadBack(echoed...)
	})
}
