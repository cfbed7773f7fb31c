// Package cloudflaremock is a stateful, in-memory Cloudflare API server for tests and local runs.
// It answers the Secrets Store, Workers and API token routes under /client/v4 the way Cloudflare
// does, following FACTS.md beside this file (what Cloudflare does, with sources, and which rules
// are the mock's own; comments cite its sections as "FACTS.md, <section>"), and serves a few
// /__mock routes that let a test reset state, read the request log and check which value was
// written without the API ever returning it.
//
// What it promises:
//   - A secret value is kept (in memory and, with Config.StateFile, in a 0600 state file) but is
//     never returned by a /client/v4 route, never written to the request log and never part of an
//     error message. Only its SHA-256 leaves the server, through /__mock.
//   - The request log holds method, path, query, status and time (and an injected fault's kind):
//     never bodies, never headers.
//   - A secret's `modified` strictly increases on every change, even when the clock stands still.
//   - Every answer is a JSON envelope, also on DELETE and on errors (a dropped connection, an
//     injected fault, answers nothing at all).
//
// On request it also misbehaves like the real API: Cloudflare's rate limit per token
// (Config.RateLimit, ratelimit.go), added latency (Config.Latency) and injected faults, from 429s
// and 5xx to connections dropped before or after a change is applied (Config.Faults and
// /__mock/faults, faults.go).
//
// Each area of the API lives in its own file (stores.go, secrets.go) and contributes a route
// table; every route declares the permission it needs, checked by Server.authorize.
package cloudflaremock

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// DefaultAccountID is the account the admin token can reach unless Config says otherwise.
	DefaultAccountID = "0123456789abcdef0123456789abcdef"
	// DefaultAdminToken holds every permission on the configured account.
	DefaultAdminToken = "mock-admin-token"

	// defaultSecretsQuota is the beta limit of 100 secrets per account (FACTS.md, Secrets: quota
	// and limits).
	defaultSecretsQuota = 100

	apiPrefix     = "/client/v4"
	controlPrefix = "/__mock"

	// maxBodyBytes bounds what a request may send: a full bulk create of 100 secrets of 64 KiB
	// each, with room for names and JSON escaping.
	maxBodyBytes = 16 << 20
)

// Config sets up a Server. The zero value is a working server on DefaultAccountID.
type Config struct {
	AccountID    string // default DefaultAccountID
	AdminToken   string // default DefaultAdminToken: holds every permission on AccountID
	SecretsQuota int    // default 100 (per account, beta quota)
	StateFile    string // optional: load at New, save after every change atomically (write temp + rename)
	// Latency is an optional delay before every /client/v4 request is handled (benchmarks: the
	// command's -latency). A client that gives up while waiting is served nothing and not logged.
	Latency time.Duration
	// RateLimit is Cloudflare's per-user limit, enforced per bearer token: at most RateLimit
	// requests in any RateLimitWindow, then 429 code 971 with Retry-After (ratelimit.go). 0, the
	// default, is off; DefaultRateLimit is Cloudflare's 1200.
	RateLimit       int
	RateLimitWindow time.Duration // default DefaultRateLimitWindow (5 minutes)
	// Faults are injected faults active from the start (faults.go); /__mock/faults replaces them.
	Faults FaultSet
	Now    func() time.Time // injectable clock; default time.Now
}

var hexID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (c Config) withDefaults() (Config, error) {
	if c.AccountID == "" {
		c.AccountID = DefaultAccountID
	}
	if !hexID.MatchString(c.AccountID) {
		return c, fmt.Errorf("account id must be 32 lowercase hex characters, like Cloudflare's")
	}
	if c.AdminToken == "" {
		c.AdminToken = DefaultAdminToken
	}
	if strings.ContainsAny(c.AdminToken, " \t\r\n") {
		return c, fmt.Errorf("admin token must not contain whitespace: it travels in an Authorization header")
	}
	if c.SecretsQuota == 0 {
		c.SecretsQuota = defaultSecretsQuota
	}
	if c.SecretsQuota < 0 {
		return c, fmt.Errorf("secrets quota must not be negative, got %d", c.SecretsQuota)
	}
	if c.Latency < 0 {
		return c, fmt.Errorf("latency must not be negative, got %s", c.Latency)
	}
	if c.RateLimit < 0 {
		return c, fmt.Errorf("rate limit must not be negative, got %d", c.RateLimit)
	}
	if c.RateLimitWindow == 0 {
		c.RateLimitWindow = DefaultRateLimitWindow
	}
	if c.RateLimitWindow < 0 {
		return c, fmt.Errorf("rate limit window must be positive, got %s", c.RateLimitWindow)
	}
	var err error
	if c.Faults, err = c.Faults.normalized(); err != nil {
		return c, err
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// Server is the mock. It is an http.Handler and safe for concurrent use: one mutex guards the
// state and the request log, and every API request runs its handler while holding it.
type Server struct {
	cfg     Config
	paths   []*pathRoutes // immutable after New, read without the lock
	control *http.ServeMux
	// limiter and faults decide before the state lock is taken, each under its own mutex.
	limiter *rateLimiter
	faults  *faultInjector

	mu    sync.Mutex
	state *state
	log   []LoggedRequest
}

// New builds a Server, loading Config.StateFile when it is set (a missing file is an empty state).
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("cloudflaremock: %w", err)
	}
	s := &Server{cfg: cfg, state: newState(), limiter: newRateLimiter(cfg.RateLimit, cfg.RateLimitWindow),
		faults: newFaultInjector(cfg.Faults)}
	if cfg.StateFile != "" {
		if s.state, err = loadState(cfg.StateFile); err != nil {
			return nil, fmt.Errorf("cloudflaremock: %w", err)
		}
	}
	// One line per area (stores.go, secrets.go, tokens_routes.go, workers.go).
	for _, area := range [][]route{
		s.storeRoutes(),
		s.secretRoutes(),
		s.tokenRoutes(),
		s.workerRoutes(),
	} {
		for _, rt := range area {
			s.addRoute(rt)
		}
	}
	s.control = s.controlMux()
	return s, nil
}

// AccountID is the account the admin token reaches.
func (s *Server) AccountID() string { return s.cfg.AccountID }

// AdminToken is the bearer token that holds every permission on AccountID.
func (s *Server) AdminToken() string { return s.cfg.AdminToken }

// ServeHTTP answers /__mock control routes and, for every other path, the Cloudflare API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == controlPrefix || strings.HasPrefix(r.URL.Path, controlPrefix+"/") {
		s.control.ServeHTTP(w, r)
		return
	}
	s.serveAPI(w, r)
}

// route is one method on one path of the API.
type route struct {
	method string
	// pattern is the path under /client/v4; a {name} segment captures that segment.
	pattern string
	// permission is what the caller's token must hold (see authorize).
	permission string
	// handle runs with s.mu held and must not change state before it has validated everything.
	handle func(*call) (reply, *apiError)
}

// pathRoutes groups the routes sharing one pattern, so a known path with an unknown method is a
// 405 rather than a 404.
type pathRoutes struct {
	segments []string
	literals int
	methods  map[string]route
}

func (s *Server) addRoute(rt route) {
	segments := strings.Split(strings.TrimPrefix(rt.pattern, "/"), "/")
	for _, p := range s.paths {
		if strings.Join(p.segments, "/") == strings.Join(segments, "/") {
			if _, dup := p.methods[rt.method]; dup {
				panic("cloudflaremock: route registered twice: " + rt.method + " " + rt.pattern)
			}
			p.methods[rt.method] = rt
			return
		}
	}
	literals := 0
	for _, seg := range segments {
		if !isWildcard(seg) {
			literals++
		}
	}
	s.paths = append(s.paths, &pathRoutes{segments: segments, literals: literals, methods: map[string]route{rt.method: rt}})
}

func isWildcard(segment string) bool {
	return strings.HasPrefix(segment, "{") && strings.HasSuffix(segment, "}")
}

// match finds the route for a path under /client/v4. When several patterns fit, the one with
// more literal segments wins, so a fixed path such as .../tokens/verify beats .../tokens/{id}.
func (s *Server) match(method, path string) (route, map[string]string, *apiError) {
	if !strings.HasPrefix(path, "/") {
		return route{}, nil, errNoRoute(path)
	}
	segments := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best *pathRoutes
	var bestParams map[string]string
	for _, p := range s.paths {
		params, ok := p.capture(segments)
		if ok && (best == nil || p.literals > best.literals) {
			best, bestParams = p, params
		}
	}
	if best == nil {
		return route{}, nil, errNoRoute(path)
	}
	rt, ok := best.methods[method]
	if !ok {
		return route{}, nil, errMethodNotAllowed
	}
	return rt, bestParams, nil
}

func (p *pathRoutes) capture(segments []string) (map[string]string, bool) {
	if len(segments) != len(p.segments) {
		return nil, false
	}
	params := map[string]string{}
	for i, want := range p.segments {
		switch {
		case isWildcard(want):
			if segments[i] == "" {
				return nil, false
			}
			params[strings.Trim(want, "{}")] = segments[i]
		case want != segments[i]:
			return nil, false
		}
	}
	return params, true
}

// call is one API request as a handler sees it.
type call struct {
	req    *http.Request
	params map[string]string
	body   []byte
	// grant is what the caller's token may do; handlers with checks beyond the route's own
	// permission (the Workers binding check) consult it.
	grant grant
}

func (c *call) accountID() string { return c.params["account_id"] }

// LoggedRequest is one entry of the request log (GET /__mock/requests, ControlClient.Requests):
// deliberately no body and no header, since both can carry a secret value or a token.
type LoggedRequest struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query"`
	Status int    `json:"status"` // what the client got; 0 when an injected fault dropped the connection
	Time   string `json:"time"`
	// Fault is the kind of fault injected into this request (faults.go); absent when none.
	Fault string `json:"fault,omitempty"`
	// HandlerStatus is, for drop_after and error_after faults, the status the handler produced
	// before the fault hid it: 2xx means the change was applied.
	HandlerStatus int `json:"handler_status,omitempty"`
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if !s.delay(r.Context()) {
		return // the client went away while we waited: nothing served, nothing logged
	}
	rep, apiErr, v := s.answer(r)
	if v.drop {
		dropConnection(w, r)
		return
	}
	if v.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(v.retryAfter))
	}
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if raw, isRaw := rep.result.(rawBody); isRaw { // a Worker's script content (workers.go)
		raw.write(w, rep.status)
		return
	}
	writeReply(w, rep)
}

// answer routes, authenticates, runs the handler, saves and logs. Routing comes before auth: an
// unknown path is a 404 with or without a token. The rate limit and injected faults (the verdict)
// take precedence over all of it, as Cloudflare's edge does; a fault that fails a request after the
// fact (drop_after, error_after) lets the handler run and save under the lock first, and only
// changes what the client is told.
func (s *Server) answer(r *http.Request) (reply, *apiError, verdict) {
	var rt route
	var params map[string]string
	var token string
	var body []byte
	path, underAPI := strings.CutPrefix(r.URL.Path, apiPrefix)
	underAPI = underAPI && (path == "" || strings.HasPrefix(path, "/"))
	apiErr := errNoRoute(r.URL.Path)
	if underAPI {
		rt, params, apiErr = s.match(r.Method, path)
	}
	if apiErr == nil {
		token, apiErr = bearerToken(r.Header)
	}
	if apiErr == nil {
		body, apiErr = readBody(r)
	}
	var v verdict
	if underAPI {
		v = s.admit(r, path) // may wait out an injected latency: before the lock
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var rep reply
	if apiErr == nil && v.runsHandler() {
		rep, apiErr = s.serveRoute(rt, &call{req: r, params: params, body: body}, token)
	}
	handled := statusOf(rep, apiErr)
	rep, apiErr = v.replace(rep, apiErr)
	if underAPI {
		s.log = append(s.log, v.logged(LoggedRequest{
			Method: r.Method,
			Path:   r.URL.Path,
			Query:  r.URL.RawQuery,
			Status: statusOf(rep, apiErr),
			Time:   formatTime(s.now()),
		}, handled))
	}
	return rep, apiErr, v
}

// serveRoute runs with s.mu held.
func (s *Server) serveRoute(rt route, c *call, token string) (reply, *apiError) {
	g, apiErr := s.authorize(token, rt, c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	c.grant = g
	rep, apiErr := rt.handle(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	if rt.method != http.MethodGet {
		// The change stays in memory; the 500 tells the client it may not survive a restart.
		if err := s.persist(); err != nil {
			return reply{}, errSaveFailed
		}
	}
	return rep, nil
}

// delay waits the configured latency; false when the request ended first.
func (s *Server) delay(ctx context.Context) bool {
	return s.cfg.Latency <= 0 || waitFor(ctx, s.cfg.Latency)
}

// readBody reads the whole body whatever its Content-Type: Wrangler sends JSON as text/plain
// (FACTS.md, Transport: request bodies).
func readBody(r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, errInvalidJSON
	}
	if len(body) > maxBodyBytes {
		return nil, errBodyTooLarge
	}
	return body, nil
}

// now is the injected clock in UTC at microsecond precision, the precision timestamps are
// written with, so a stored time and its JSON form always agree.
func (s *Server) now() time.Time {
	return s.cfg.Now().UTC().Truncate(time.Microsecond)
}

// timeFormat is RFC 3339 in UTC with microseconds, as Cloudflare writes Secrets Store times.
const timeFormat = "2006-01-02T15:04:05.000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// nextModified is the `modified` time for a change made at now. Clients detect out-of-band
// changes by `modified` alone (FACTS.md, Secrets: shape), so
// when the clock has not moved past the previous value it advances by one microsecond.
func nextModified(previous, now time.Time) time.Time {
	if now.After(previous) {
		return now
	}
	return previous.Add(time.Microsecond)
}

// sha256Hex is the hex SHA-256 of s: all the mock keeps of a token's value, and all its control
// route shows of a secret's.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newID is a random 32-character lowercase hex id, the shape of Cloudflare's store and secret ids.
func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
