package cfclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"
)

// step is one scripted answer of a fake next: a status (with an optional Retry-After) or a
// transport error.
type step struct {
	status     int
	retryAfter string
	err        error
}

var errConnReset = fmt.Errorf("read tcp: %w", syscall.ECONNRESET)

// scriptedNext plays steps in order (repeating the last one) and records what it saw.
type scriptedNext struct {
	steps    []step
	attempts int
	bodies   []string
	times    []time.Time
	answered []*trackedBody
}

type trackedBody struct {
	io.Reader
	closed bool
}

func (b *trackedBody) Close() error { b.closed = true; return nil }

func (s *scriptedNext) next(req *http.Request) (*http.Response, error) {
	s.times = append(s.times, time.Now())
	if req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		s.bodies = append(s.bodies, string(body))
	}
	st := s.steps[min(s.attempts, len(s.steps)-1)]
	s.attempts++
	if st.err != nil {
		return nil, st.err
	}
	header := http.Header{}
	if st.retryAfter != "" {
		header.Set("Retry-After", st.retryAfter)
	}
	body := &trackedBody{Reader: strings.NewReader(`{"success":false}`)}
	s.answered = append(s.answered, body)
	return &http.Response{StatusCode: st.status, Header: header, Body: body, Request: req}, nil
}

func newRequest(ctx context.Context, t *testing.T, method, body string) *http.Request {
	t.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body) // NewRequest sets GetBody for a strings.Reader
	}
	req, err := http.NewRequestWithContext(ctx, method, "https://api.cloudflare.com/client/v4/accounts/x", reader)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestRetryMiddleware(t *testing.T) {
	tests := []struct {
		name         string
		method       string
		maxRetries   int
		steps        []step
		wantAttempts int
		wantStatus   int // 0: want a transport error
	}{
		{"429 then 200: retried", http.MethodGet, 3, []step{{status: 429, retryAfter: "0"}, {status: 200}}, 2, 200},
		{"429 on POST: retried, Cloudflare did not act on it", http.MethodPost, 3, []step{{status: 429, retryAfter: "0"}, {status: 200}}, 2, 200},
		{"503 then 200 on GET: retried", http.MethodGet, 3, []step{{status: 503}, {status: 200}}, 2, 200},
		{"502 on DELETE: retried", http.MethodDelete, 3, []step{{status: 502}, {status: 200}}, 2, 200},
		{"500 on PUT: retried", http.MethodPut, 3, []step{{status: 500}, {status: 200}}, 2, 200},
		{"503 on POST: not retried", http.MethodPost, 3, []step{{status: 503}, {status: 200}}, 1, 503},
		{"connection error on GET: retried", http.MethodGet, 3, []step{{err: errConnReset}, {status: 200}}, 2, 200},
		{"connection error on POST: not retried", http.MethodPost, 3, []step{{err: errConnReset}, {status: 200}}, 1, 0},
		{"404 not retried", http.MethodGet, 3, []step{{status: 404}, {status: 200}}, 1, 404},
		{"409 not retried", http.MethodPost, 3, []step{{status: 409}, {status: 200}}, 1, 409},
		{"maxRetries respected: 503 forever", http.MethodGet, 2, []step{{status: 503}}, 3, 503},
		{"maxRetries respected: 429 forever", http.MethodGet, 4, []step{{status: 429, retryAfter: "0"}}, 5, 429},
		{"maxRetries 0: no retry", http.MethodGet, 0, []step{{status: 429, retryAfter: "0"}, {status: 200}}, 1, 429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { // the fake clock makes the waits instant
				s := &scriptedNext{steps: tt.steps}
				body := ""
				if tt.method != http.MethodGet && tt.method != http.MethodDelete {
					body = `{"name":"x"}`
				}
				res, err := retryMiddleware(tt.maxRetries)(newRequest(t.Context(), t, tt.method, body), s.next)
				if s.attempts != tt.wantAttempts {
					t.Errorf("%d attempts, want %d", s.attempts, tt.wantAttempts)
				}
				switch {
				case tt.wantStatus == 0:
					if err == nil || !errors.Is(err, syscall.ECONNRESET) {
						t.Errorf("err = %v, want the connection error", err)
					}
				case err != nil:
					t.Errorf("err = %v, want status %d", err, tt.wantStatus)
				case res.StatusCode != tt.wantStatus:
					t.Errorf("status %d, want %d", res.StatusCode, tt.wantStatus)
				}
				for i, b := range s.answered {
					if last := i == len(s.answered)-1 && err == nil; !last && !b.closed {
						t.Errorf("answer %d was retried without closing its body", i+1)
					}
				}
				for i, got := range s.bodies {
					if got != body {
						t.Errorf("attempt %d sent body %q, want %q", i+1, got, body)
					}
				}
			})
		})
	}
}

func TestRetryMiddlewareWaits(t *testing.T) {
	tests := []struct {
		name     string
		steps    []step
		min, max time.Duration // the wait before the second attempt, [min, max)
	}{
		{"Retry-After honoured", []step{{status: 429, retryAfter: "2"}, {status: 200}}, 2 * time.Second, 2*time.Second + firstBackoff},
		{"Retry-After 0", []step{{status: 429, retryAfter: "0"}, {status: 200}}, 0, firstBackoff},
		{"no Retry-After: exponential from firstBackoff", []step{{status: 503}, {status: 200}}, firstBackoff / 2, firstBackoff},
		{"connection error: exponential", []step{{err: errConnReset}, {status: 200}}, firstBackoff / 2, firstBackoff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &scriptedNext{steps: tt.steps}
				if _, err := retryMiddleware(3)(newRequest(t.Context(), t, http.MethodGet, ""), s.next); err != nil {
					t.Fatal(err)
				}
				if len(s.times) != 2 {
					t.Fatalf("%d attempts, want 2", len(s.times))
				}
				if wait := s.times[1].Sub(s.times[0]); wait < tt.min || wait >= tt.max {
					t.Errorf("waited %v (fake clock), want in [%v, %v)", wait, tt.min, tt.max)
				}
			})
		})
	}
}

func TestRetryMiddlewareCancelledWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		s := &scriptedNext{steps: []step{{status: 429, retryAfter: "3600"}}}
		start := time.Now()
		type result struct {
			res *http.Response
			err error
		}
		done := make(chan result, 1)
		go func() {
			res, err := retryMiddleware(3)(newRequest(ctx, t, http.MethodGet, ""), s.next)
			done <- result{res, err}
		}()
		synctest.Wait() // waiting out the hour
		cancel()
		r := <-done
		if !errors.Is(r.err, context.Canceled) || r.res != nil {
			t.Errorf("got (%v, %v), want (nil, context.Canceled)", r.res, r.err)
		}
		if s.attempts != 1 {
			t.Errorf("%d attempts, want 1", s.attempts)
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("returned after %v (fake clock), want at once", waited)
		}
	})
}

func TestRetryMiddlewareCancelledRequestErrorNotRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := &scriptedNext{steps: []step{{err: context.Canceled}, {status: 200}}}
	if _, err := retryMiddleware(3)(newRequest(ctx, t, http.MethodGet, ""), s.next); err == nil {
		t.Error("want the error")
	}
	if s.attempts != 1 {
		t.Errorf("%d attempts, want 1", s.attempts)
	}
}

func TestRetryMiddlewareBodyThatCannotBeReplayed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		req := newRequest(t.Context(), t, http.MethodPut, "")
		req.Body = io.NopCloser(strings.NewReader("once"))
		req.GetBody = nil
		s := &scriptedNext{steps: []step{{status: 503}, {status: 200}}}
		res, err := retryMiddleware(3)(req, s.next)
		if err != nil || res.StatusCode != http.StatusServiceUnavailable || s.attempts != 1 {
			t.Errorf("got (%v, %v) after %d attempts, want the 503 after 1: a body that cannot be re-read is not resent", res, err, s.attempts)
		}
	})
}

func TestBackoff(t *testing.T) {
	withRetryAfter := func(v string) *http.Response {
		return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {v}}}
	}
	tests := []struct {
		name     string
		attempt  int
		res      *http.Response
		min, max time.Duration // [min, max)
	}{
		{"first retry, no answer", 0, nil, 250 * time.Millisecond, 500 * time.Millisecond},
		{"second retry", 1, nil, 500 * time.Millisecond, time.Second},
		{"third retry", 2, nil, time.Second, 2 * time.Second},
		{"capped at maxBackoff", 10, nil, maxBackoff / 2, maxBackoff},
		{"huge attempt stays capped", 200, nil, maxBackoff / 2, maxBackoff},
		{"answer without Retry-After", 1, &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}}, 500 * time.Millisecond, time.Second},
		{"Retry-After seconds", 0, withRetryAfter("7"), 7 * time.Second, 7*time.Second + firstBackoff},
		{"Retry-After 0", 3, withRetryAfter("0"), 0, firstBackoff},
		{"Retry-After not a number: exponential", 0, withRetryAfter("soon"), 250 * time.Millisecond, 500 * time.Millisecond},
		{"Retry-After negative: exponential", 0, withRetryAfter("-3"), 250 * time.Millisecond, 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			distinct := map[time.Duration]bool{}
			for range 500 {
				d := backoff(tt.attempt, tt.res)
				if d < tt.min || d >= tt.max {
					t.Fatalf("backoff = %v, want in [%v, %v)", d, tt.min, tt.max)
				}
				distinct[d] = true
			}
			if len(distinct) < 10 {
				t.Errorf("only %d distinct waits in 500 draws: no jitter", len(distinct))
			}
		})
	}
}

func TestRateLimitMiddleware(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limit := rateLimitMiddleware(rate.NewLimiter(rate.Limit(2), 3)) // 2/s, burst 3
		var calls int
		next := func(*http.Request) (*http.Response, error) { //nolint:unparam // an option.MiddlewareNext
			calls++
			return &http.Response{StatusCode: http.StatusOK}, nil
		}
		start := time.Now()
		for range 3 {
			if _, err := limit(newRequest(t.Context(), t, http.MethodGet, ""), next); err != nil {
				t.Fatal(err)
			}
		}
		if waited := time.Since(start); waited != 0 {
			t.Errorf("the burst waited %v, want nothing", waited)
		}
		if _, err := limit(newRequest(t.Context(), t, http.MethodGet, ""), next); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited != 500*time.Millisecond {
			t.Errorf("the fourth request went out after %v (fake clock), want 500ms at 2/s", waited)
		}

		// A request cancelled while waiting for a token is not sent, and gives its token back.
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			_, err := limit(newRequest(ctx, t, http.MethodGet, ""), next)
			done <- err
		}()
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled wait: err = %v, want context.Canceled", err)
		}
		if calls != 4 {
			t.Errorf("%d requests sent, want 4", calls)
		}
	})
}

// A 429 makes every request of the process wait out its Retry-After, then go on at the bucket's
// sustained rate rather than in a burst.
func TestRateLimitMiddlewarePausesAfter429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limit := rateLimitMiddleware(rate.NewLimiter(rate.Limit(10), 100)) // 10/s, burst 100
		var mu sync.Mutex
		var sent []time.Duration
		start := time.Now()
		next := func(*http.Request) (*http.Response, error) {
			mu.Lock()
			defer mu.Unlock()
			sent = append(sent, time.Since(start))
			if len(sent) == 1 {
				return &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"2"}}}, nil
			}
			return &http.Response{StatusCode: http.StatusOK}, nil
		}
		if res, _ := limit(newRequest(t.Context(), t, http.MethodGet, ""), next); res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("first request: %d, want the 429 passed on", res.StatusCode)
		}
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				if _, err := limit(newRequest(t.Context(), t, http.MethodGet, ""), next); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		slices.Sort(sent)
		// The pause ends at 2s; the bucket, emptied by the 429, lets one through every 100ms.
		want := []time.Duration{0, 2 * time.Second, 2100 * time.Millisecond, 2200 * time.Millisecond}
		if !slices.Equal(sent, want) {
			t.Errorf("requests went out at %v (fake clock), want %v", sent, want)
		}
	})
}

// Through a real client and a small HTTP server that answers scripted statuses. The POST used is
// CreateSecrets, the plain bulk create: CreateStore and CreateSecret reconcile an unknown
// outcome by listing (reconcile.go), which is not the retry middleware's doing.

type scriptedServer struct {
	*httptest.Server
	hits atomic.Int32
}

// answer is one scripted reply: a status with Retry-After: 0, or drop (close the connection).
type answer struct {
	status int
	drop   bool
}

func newScriptedServer(t *testing.T, answers ...answer) *scriptedServer {
	s := &scriptedServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.hits.Add(1))
		a := answers[min(n, len(answers))-1]
		if a.drop {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if a.status == http.StatusOK {
			result := `{"id":"abc","name":"default_secrets_store"}`
			if r.Method == http.MethodPost {
				result = `[{"id":"abc","name":"X","scopes":["workers"]}]`
			}
			_, _ = fmt.Fprintf(w, `{"success":true,"errors":[],"messages":[],"result":%s}`, result)
			return
		}
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(a.status)
		_, _ = fmt.Fprintf(w, `{"success":false,"errors":[{"code":%d,"message":"scripted"}],"messages":[],"result":null}`, a.status)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestRetryThroughClient(t *testing.T) {
	tests := []struct {
		name       string
		post       bool // CreateSecrets (POST) instead of GetStore (GET)
		maxRetries int
		answers    []answer
		wantHits   int
		wantStatus int  // 0: success or transport error
		wantErr    bool // with wantStatus 0: a transport error
	}{
		{"429 then 200", false, 3, []answer{{status: 429}, {status: 200}}, 2, 0, false},
		{"429 then 200 on POST", true, 3, []answer{{status: 429}, {status: 200}}, 2, 0, false},
		{"503 then 200 on GET", false, 3, []answer{{status: 503}, {status: 200}}, 2, 0, false},
		{"503 on POST is not retried", true, 3, []answer{{status: 503}, {status: 200}}, 1, 503, false},
		{"dropped connection on GET is retried", false, 3, []answer{{drop: true}, {status: 200}}, 2, 0, false},
		{"dropped connection on POST is not retried", true, 3, []answer{{drop: true}, {status: 200}}, 1, 0, true},
		{"maxRetries respected", false, 2, []answer{{status: 503}}, 3, 503, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each waits up to firstBackoff per retry (jitter on Retry-After: 0)
			srv := newScriptedServer(t, tt.answers...)
			c := New(Config{APIToken: "token", BaseURL: srv.URL + "/client/v4", MaxRetries: tt.maxRetries})
			var err error
			if tt.post {
				_, err = c.CreateSecrets(context.Background(), "account", "store", []NewSecret{{Name: "X", Value: "v", Scopes: []string{"workers"}}})
			} else {
				_, err = c.GetStore(context.Background(), "account", "abc")
			}
			if hits := int(srv.hits.Load()); hits != tt.wantHits {
				t.Errorf("server saw %d requests, want %d", hits, tt.wantHits)
			}
			switch {
			case tt.wantErr:
				var transportErr *TransportError
				if !errors.As(err, &transportErr) || !transportErr.Sent {
					t.Errorf("err = %v, want a transport error after the request was sent", err)
				}
				if _, isAPI := AsAPIError(err); isAPI {
					t.Errorf("a dropped connection became an APIError: %v", err)
				}
			case tt.wantStatus == 0:
				if err != nil {
					t.Errorf("err = %v, want success", err)
				}
			default:
				if apiErr, ok := AsAPIError(err); !ok || apiErr.Status != tt.wantStatus || !apiErr.Has(tt.wantStatus, "scripted") {
					t.Errorf("err = %v, want the scripted %d", err, tt.wantStatus)
				}
			}
		})
	}
}
