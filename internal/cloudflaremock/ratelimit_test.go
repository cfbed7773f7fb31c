package cloudflaremock

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

const rateLimitMessage = "Please wait and consider throttling your request speed"

// TestRateLimit walks one token's budget through a window on the fake clock: the limit, the
// 429/971 answer and its Retry-After, separate budgets per token, refusals that do not count,
// and the window sliding on.
func TestRateLimit(t *testing.T) {
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now, RateLimit: 3, RateLimitWindow: 5 * time.Minute})
	// Admin request 1 of 3, at t0.
	reader := m.tkCreate(t, "/accounts/"+m.mock.AccountID(),
		tkBody("reader", tkPolicy("allow", tkAccount(m.mock.AccountID()), pgSecretsStoreRead)))

	quota := apiPrefix + "/accounts/" + m.mock.AccountID() + "/secrets_store/quota"
	tokens := map[string]http.Header{
		"admin":   m.auth(),
		"reader":  tkBearer(reader.Value),
		"unknown": tkBearer("not-a-token"),
		"none":    nil,
	}
	steps := []struct {
		name       string
		advance    time.Duration
		who        string
		status     int
		retryAfter string // "" when the header must be absent
	}{
		{"admin 2 of 3", 5 * time.Second, "admin", 200, ""},
		{"admin 3 of 3", 10 * time.Second, "admin", 200, ""},
		{"admin over: until t0's request leaves the window", 10 * time.Second, "admin", 429, "275"},
		{"rounded up to whole seconds", 500 * time.Millisecond, "admin", 429, "275"},
		{"another token has its own budget", 0, "reader", 200, ""},
		{"reader 2", 0, "reader", 200, ""},
		{"reader 3", 0, "reader", 200, ""},
		{"reader over", 0, "reader", 429, "300"},
		{"an unknown token is counted on its own", 0, "unknown", 401, ""},
		{"no token: nothing to count against", 0, "none", 400, ""},
		{"admin still limited", 0, "admin", 429, "275"},
		// t0+300s: the request at t0 leaves the window. Had the three 429s counted, the window
		// would still be full.
		{"window slides: one request back", 274500 * time.Millisecond, "admin", 200, ""},
		{"then full again until t0+5s leaves", 0, "admin", 429, "5"},
		{"t0+5s leaves", 5 * time.Second, "admin", 200, ""},
	}
	limited := 0
	for _, step := range steps {
		clock.Advance(step.advance)
		res := m.fltDo(http.MethodGet, quota, "", tokens[step.who])
		if res.err != nil {
			t.Fatalf("%s: %v", step.name, res.err)
		}
		if res.status != step.status || res.header.Get("Retry-After") != step.retryAfter {
			t.Fatalf("%s: status %d Retry-After %q, want %d %q: %s", step.name, res.status,
				res.header.Get("Retry-After"), step.status, step.retryAfter, res.raw)
		}
		if step.status == 429 {
			limited++
			res.wantEnvelopeError(t, 971, rateLimitMessage)
		}
	}

	// Every 429 is in the request log like any other request.
	log := m.requests()
	logged := 0
	for _, e := range log {
		if e.Status == 429 {
			logged++
			if e.Fault != "" || e.Path != quota {
				t.Errorf("429 logged as %+v", e)
			}
		}
	}
	if len(log) != len(steps)+1 || logged != limited {
		t.Errorf("log has %d entries with %d 429s, want %d with %d", len(log), logged, len(steps)+1, limited)
	}

	// A reset forgets the budgets along with the state.
	if res := m.fltDo(http.MethodGet, quota, "", m.auth()); res.status != 429 {
		t.Fatalf("before reset: %d", res.status)
	}
	m.control(http.MethodPost, "/__mock/reset")
	if res := m.fltDo(http.MethodGet, quota, "", m.auth()); res.status != 200 {
		t.Errorf("after reset: %d %s", res.status, res.raw)
	}
}

// TestRateLimitOffByDefault: the library's zero Config never limits.
func TestRateLimitOffByDefault(t *testing.T) {
	m := newMockAPI(t, Config{})
	for range 50 {
		m.api(http.MethodGet, "/secrets_store/quota", "").wantStatus(t, 200)
	}
	if m.mock.cfg.RateLimitWindow != DefaultRateLimitWindow || DefaultRateLimit != 1200 || DefaultRateLimitWindow != 5*time.Minute {
		t.Errorf("defaults: window %s, command limit %d per %s", m.mock.cfg.RateLimitWindow, DefaultRateLimit, DefaultRateLimitWindow)
	}
	for name, cfg := range map[string]Config{
		"negative limit":  {RateLimit: -1},
		"negative window": {RateLimit: 1, RateLimitWindow: -time.Second},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

// TestRateLimitConcurrent runs under -race: with the clock standing still, exactly the limit
// gets through however the requests interleave.
func TestRateLimitConcurrent(t *testing.T) {
	const limit, requests = 40, 100
	clock := newFakeClock()
	m := newMockAPI(t, Config{Now: clock.Now, RateLimit: limit})
	statuses := make([]int, requests)
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			statuses[i] = m.api(http.MethodGet, "/secrets_store/quota", "").status
		})
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[200] != limit || count[429] != requests-limit {
		t.Errorf("statuses %v, want %d×200 and %d×429", count, limit, requests-limit)
	}
}

// TestRateLimiterRefund covers the limiter on its own: refunds and the off switch.
func TestRateLimiterRefund(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newRateLimiter(2, time.Minute)
	if ok, _ := l.allow("a", t0); !ok {
		t.Fatal("first request refused")
	}
	if ok, _ := l.allow("a", t0.Add(time.Second)); !ok {
		t.Fatal("second request refused")
	}
	if ok, wait := l.allow("a", t0.Add(2*time.Second)); ok || wait != 58 {
		t.Fatalf("third: allowed %v, Retry-After %d; want refused, 58", ok, wait)
	}
	l.refund("a", t0.Add(time.Second))
	if ok, _ := l.allow("a", t0.Add(3*time.Second)); !ok {
		t.Error("refunded slot not given back")
	}
	l.refund("a", t0.Add(time.Hour)) // unknown time: no-op
	l.refund("b", t0)                // unknown token: no-op
	if ok, _ := l.allow("a", t0.Add(4*time.Second)); ok {
		t.Error("refund of a request never made freed a slot")
	}

	off := newRateLimiter(0, time.Minute)
	for range 10 {
		if ok, _ := off.allow("a", t0); !ok {
			t.Fatal("a limit of 0 refused a request")
		}
	}
}
