package cloudflaremock

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Fault injection makes the mock misbehave like a real API on a bad day, so a client's retries
// and its reconciliation of unknown outcomes can be tested. A FaultSet is a seed and a list of
// rules; each /client/v4 request is checked against the rules in order:
//
//   - a rule matches when its method ("*" for any) and its path glob match the request;
//   - every matching rule consumes one draw from a PRNG seeded with the set's seed
//     (math/rand/v2 PCG), and fires when the draw (uniform in [0,1)) is below its probability,
//     so probability 1 always fires and 0 never does;
//   - the first rule that fires decides the fault; later rules are not evaluated.
//
// The same seed and the same sequence of requests therefore give the same faults. Only
// /client/v4 requests are ever faulted (unknown paths under it included), never /__mock.
//
// The rate limit (Config.RateLimit, ratelimit.go) comes first, as Cloudflare's edge sits in front
// of its API: a request over the limit gets the real 429 and draws no fault. A request the limiter
// lets through counts against its token's window whatever its fault does (the edge saw it), except
// for an injected rate_limit, which is taken back: no 429 counts.
//
// The kinds, and what the client sees with each, are listed once, in faultKinds.
//
// The 5xx answers are Cloudflare envelopes with the mock's internal error code 1002 and a
// snake_case message: 500 "internal_error" (the same as a failed state save), 502 "bad_gateway",
// 503 "service_unavailable" (FACTS.md, Transport: server errors and faults); a client
// must not depend on them beyond the status.
//
// A faulted request is logged with `"fault":"<kind>"` and the status the client received, 0 for a
// dropped connection; drop_after and error_after also log `"handler_status"`, the status the
// handler produced, so a test can tell whether the change was applied (2xx) or refused.
//
// An injected latency keeps going when the client gives up: the request is then handled anyway,
// as a slow origin would, so a client timeout during an injected latency is one more unknown
// outcome. (Config.Latency, by contrast, serves nothing to a client that left.)

// FaultKind names what an injected fault does.
type FaultKind string

// The fault kinds. A new kind is a constant here and an entry in faultKinds, nothing more.
const (
	FaultRateLimit  FaultKind = "rate_limit"
	FaultError      FaultKind = "error"
	FaultLatency    FaultKind = "latency"
	FaultDropBefore FaultKind = "drop_before"
	FaultDropAfter  FaultKind = "drop_after"
	FaultErrorAfter FaultKind = "error_after"
)

// faultKind is everything the mock knows about one kind: the rule parameters it takes, its
// defaults, and what it does to a request.
type faultKind struct {
	kind FaultKind
	// takesStatus, takesRetryAfter and takesLatency name the parameters the kind accepts; a rule
	// that sets any other is refused, so a typo cannot pass silently.
	takesStatus, takesRetryAfter, takesLatency bool
	// complete fills in the kind's defaults and checks its parameters (nil: nothing to do).
	complete func(*FaultRule) error
	// inject records in v what the fault does to request r. It runs before the state lock is
	// taken, so it may wait.
	inject func(r *http.Request, rule FaultRule, v *verdict)
}

// faultKinds is the one list of kinds, in the order GET /__mock/faults reports them.
var faultKinds = []faultKind{
	// 429, code 971, `Retry-After: retry_after` (default 1 s); the handler does not run, and the
	// request does not count against its token's rate-limit window (no 429 does).
	{kind: FaultRateLimit, takesRetryAfter: true,
		complete: func(r *FaultRule) error { r.RetryAfter = cmp.Or(r.RetryAfter, 1); return nil },
		inject:   func(_ *http.Request, _ FaultRule, v *verdict) { v.refusal, v.refund = errRateLimited, true }},
	// Status 500, 502 or 503 (default 500) with an envelope error; the handler does not run.
	// `Retry-After` only when retry_after is set.
	{kind: FaultError, takesStatus: true, takesRetryAfter: true, complete: completeFaultStatus,
		inject: func(_ *http.Request, rule FaultRule, v *verdict) { v.refusal = faultErrors[rule.Status] }},
	// Waits `latency` (required), then the request is handled normally.
	{kind: FaultLatency, takesLatency: true,
		complete: func(r *FaultRule) error {
			if r.Latency <= 0 {
				return errors.New(`latency kind needs a positive latency such as "250ms"`)
			}
			return nil
		},
		inject: func(r *http.Request, rule FaultRule, _ *verdict) { waitFor(r.Context(), rule.Latency) }},
	// The connection closes without an answer; the handler does not run.
	{kind: FaultDropBefore, inject: func(_ *http.Request, _ FaultRule, v *verdict) { v.skip, v.drop = true, true }},
	// The handler runs and its change is saved, then the connection closes without an answer:
	// the client cannot tell whether it happened.
	{kind: FaultDropAfter, inject: func(_ *http.Request, _ FaultRule, v *verdict) { v.drop = true }},
	// The handler runs and its change is saved, then the client gets the 5xx of `error` anyway.
	{kind: FaultErrorAfter, takesStatus: true, takesRetryAfter: true, complete: completeFaultStatus,
		inject: func(_ *http.Request, rule FaultRule, v *verdict) { v.after = faultErrors[rule.Status] }},
}

// FaultKinds lists every kind of fault the mock can inject, so a test can cover them all.
func FaultKinds() []FaultKind {
	kinds := make([]FaultKind, len(faultKinds))
	for i, k := range faultKinds {
		kinds[i] = k.kind
	}
	return kinds
}

func kindOf(kind FaultKind) (faultKind, bool) {
	for _, k := range faultKinds {
		if k.kind == kind {
			return k, true
		}
	}
	return faultKind{}, false
}

// completeFaultStatus defaults an error kind's status to 500 and allows the three 5xx answers.
func completeFaultStatus(r *FaultRule) error {
	r.Status = cmp.Or(r.Status, http.StatusInternalServerError)
	if faultErrors[r.Status] == nil {
		return errors.New("status must be 500, 502 or 503")
	}
	return nil
}

// FaultSet is the whole fault configuration: the JSON of `PUT /__mock/faults` and of the
// command's -faults file, and Config.Faults.
type FaultSet struct {
	Seed  uint64      `json:"seed"`
	Rules []FaultRule `json:"rules"`
}

// FaultRule is one rule. In JSON:
//
//		{"method":"POST","path":"/accounts/*/secrets_store/stores/*/secrets","probability":0.3,
//		 "kind":"error_after","status":503,"retry_after":2,"latency":"250ms"}
//
//	  - method: an HTTP method or "*" (the default); compared case-insensitively.
//	  - path: a glob over the path under /client/v4 (a leading /client/v4 is dropped), default
//	    "/**". Segments are separated by "/"; a segment "**" matches any number of segments (zero
//	    included); any other segment is a path.Match pattern for exactly one non-empty segment,
//	    so "*" is any one segment and "secret*" a segment starting with "secret".
//	  - probability: required, 0 to 1.
//	  - kind: one of the FaultKind values.
//	  - status: an HTTP status, for the kinds that take one (faultKinds says which and their
//	    defaults).
//	  - retry_after: seconds for the Retry-After header, for the kinds that take it.
//	  - latency: a Go duration string such as "250ms", for the kinds that take it.
//
// A parameter given to a kind it does not apply to is an error, so a typo cannot pass silently.
type FaultRule struct {
	Method      string
	Path        string
	Probability float64
	Kind        FaultKind
	Status      int
	RetryAfter  int
	Latency     time.Duration
}

// faultRuleJSON is FaultRule on the wire; Probability is a pointer so a missing one is an error
// rather than a rule that never fires.
type faultRuleJSON struct {
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Probability *float64  `json:"probability"`
	Kind        FaultKind `json:"kind"`
	Status      int       `json:"status,omitempty"`
	RetryAfter  int       `json:"retry_after,omitempty"`
	Latency     string    `json:"latency,omitempty"`
}

// MarshalJSON writes the rule as the control API shows it.
func (r FaultRule) MarshalJSON() ([]byte, error) {
	w := faultRuleJSON{Method: r.Method, Path: r.Path, Probability: &r.Probability, Kind: r.Kind,
		Status: r.Status, RetryAfter: r.RetryAfter}
	if r.Latency != 0 {
		w.Latency = r.Latency.String()
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a rule strictly: unknown fields are errors. Validation is ParseFaults's job.
func (r *FaultRule) UnmarshalJSON(data []byte) error {
	rule, err := decodeRule(data)
	if err != nil {
		return err
	}
	*r = rule
	return nil
}

func decodeRule(data []byte) (FaultRule, error) {
	var w faultRuleJSON
	if err := strictJSON(data, &w); err != nil {
		return FaultRule{}, err
	}
	if w.Probability == nil {
		return FaultRule{}, errors.New("probability is missing (0 to 1)")
	}
	r := FaultRule{Method: w.Method, Path: w.Path, Probability: *w.Probability, Kind: w.Kind,
		Status: w.Status, RetryAfter: w.RetryAfter}
	if w.Latency != "" {
		d, err := time.ParseDuration(w.Latency)
		if err != nil {
			return FaultRule{}, errors.New(`latency is not a duration such as "250ms"`)
		}
		r.Latency = d
	}
	return r, nil
}

// ParseFaults reads and validates a FaultSet from JSON, as `PUT /__mock/faults` and the command's
// -faults flag do, filling in defaults. Error messages name fields and rule numbers and never
// echo the input.
func ParseFaults(data []byte) (FaultSet, error) {
	var wire struct {
		Seed  uint64            `json:"seed"`
		Rules []json.RawMessage `json:"rules"`
	}
	if err := strictJSON(data, &wire); err != nil {
		return FaultSet{}, err
	}
	set := FaultSet{Seed: wire.Seed}
	for i, raw := range wire.Rules {
		r, err := decodeRule(raw)
		if err != nil {
			return FaultSet{}, fmt.Errorf("fault rule %d: %w", i+1, err)
		}
		set.Rules = append(set.Rules, r)
	}
	return set.normalized()
}

// strictJSON decodes one JSON value, refusing unknown fields and trailing data, with error
// messages that carry no input.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(new(json.RawMessage)) != io.EOF {
		return errors.New("faults JSON has data after its one value")
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typeErr):
		return fmt.Errorf("faults JSON: field %q has the wrong type", typeErr.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return errors.New("faults JSON has an unknown field (a set has seed and rules; a rule has method, path, " +
			"probability, kind, status, retry_after and latency)")
	default:
		return errors.New("faults JSON is not valid JSON")
	}
}

// normalized validates the set and fills in defaults.
func (set FaultSet) normalized() (FaultSet, error) {
	out := FaultSet{Seed: set.Seed, Rules: make([]FaultRule, 0, len(set.Rules))}
	for i, r := range set.Rules {
		n, err := r.normalized()
		if err != nil {
			return FaultSet{}, fmt.Errorf("fault rule %d: %w", i+1, err)
		}
		out.Rules = append(out.Rules, n)
	}
	return out, nil
}

func (r FaultRule) normalized() (FaultRule, error) {
	r.Method = strings.ToUpper(r.Method)
	if r.Method == "" {
		r.Method = "*"
	}
	if strings.ContainsAny(r.Method, " \t\r\n/") {
		return r, errors.New(`method must be an HTTP method or "*"`)
	}
	if r.Path == "" {
		r.Path = "/**"
	}
	if p, cut := strings.CutPrefix(r.Path, apiPrefix); cut && (p == "" || strings.HasPrefix(p, "/")) {
		r.Path = p
		if p == "" {
			r.Path = "/"
		}
	}
	if _, err := compileGlob(r.Path); err != nil {
		return r, err
	}
	if !(r.Probability >= 0 && r.Probability <= 1) {
		return r, errors.New("probability must be between 0 and 1")
	}
	k, known := kindOf(r.Kind)
	if !known {
		names := make([]string, 0, len(faultKinds))
		for _, k := range faultKinds {
			names = append(names, string(k.kind))
		}
		return r, errors.New("kind must be one of " + strings.Join(names, ", "))
	}
	switch {
	case r.Status != 0 && !k.takesStatus:
		return r, fmt.Errorf("status does not apply to the %s kind", k.kind)
	case r.RetryAfter < 0:
		return r, errors.New("retry_after must not be negative")
	case r.RetryAfter != 0 && !k.takesRetryAfter:
		return r, fmt.Errorf("retry_after does not apply to the %s kind", k.kind)
	case r.Latency != 0 && !k.takesLatency:
		return r, fmt.Errorf("latency does not apply to the %s kind", k.kind)
	}
	if k.complete != nil {
		if err := k.complete(&r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// compileGlob splits a path glob into segments and checks each one.
func compileGlob(pattern string) ([]string, error) {
	if !strings.HasPrefix(pattern, "/") {
		return nil, errors.New(`path must start with "/"`)
	}
	segments := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	for _, seg := range segments {
		if seg != "**" && strings.Contains(seg, "**") {
			return nil, errors.New(`"**" must be a whole path segment`)
		}
		if _, err := path.Match(seg, ""); err != nil {
			return nil, errors.New("path has a malformed glob segment")
		}
	}
	return segments, nil
}

// globMatch reports whether the path segments match the pattern segments.
func globMatch(pattern, segments []string) bool {
	for len(pattern) > 0 {
		if pattern[0] == "**" {
			for i := 0; i <= len(segments); i++ {
				if globMatch(pattern[1:], segments[i:]) {
					return true
				}
			}
			return false
		}
		if len(segments) == 0 || (segments[0] == "" && pattern[0] != "") {
			return false
		}
		if matched, _ := path.Match(pattern[0], segments[0]); !matched {
			return false
		}
		pattern, segments = pattern[1:], segments[1:]
	}
	return len(segments) == 0
}

// faultErrors are the 5xx answers of the error kinds (see the top of this file).
var faultErrors = map[int]*apiError{
	http.StatusInternalServerError: errSaveFailed, // 1002 internal_error
	http.StatusBadGateway:          fail(http.StatusBadGateway, 1002, "bad_gateway"),
	http.StatusServiceUnavailable:  fail(http.StatusServiceUnavailable, 1002, "service_unavailable"),
}

// faultInjector holds the active rules, the PRNG and the counts. Its own mutex keeps the draw
// order equal to the order requests reach it, and keeps an injected latency from holding the
// state lock.
type faultInjector struct {
	mu       sync.Mutex
	set      FaultSet
	globs    [][]string
	rng      *rand.Rand
	injected map[FaultKind]int
}

func newFaultInjector(set FaultSet) *faultInjector {
	f := &faultInjector{}
	f.replace(set)
	return f
}

// replace installs a normalized set, restarts the PRNG from its seed and zeroes the counts.
func (f *faultInjector) replace(set FaultSet) {
	globs := make([][]string, len(set.Rules))
	for i, r := range set.Rules {
		globs[i], _ = compileGlob(r.Path) // normalized: cannot fail
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.set = FaultSet{Seed: set.Seed, Rules: append([]FaultRule{}, set.Rules...)}
	f.globs = globs
	// PCG needs two words of seed; the second is fixed so the one-number seed decides everything.
	f.rng = rand.New(rand.NewPCG(set.Seed, 0x6d6f636b6661756c)) // "mockfaul"
	f.injected = map[FaultKind]int{}
}

// decide draws the fault for one request, if any, and counts it.
func (f *faultInjector) decide(method, apiPath string) (FaultRule, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.set.Rules) == 0 {
		return FaultRule{}, false
	}
	if apiPath == "" {
		apiPath = "/"
	}
	segments := strings.Split(strings.TrimPrefix(apiPath, "/"), "/")
	for i, r := range f.set.Rules {
		if (r.Method != "*" && r.Method != method) || !globMatch(f.globs[i], segments) {
			continue
		}
		if f.rng.Float64() < r.Probability {
			f.injected[r.Kind]++
			return r, true
		}
	}
	return FaultRule{}, false
}

// faultsView is the answer of GET /__mock/faults.
type faultsView struct {
	Seed     uint64            `json:"seed"`
	Rules    []FaultRule       `json:"rules"`
	Injected map[FaultKind]int `json:"injected"`
}

func (f *faultInjector) view() faultsView {
	f.mu.Lock()
	defer f.mu.Unlock()
	v := faultsView{Seed: f.set.Seed, Rules: append([]FaultRule{}, f.set.Rules...), Injected: map[FaultKind]int{}}
	for _, k := range faultKinds {
		v.Injected[k.kind] = f.injected[k.kind]
	}
	return v
}

// verdict is what happens to an API request around its handler: Cloudflare's rate limit
// (ratelimit.go) and an injected fault.
type verdict struct {
	fault FaultKind // "" when no fault fired
	// refusal answers instead of the handler (a 429 or an injected error).
	refusal *apiError
	// after answers instead of what the handler produced, once it has run (error_after).
	after      *apiError
	retryAfter int  // seconds; a Retry-After header when > 0
	skip       bool // the handler does not run
	drop       bool // close the connection without answering
	refund     bool // the request does not count against its token's rate-limit window
}

// admit applies the rate limit and draws a fault for a request under /client/v4 (apiPath is the
// part after the prefix). It runs before the state lock is taken, and waits out an injected
// latency.
func (s *Server) admit(r *http.Request, apiPath string) verdict {
	token, tokenErr := bearerToken(r.Header)
	counted := tokenErr == nil
	var at time.Time
	if counted { // requests without a usable token belong to no one: nothing to count them against
		at = s.cfg.Now()
		if allowed, wait := s.limiter.allow(token, at); !allowed {
			return verdict{refusal: errRateLimited, retryAfter: wait}
		}
	}
	rule, fired := s.faults.decide(r.Method, apiPath)
	if !fired {
		return verdict{}
	}
	v := verdict{fault: rule.Kind, retryAfter: rule.RetryAfter}
	k, _ := kindOf(rule.Kind) // the rule was normalized: its kind is known
	k.inject(r, rule, &v)
	if v.refund && counted {
		s.limiter.refund(token, at)
	}
	return v
}

// runsHandler reports whether the request reaches its handler.
func (v verdict) runsHandler() bool { return v.refusal == nil && !v.skip }

// replace turns the handler's outcome into what the client gets: a refusal, the 5xx of
// error_after, or nothing at all for a dropped connection (status 0 in the log).
func (v verdict) replace(rep reply, apiErr *apiError) (reply, *apiError) {
	switch {
	case v.refusal != nil:
		return reply{}, v.refusal
	case v.after != nil:
		return reply{}, v.after
	case v.drop:
		return reply{}, nil
	}
	return rep, apiErr
}

// logged adds the fault to a request log entry; handled is the status the handler produced,
// logged when the handler ran but the client did not get its answer.
func (v verdict) logged(entry loggedRequest, handled int) loggedRequest {
	entry.Fault = string(v.fault)
	if v.runsHandler() && (v.after != nil || v.drop) {
		entry.HandlerStatus = handled
	}
	return entry
}

// statusOf is the status of an outcome: the error's, else the reply's (0 for no answer).
func statusOf(rep reply, apiErr *apiError) int {
	if apiErr != nil {
		return apiErr.status
	}
	return rep.status
}

// waitFor waits d, or less when ctx ends first.
func waitFor(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// dropConnection closes the client's connection without a byte of answer. The rest of the body
// is read first: closing a socket with unread data makes the kernel send a reset, and the client
// should see a plain end of stream (io.EOF), as when a proxy gives up.
func dropConnection(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, maxBodyBytes))
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 connections cannot be hijacked: aborting the handler resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// The fault control routes (control.go lists them):
//
//	PUT    /__mock/faults   body {"seed":N,"rules":[...]}: replaces the set, restarts the PRNG from
//	                        the seed, zeroes the counts; answers as GET; a bad set is 400
//	                        {"error":"..."} and changes nothing
//	GET    /__mock/faults   {"seed":N,"rules":[...normalized, defaults filled in...],
//	                        "injected":{"<kind>":N,...}}, a count for every kind
//	DELETE /__mock/faults   no rules, seed 0, counts zeroed; answers {"ok":true}
//
// POST /__mock/reset leaves the faults alone: they are configuration, like Config.

// maxFaultsBody bounds a PUT /__mock/faults body.
const maxFaultsBody = 1 << 20

func (s *Server) putFaultsControl(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxFaultsBody+1))
	if err != nil || len(data) > maxFaultsBody {
		writeJSON(w, http.StatusBadRequest, controlError{Error: "faults body unreadable or larger than 1 MiB"})
		return
	}
	set, err := ParseFaults(data)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, controlError{Error: err.Error()})
		return
	}
	s.faults.replace(set)
	writeJSON(w, http.StatusOK, s.faults.view())
}

func (s *Server) getFaultsControl(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.faults.view())
}

func (s *Server) deleteFaultsControl(w http.ResponseWriter, _ *http.Request) {
	s.faults.replace(FaultSet{})
	writeJSON(w, http.StatusOK, okBody)
}
