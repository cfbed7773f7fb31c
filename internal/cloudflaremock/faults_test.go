package cloudflaremock

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/secrets_store"
)

// Helpers for the fault and rate-limit tests (prefixed flt).

// fltClient opens a new connection per request, so a dropped connection is exactly one failed
// request: Go's transport replays an idempotent request whose reused connection dies.
var fltClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

// fltResult is an answer, or the transport error of a dropped connection.
type fltResult struct {
	status int
	header http.Header
	raw    string
	err    error
}

// fltDo sends a request that may fail at the transport; path is the full path.
func (m *mockAPI) fltDo(method, path, body string, header http.Header) fltResult {
	m.t.Helper()
	return m.fltDoContext(context.Background(), method, path, body, header)
}

func (m *mockAPI) fltDoContext(ctx context.Context, method, path, body string, header http.Header) fltResult {
	m.t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, m.http.URL+path, reader)
	if err != nil {
		m.t.Fatalf("building request: %v", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := fltClient.Do(req)
	if err != nil {
		return fltResult{err: err}
	}
	defer func() { _ = res.Body.Close() }()
	raw, err := io.ReadAll(res.Body)
	m.mu.Lock()
	m.bodies = append(m.bodies, string(raw))
	m.mu.Unlock()
	return fltResult{status: res.StatusCode, header: res.Header, raw: string(raw), err: err}
}

// outcome is a short form of a result: the status, or "drop" for a dropped connection.
func (r fltResult) outcome() string {
	if r.err != nil {
		return "drop"
	}
	return fmt.Sprint(r.status)
}

// wantEnvelopeError checks a Cloudflare error envelope with one error.
func (r fltResult) wantEnvelopeError(t *testing.T, code int, message string) {
	t.Helper()
	var env struct {
		Success  bool            `json:"success"`
		Errors   []errorItem     `json:"errors"`
		Messages []errorItem     `json:"messages"`
		Result   json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.raw), &env); err != nil {
		t.Fatalf("not an envelope: %v: %s", err, r.raw)
	}
	if env.Success || string(env.Result) != "null" || env.Messages == nil || len(env.Errors) != 1 ||
		env.Errors[0] != (errorItem{Code: code, Message: message}) {
		t.Fatalf("want error %d %q, got %s", code, message, r.raw)
	}
}

// fltPut installs a fault set through the control route.
func (m *mockAPI) fltPut(body string) {
	m.t.Helper()
	r := m.send(http.MethodPut, "/__mock/faults", body, nil)
	if r.status != http.StatusOK {
		m.t.Fatalf("PUT /__mock/faults: %d %s", r.status, r.raw)
	}
}

func (m *mockAPI) fltView() faultsView {
	m.t.Helper()
	var v faultsView
	if err := json.Unmarshal([]byte(m.control(http.MethodGet, "/__mock/faults")), &v); err != nil {
		m.t.Fatal(err)
	}
	return v
}

// fltSecretNames lists the names of the store's secrets.
func (m *mockAPI) fltSecretNames(storeID string) []string {
	m.t.Helper()
	r := m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets?per_page=100", "")
	var list []secretView
	r.decodeResult(m.t, &list)
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	return names
}

const secretsGlob = "/accounts/*/secrets_store/stores/*/secrets"

// TestFaultKinds injects each kind into a secret create with probability 1 and checks what the
// client sees, whether the change was applied, the log entry and the count.
func TestFaultKinds(t *testing.T) {
	createBody := fmt.Sprintf(`[{"name":"faulted","value":%q,"scopes":["workers"]}]`, secretValue("faulted"))
	tests := []struct {
		name       string
		rule       string // the kind and its parameters
		body       string // default createBody
		status     int    // 0: connection dropped
		code       int
		message    string
		retryAfter string
		applied    bool
		handler    int // logged handler_status
	}{
		{"rate_limit", `"kind":"rate_limit","retry_after":7`, "", 429, 971, rateLimitMessage, "7", false, 0},
		{"rate_limit default Retry-After", `"kind":"rate_limit"`, "", 429, 971, rateLimitMessage, "1", false, 0},
		{"error default 500", `"kind":"error"`, "", 500, 1002, "internal_error", "", false, 0},
		{"error 502", `"kind":"error","status":502`, "", 502, 1002, "bad_gateway", "", false, 0},
		{"error 503 with Retry-After", `"kind":"error","status":503,"retry_after":3`, "", 503, 1002, "service_unavailable", "3", false, 0},
		{"latency", `"kind":"latency","latency":"1ms"`, "", 200, 0, "", "", true, 0},
		{"drop_before", `"kind":"drop_before"`, "", 0, 0, "", "", false, 0},
		{"drop_after", `"kind":"drop_after"`, "", 0, 0, "", "", true, 200},
		{"error_after", `"kind":"error_after","status":503`, "", 503, 1002, "service_unavailable", "", true, 200},
		{"error_after of a refused create", `"kind":"error_after"`, `[{"name":"bad name","value":"v","scopes":["workers"]}]`,
			500, 1002, "internal_error", "", false, 400},
		{"drop_after of a refused create", `"kind":"drop_after"`, `[{"name":"faulted","value":"v","scopes":[]}]`,
			0, 0, "", "", false, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMockAPI(t, Config{})
			storeID := m.createStore() // POST .../stores: not matched by the rule
			m.fltPut(`{"seed":1,"rules":[{"method":"POST","path":"` + secretsGlob + `","probability":1,` + tc.rule + `}]}`)

			body := cmp.Or(tc.body, createBody)
			path := apiPrefix + "/accounts/" + m.mock.AccountID() + "/secrets_store/stores/" + storeID + "/secrets"
			res := m.fltDo(http.MethodPost, path, body, m.auth())
			switch {
			case tc.status == 0:
				if !errors.Is(res.err, io.EOF) {
					t.Fatalf("want the connection dropped (io.EOF), got %d %v %s", res.status, res.err, res.raw)
				}
			case res.err != nil || res.status != tc.status:
				t.Fatalf("got %d %v, want %d: %s", res.status, res.err, tc.status, res.raw)
			case tc.code != 0:
				res.wantEnvelopeError(t, tc.code, tc.message)
			}
			if res.err == nil && res.header.Get("Retry-After") != tc.retryAfter {
				t.Errorf("Retry-After %q, want %q", res.header.Get("Retry-After"), tc.retryAfter)
			}

			// The follow-up GET (not matched: the rule is for POST) tells whether it happened.
			names := m.fltSecretNames(storeID)
			if applied := slices.Contains(names, "faulted"); applied != tc.applied {
				t.Errorf("secret created: %v, want %v (store holds %v)", applied, tc.applied, names)
			}

			log := m.requests()
			entry := log[1]
			kind := strings.Split(tc.name, " ")[0]
			want := LoggedRequest{Method: "POST", Path: path, Status: tc.status, Time: entry.Time, Fault: kind, HandlerStatus: tc.handler}
			if len(log) != 3 || entry != want {
				t.Errorf("log entry %+v, want %+v (log: %+v)", entry, want, log)
			}
			v := m.fltView()
			for k, n := range v.Injected {
				if wantN := map[bool]int{true: 1}[string(k) == kind]; n != wantN {
					t.Errorf("injected[%s] = %d, want %d", k, n, wantN)
				}
			}
		})
	}
}

// TestFaultLogShape pins the JSON of faulted log entries.
func TestFaultLogShape(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now})
	quota := apiPrefix + "/accounts/" + m.mock.AccountID() + "/secrets_store/quota"
	for _, kind := range []string{"drop_before", "drop_after", "rate_limit"} {
		m.fltPut(`{"rules":[{"probability":1,"kind":"` + kind + `"}]}`)
		m.fltDo(http.MethodGet, quota, "", m.auth())
	}
	m.control(http.MethodDelete, "/__mock/faults")
	m.fltDo(http.MethodGet, quota, "", m.auth())
	want := `[{"method":"GET","path":"` + quota + `","query":"","status":0,"time":"2025-06-01T12:00:00.000000Z","fault":"drop_before"},` +
		`{"method":"GET","path":"` + quota + `","query":"","status":0,"time":"2025-06-01T12:00:00.000000Z","fault":"drop_after","handler_status":200},` +
		`{"method":"GET","path":"` + quota + `","query":"","status":429,"time":"2025-06-01T12:00:00.000000Z","fault":"rate_limit"},` +
		`{"method":"GET","path":"` + quota + `","query":"","status":200,"time":"2025-06-01T12:00:00.000000Z"}]`
	if got := strings.TrimSpace(m.control(http.MethodGet, "/__mock/requests")); got != want {
		t.Errorf("log\n got %s\nwant %s", got, want)
	}
}

// fltRun sends a fixed mix of 200 requests (creates, lists, reads, quota) and returns what the
// client saw for each.
func fltRun(t *testing.T, faults string) ([]string, faultsView) {
	m := newMockAPI(t, Config{SecretsQuota: 1000})
	storeID := m.createStore()
	m.fltPut(faults)
	base := apiPrefix + "/accounts/" + m.mock.AccountID() + "/secrets_store"
	var outcomes []string
	for i := range 200 {
		var res fltResult
		switch i % 4 {
		case 0:
			res = m.fltDo(http.MethodPost, base+"/stores/"+storeID+"/secrets",
				fmt.Sprintf(`[{"name":"s%d","value":%q,"scopes":["workers"]}]`, i, secretValue("d")), m.auth())
		case 1:
			res = m.fltDo(http.MethodGet, base+"/stores/"+storeID+"/secrets?per_page=5", "", m.auth())
		case 2:
			res = m.fltDo(http.MethodGet, base+"/stores/"+storeID, "", m.auth())
		case 3:
			res = m.fltDo(http.MethodGet, base+"/quota", "", m.auth())
		}
		outcomes = append(outcomes, res.outcome())
	}
	return outcomes, m.fltView()
}

// TestFaultDeterminism: the same seed and requests give the same faults; another seed others.
func TestFaultDeterminism(t *testing.T) {
	rules := `"rules":[
		{"method":"GET","path":"/accounts/*/secrets_store/stores/*","probability":0.2,"kind":"error","status":503},
		{"path":"/accounts/*/secrets_store/**","probability":0.15,"kind":"rate_limit"},
		{"method":"POST","probability":0.3,"kind":"drop_after"},
		{"probability":0.1,"kind":"drop_before"},
		{"method":"POST","probability":0.2,"kind":"error_after","status":502}]`
	first, view := fltRun(t, `{"seed":42,`+rules+`}`)
	again, _ := fltRun(t, `{"seed":42,`+rules+`}`)
	other, _ := fltRun(t, `{"seed":43,`+rules+`}`)
	if !slices.Equal(first, again) {
		t.Errorf("same seed, different faults:\n%v\n%v", first, again)
	}
	if slices.Equal(first, other) {
		t.Errorf("seeds 42 and 43 gave the same 200 outcomes: %v", first)
	}
	// Every kind fired, and the counts agree with what the client saw.
	seen := map[string]int{}
	for _, o := range first {
		seen[o]++
	}
	injected := view.Injected
	for _, k := range []FaultKind{FaultError, FaultRateLimit, FaultDropAfter, FaultDropBefore, FaultErrorAfter} {
		if injected[k] == 0 {
			t.Errorf("no %s fault in 200 requests: %v", k, injected)
		}
	}
	if seen["drop"] != injected[FaultDropAfter]+injected[FaultDropBefore] || seen["429"] != injected[FaultRateLimit] ||
		seen["502"] != injected[FaultErrorAfter] || seen["503"] != injected[FaultError] {
		t.Errorf("outcomes %v do not match the counts %v", seen, injected)
	}
}

// TestFaultMatching checks which requests a rule reaches: methods, globs, order, probability.
func TestFaultMatching(t *testing.T) {
	tests := []struct {
		name   string
		rules  string
		method string
		path   string // under the account; "/.." escapes to the root of /client/v4
		want   string // outcome
	}{
		{"any method", `{"probability":1,"kind":"error"}`, "GET", "/secrets_store/quota", "500"},
		{"lower-case method", `{"method":"get","probability":1,"kind":"error"}`, "GET", "/secrets_store/quota", "500"},
		{"other method", `{"method":"POST","probability":1,"kind":"error"}`, "GET", "/secrets_store/quota", "200"},
		{"exact path", `{"path":"/accounts/*/secrets_store/stores","probability":1,"kind":"error"}`, "GET", "/secrets_store/stores", "500"},
		{"exact path, longer request", `{"path":"/accounts/*/secrets_store/stores","probability":1,"kind":"error"}`,
			"GET", "/secrets_store/stores/" + strings.Repeat("a", 32), "404"}, // not faulted: no such store
		{"one-segment star", `{"path":"/accounts/*/secrets_store/stores/*","probability":1,"kind":"error"}`,
			"GET", "/secrets_store/stores/" + strings.Repeat("a", 32), "500"},
		{"double star", `{"path":"/accounts/*/secrets_store/**","probability":1,"kind":"error"}`, "GET", "/secrets_store/quota", "500"},
		{"double star in the middle", `{"path":"/**/quota","probability":1,"kind":"error"}`, "GET", "/secrets_store/quota", "500"},
		{"segment glob", `{"path":"/accounts/*/secrets_*/quo?a","probability":1,"kind":"error"}`, "GET", "/secrets_store/quota", "500"},
		{"client/v4 prefix allowed", `{"path":"/client/v4/accounts/**","probability":1,"kind":"error"}`, "GET", "/secrets_store/quota", "500"},
		{"unknown routes too", `{"path":"/**","probability":1,"kind":"error"}`, "GET", "/nothing_here", "500"},
		{"other account path", `{"path":"/user/**","probability":1,"kind":"error"}`, "GET", "/secrets_store/quota", "200"},
		{"probability 0", `{"probability":0,"kind":"error"}`, "GET", "/secrets_store/quota", "200"},
		{"first rule that fires wins", `{"probability":1,"kind":"error","status":502},{"probability":1,"kind":"error"}`,
			"GET", "/secrets_store/quota", "502"},
		{"a rule that does not fire passes on", `{"probability":0,"kind":"error","status":502},{"probability":1,"kind":"error"}`,
			"GET", "/secrets_store/quota", "500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newMockAPI(t, Config{})
			m.fltPut(`{"rules":[` + tc.rules + `]}`)
			got := m.fltDo(tc.method, apiPrefix+"/accounts/"+m.mock.AccountID()+tc.path, "", m.auth()).outcome()
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}

	t.Run("control routes are never faulted", func(t *testing.T) {
		m := newMockAPI(t, Config{})
		m.fltPut(`{"rules":[{"path":"/**","probability":1,"kind":"drop_before"}]}`)
		if r := m.send(http.MethodGet, "/__mock/requests", "", nil); r.status != 200 {
			t.Errorf("control route answered %d", r.status)
		}
	})

	t.Run("probability 0 and 1 over many requests", func(t *testing.T) {
		m := newMockAPI(t, Config{})
		m.fltPut(`{"seed":9,"rules":[{"method":"GET","probability":0,"kind":"error"},{"method":"DELETE","probability":1,"kind":"error"}]}`)
		for range 100 {
			m.api(http.MethodGet, "/secrets_store/quota", "").wantStatus(t, 200)
			m.api(http.MethodDelete, "/secrets_store/quota", "").wantStatus(t, 500)
		}
		if got := m.fltView().Injected[FaultError]; got != 100 {
			t.Errorf("injected %d errors, want 100", got)
		}
	})
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/**", "/", true},
		{"/**", "/a/b/c", true},
		{"/a/**", "/a", true},
		{"/a/**/d", "/a/b/c/d", true},
		{"/a/**/d", "/a/d", true},
		{"/a/**/d", "/a/b/c", false},
		{"/*", "/a", true},
		{"/*", "/a/b", false},
		{"/*", "/", false}, // a star needs a non-empty segment
		{"/a/*/c", "/a/b/c", true},
		{"/a/*/c", "/a//c", false},
		{"/a/b*", "/a/bcd", true},
		{"/a/b", "/a/b/", false},
		{"/", "/", true},
	}
	for _, tc := range tests {
		glob, err := compileGlob(tc.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		segments := strings.Split(strings.TrimPrefix(tc.path, "/"), "/")
		if got := globMatch(glob, segments); got != tc.want {
			t.Errorf("%s ~ %s = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

// TestParseFaults covers validation, defaults and error messages that never echo the input.
func TestParseFaults(t *testing.T) {
	set, err := ParseFaults([]byte(`{"seed":18446744073709551615,"rules":[
		{"probability":0.5,"kind":"rate_limit"},
		{"method":"patch","path":"/client/v4","probability":1,"kind":"error_after"},
		{"method":"GET","path":"/accounts/*/x","probability":0,"kind":"latency","latency":"1.5s"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := FaultSet{Seed: 1<<64 - 1, Rules: []FaultRule{
		{Method: "*", Path: "/**", Probability: 0.5, Kind: FaultRateLimit, RetryAfter: 1},
		{Method: "PATCH", Path: "/", Probability: 1, Kind: FaultErrorAfter, Status: 500},
		{Method: "GET", Path: "/accounts/*/x", Probability: 0, Kind: FaultLatency, Latency: 1500 * time.Millisecond},
	}}
	if !slicesEqualSets(set, want) {
		t.Errorf("parsed %+v, want %+v", set, want)
	}
	if empty, err := ParseFaults([]byte(`{}`)); err != nil || len(empty.Rules) != 0 {
		t.Errorf("empty set: %+v %v", empty, err)
	}

	const marker = "zz-sentinel-zz"
	for name, body := range map[string]string{
		"not JSON":               `{"seed":` + marker,
		"trailing data":          `{"rules":[]} {"` + marker + `":1}`,
		"unknown top field":      `{"` + marker + `":1}`,
		"unknown rule field":     `{"rules":[{"probability":1,"kind":"error","` + marker + `":1}]}`,
		"wrong type":             `{"seed":"` + marker + `"}`,
		"negative seed":          `{"seed":-1}`,
		"missing probability":    `{"rules":[{"kind":"error"}]}`,
		"probability above 1":    `{"rules":[{"probability":1.5,"kind":"error"}]}`,
		"negative probability":   `{"rules":[{"probability":-0.1,"kind":"error"}]}`,
		"unknown kind":           `{"rules":[{"probability":1,"kind":"` + marker + `"}]}`,
		"missing kind":           `{"rules":[{"probability":1}]}`,
		"bad status":             `{"rules":[{"probability":1,"kind":"error","status":404}]}`,
		"status on a drop":       `{"rules":[{"probability":1,"kind":"drop_before","status":500}]}`,
		"retry_after on latency": `{"rules":[{"probability":1,"kind":"latency","latency":"1s","retry_after":1}]}`,
		"negative retry_after":   `{"rules":[{"probability":1,"kind":"rate_limit","retry_after":-1}]}`,
		"latency missing":        `{"rules":[{"probability":1,"kind":"latency"}]}`,
		"latency not a duration": `{"rules":[{"probability":1,"kind":"latency","latency":"` + marker + `"}]}`,
		"latency on an error":    `{"rules":[{"probability":1,"kind":"error","latency":"1s"}]}`,
		"relative path":          `{"rules":[{"path":"accounts/**","probability":1,"kind":"error"}]}`,
		"bad glob":               `{"rules":[{"path":"/[` + marker + `","probability":1,"kind":"error"}]}`,
		"double star in segment": `{"rules":[{"path":"/a**","probability":1,"kind":"error"}]}`,
		"method with space":      `{"rules":[{"method":"G T","probability":1,"kind":"error"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFaults([]byte(body))
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), marker) {
				t.Errorf("error echoes the input: %v", err)
			}
		})
	}
	if _, err := ParseFaults([]byte(`{"rules":[{"probability":1,"kind":"error"},{"probability":1,"kind":"nope"}]}`)); err == nil ||
		!strings.Contains(err.Error(), "rule 2") {
		t.Errorf("error does not name the rule: %v", err)
	}
	if _, err := New(Config{Faults: FaultSet{Rules: []FaultRule{{Probability: 2, Kind: FaultError}}}}); err == nil {
		t.Error("New accepted a bad Config.Faults")
	}
}

func slicesEqualSets(a, b FaultSet) bool {
	return a.Seed == b.Seed && slices.Equal(a.Rules, b.Rules)
}

// TestFaultControlRoutes covers PUT, GET and DELETE /__mock/faults and their exact shapes.
func TestFaultControlRoutes(t *testing.T) {
	m := newMockAPI(t, Config{})
	const empty = `{"seed":0,"rules":[],"injected":{"drop_after":0,"drop_before":0,"error":0,"error_after":0,"latency":0,"rate_limit":0}}`
	if got := strings.TrimSpace(m.control(http.MethodGet, "/__mock/faults")); got != empty {
		t.Errorf("initial GET: %s", got)
	}

	put := m.send(http.MethodPut, "/__mock/faults", `{"seed":7,"rules":[{"method":"get","path":"/accounts/*/secrets_store/quota","probability":1,"kind":"error","status":503,"retry_after":2},`+
		`{"probability":0.25,"kind":"latency","latency":"20ms"}]}`, nil)
	const installed = `{"seed":7,"rules":[` +
		`{"method":"GET","path":"/accounts/*/secrets_store/quota","probability":1,"kind":"error","status":503,"retry_after":2},` +
		`{"method":"*","path":"/**","probability":0.25,"kind":"latency","latency":"20ms"}],` +
		`"injected":{"drop_after":0,"drop_before":0,"error":0,"error_after":0,"latency":0,"rate_limit":0}}`
	if put.status != 200 || strings.TrimSpace(put.raw) != installed {
		t.Errorf("PUT answered %d %s\nwant %s", put.status, put.raw, installed)
	}
	m.api(http.MethodGet, "/secrets_store/quota", "").wantStatus(t, 503)
	m.api(http.MethodGet, "/secrets_store/quota", "").wantStatus(t, 503)
	if got := m.fltView().Injected; got[FaultError] != 2 {
		t.Errorf("counts %v, want 2 errors", got)
	}

	// A bad set is refused, says why without echoing, and leaves the rules alone.
	bad := m.send(http.MethodPut, "/__mock/faults", `{"rules":[{"probability":1,"kind":"zz-sentinel-zz"}]}`, nil)
	var answer controlError
	if err := json.Unmarshal([]byte(bad.raw), &answer); err != nil || bad.status != 400 ||
		!strings.Contains(answer.Error, "kind must be one of") || strings.Contains(bad.raw, leakMarker) {
		t.Errorf("bad PUT answered %d %s", bad.status, bad.raw)
	}
	if v := m.fltView(); v.Seed != 7 || len(v.Rules) != 2 || v.Injected[FaultError] != 2 {
		t.Errorf("a refused PUT changed the faults: %+v", v)
	}

	// Reset leaves faults alone; DELETE clears them and the counts.
	m.control(http.MethodPost, "/__mock/reset")
	if v := m.fltView(); len(v.Rules) != 2 {
		t.Errorf("reset dropped the faults: %+v", v)
	}
	if got := strings.TrimSpace(m.control(http.MethodDelete, "/__mock/faults")); got != `{"ok":true}` {
		t.Errorf("DELETE answered %s", got)
	}
	if got := strings.TrimSpace(m.control(http.MethodGet, "/__mock/faults")); got != empty {
		t.Errorf("GET after DELETE: %s", got)
	}
	m.api(http.MethodGet, "/secrets_store/quota", "").wantStatus(t, 200)

	// PUT restarts the PRNG: the same set twice gives the same sequence.
	seq := func() string {
		m.fltPut(`{"seed":3,"rules":[{"probability":0.5,"kind":"error"}]}`)
		var s strings.Builder
		for range 40 {
			fmt.Fprint(&s, m.api(http.MethodGet, "/secrets_store/quota", "").status/100)
		}
		return s.String()
	}
	if a, b := seq(), seq(); a != b || !strings.Contains(a, "2") || !strings.Contains(a, "5") {
		t.Errorf("sequences after PUT: %s and %s", a, b)
	}

	// Config.Faults is active from the start.
	m2 := newMockAPI(t, Config{Faults: FaultSet{Rules: []FaultRule{{Probability: 1, Kind: FaultError, Status: 502}}}})
	m2.api(http.MethodGet, "/secrets_store/quota", "").wantStatus(t, 502)
}

// TestFaultLatencyDoesNotBlock: a request held by an injected latency holds no lock, and a client
// that gives up during it does not stop the change (an unknown outcome, like a timeout).
func TestFaultLatencyDoesNotBlock(t *testing.T) {
	mock, err := New(Config{Faults: FaultSet{Rules: []FaultRule{
		{Method: "POST", Path: secretsGlob, Probability: 1, Kind: FaultLatency, Latency: time.Hour},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mock)
	m := &mockAPI{t: t, mock: mock, http: srv}
	storeID := m.createStore()
	secrets := apiPrefix + "/accounts/" + mock.AccountID() + "/secrets_store/stores/" + storeID + "/secrets"

	ctx, cancel := context.WithCancel(context.Background())
	slow := make(chan fltResult, 1)
	go func() {
		slow <- m.fltDoContext(ctx, http.MethodPost, secrets,
			fmt.Sprintf(`[{"name":"slow","value":%q,"scopes":["workers"]}]`, secretValue("slow")), m.auth())
	}()
	// Wait (without sleeping) until the slow request is inside its latency.
	for deadline := time.Now().Add(10 * time.Second); mock.faults.view().Injected[FaultLatency] == 0; runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatal("the slow request never reached its fault")
		}
	}
	// Meanwhile the mock answers: the latency holds no lock.
	m.api(http.MethodGet, "/secrets_store/stores/"+storeID+"/secrets", "").wantStatus(t, 200)
	if names := m.fltSecretNames(storeID); len(names) != 0 {
		t.Fatalf("created before its latency ended: %v", names)
	}

	cancel()
	if res := <-slow; !errors.Is(res.err, context.Canceled) {
		t.Fatalf("slow request: %v", res.err)
	}
	srv.Close() // waits for the handler, which goes on without its client

	m.http = httptest.NewServer(mock)
	defer m.http.Close()
	if names := m.fltSecretNames(storeID); !slices.Equal(names, []string{"slow"}) {
		t.Errorf("store holds %v, want the slow secret created despite the client leaving", names)
	}
	log := m.requests()
	if last := log[len(log)-2]; last.Method != http.MethodPost || last.Status != 200 || last.Fault != "latency" {
		t.Errorf("slow request logged as %+v", last)
	}
}

// TestFaultsConcurrent runs under -race: concurrent requests with every kind of fault; the counts
// add up and every applied create is in the store exactly once.
func TestFaultsConcurrent(t *testing.T) {
	m := newMockAPI(t, Config{SecretsQuota: 1000, RateLimit: 1000})
	storeID := m.createStore()
	m.fltPut(`{"seed":5,"rules":[{"probability":0.1,"kind":"rate_limit"},{"probability":0.1,"kind":"error"},` +
		`{"probability":0.1,"kind":"latency","latency":"1us"},{"probability":0.1,"kind":"drop_before"},` +
		`{"probability":0.1,"kind":"drop_after"},{"probability":0.1,"kind":"error_after"}]}`)
	path := apiPrefix + "/accounts/" + m.mock.AccountID() + "/secrets_store/stores/" + storeID + "/secrets"
	const n = 60
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m.fltDo(http.MethodPost, path, fmt.Sprintf(`[{"name":"c%d","value":%q,"scopes":["workers"]}]`, i, secretValue("c")), m.auth())
			m.fltDo(http.MethodGet, path, "", m.auth())
		})
	}
	wg.Wait()
	m.control(http.MethodDelete, "/__mock/faults")

	applied := 0
	total := 0
	for _, e := range m.requests() {
		if e.Method != http.MethodPost || e.Path != path {
			continue
		}
		if e.Status == 200 || e.HandlerStatus == 200 {
			applied++
		}
		if e.Fault != "" {
			total++
		}
	}
	if names := m.fltSecretNames(storeID); len(names) != applied {
		t.Errorf("store holds %d secrets, the log says %d creates were applied", len(names), applied)
	}
	if total == 0 {
		t.Error("no faults injected")
	}
}

// TestFaultsWithSDK: what cloudflare-go v4.6.0, retries off, makes of each fault.
func TestFaultsWithSDK(t *testing.T) {
	m := newMockAPI(t, Config{})
	storeID := m.createStore()
	client := cloudflare.NewClient(
		option.WithBaseURL(m.http.URL+"/client/v4/"),
		option.WithAPIToken(m.mock.AdminToken()),
		option.WithMaxRetries(0),
	)
	ctx := context.Background()
	create := func(name string) error {
		_, err := client.SecretsStore.Stores.Secrets.New(ctx, storeID, secrets_store.StoreSecretNewParams{
			AccountID: cloudflare.F(m.mock.AccountID()),
			Body: []secrets_store.StoreSecretNewParamsBody{{
				Name: cloudflare.F(name), Value: cloudflare.F(secretValue(name)), Scopes: cloudflare.F([]string{"workers"}),
			}},
		})
		return err
	}
	tests := []struct {
		kind    string
		status  int // 0: transport error
		code    int
		applied bool
	}{
		{`"kind":"rate_limit","retry_after":2`, 429, 971, false},
		{`"kind":"error","status":502`, 502, 1002, false},
		{`"kind":"drop_before"`, 0, 0, false},
		{`"kind":"drop_after"`, 0, 0, true},
		{`"kind":"error_after"`, 500, 1002, true},
		{`"kind":"latency","latency":"1ms"`, 200, 0, true},
	}
	for i, tc := range tests {
		name := fmt.Sprintf("sdk_%d", i)
		m.fltPut(`{"rules":[{"method":"POST","path":"` + secretsGlob + `","probability":1,` + tc.kind + `}]}`)
		err := create(name)
		var apiErr *cloudflare.Error
		switch {
		case tc.status == 200:
			if err != nil {
				t.Errorf("%s: %v", tc.kind, err)
			}
		case tc.status == 0:
			if !errors.Is(err, io.EOF) || errors.As(err, &apiErr) {
				t.Errorf("%s: want a transport error wrapping io.EOF, got %T %v", tc.kind, err, err)
			}
		case !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || len(apiErr.Errors) != 1 || apiErr.Errors[0].Code != int64(tc.code):
			t.Errorf("%s: want an API error %d/%d, got %v", tc.kind, tc.status, tc.code, err)
		case tc.status == 429 && apiErr.Response.Header.Get("Retry-After") != "2":
			t.Errorf("429 without its Retry-After: %v", apiErr.Response.Header)
		}
		m.control(http.MethodDelete, "/__mock/faults")
		if got := slices.Contains(m.fltSecretNames(storeID), name); got != tc.applied {
			t.Errorf("%s: created %v, want %v", tc.kind, got, tc.applied)
		}
	}

	// The real rate limit looks the same to the SDK.
	limited := newMockAPI(t, Config{RateLimit: 1})
	lc := cloudflare.NewClient(option.WithBaseURL(limited.http.URL+"/client/v4/"),
		option.WithAPIToken(limited.mock.AdminToken()), option.WithMaxRetries(0))
	params := secrets_store.QuotaGetParams{AccountID: cloudflare.F(limited.mock.AccountID())}
	if _, err := lc.SecretsStore.Quota.Get(ctx, params); err != nil {
		t.Fatal(err)
	}
	var apiErr *cloudflare.Error
	if _, err := lc.SecretsStore.Quota.Get(ctx, params); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests ||
		apiErr.Errors[0].Code != 971 || apiErr.Response.Header.Get("Retry-After") != "300" {
		t.Errorf("over the limit: %v", err)
	}
}

// TestFaultDropAfterPersists: a change hidden by drop_after is in the state file too, so a
// restarted mock still has it.
func TestFaultDropAfterPersists(t *testing.T) {
	stateFile := t.TempDir() + "/state.json"
	m := newMockAPI(t, Config{StateFile: stateFile})
	storeID := m.createStore()
	m.fltPut(`{"rules":[{"method":"POST","path":"` + secretsGlob + `","probability":1,"kind":"drop_after"}]}`)
	res := m.fltDo(http.MethodPost, apiPrefix+"/accounts/"+m.mock.AccountID()+"/secrets_store/stores/"+storeID+"/secrets",
		fmt.Sprintf(`[{"name":"kept","value":%q,"scopes":["workers"]}]`, secretValue("kept")), m.auth())
	if !errors.Is(res.err, io.EOF) {
		t.Fatalf("want a dropped connection, got %d %v", res.status, res.err)
	}
	restarted := newMockAPI(t, Config{StateFile: stateFile})
	if names := restarted.fltSecretNames(storeID); !slices.Equal(names, []string{"kept"}) {
		t.Errorf("restarted mock holds %v", names)
	}
}

// TestEveryFaultKindFires: every kind in the one list is a rule that validates with only the
// parameters it takes, refuses the ones it does not, fires, and is counted under its name.
func TestEveryFaultKindFires(t *testing.T) {
	for _, k := range faultKinds {
		t.Run(string(k.kind), func(t *testing.T) {
			rule := FaultRule{Method: "GET", Path: "/accounts/*/secrets_store/quota", Probability: 1, Kind: k.kind}
			if k.takesLatency {
				rule.Latency = time.Millisecond
			}
			for name, extra := range map[string]func(*FaultRule){
				"status":      func(r *FaultRule) { r.Status = http.StatusBadGateway },
				"retry_after": func(r *FaultRule) { r.RetryAfter = 2 },
				"latency":     func(r *FaultRule) { r.Latency = time.Millisecond },
			} {
				takes := map[string]bool{"status": k.takesStatus, "retry_after": k.takesRetryAfter, "latency": k.takesLatency}[name]
				withExtra := rule
				extra(&withExtra)
				if _, err := withExtra.normalized(); (err == nil) != takes {
					t.Errorf("%s with %s: error %v, want an error exactly when the kind does not take it", k.kind, name, err)
				}
			}
			m := newMockAPI(t, Config{Faults: FaultSet{Rules: []FaultRule{rule}}})
			m.fltDo(http.MethodGet, apiPrefix+"/accounts/"+m.mock.AccountID()+"/secrets_store/quota", "", m.auth())
			if got := m.fltView().Injected; got[k.kind] != 1 || len(got) != len(faultKinds) {
				t.Errorf("injected %v, want one %s among a count for each of the %d kinds", got, k.kind, len(faultKinds))
			}
		})
	}
}
