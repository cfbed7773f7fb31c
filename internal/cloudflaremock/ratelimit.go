package cloudflaremock

import (
	"crypto/sha256"
	"math"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Cloudflare's global API rate limit (FACTS.md, Transport: rate limit): 1200 requests per 5 minutes
// per user; over it, 429 with code 971 and `Retry-After: <seconds>`.
const (
	// DefaultRateLimit is Cloudflare's published limit, what the command enforces unless told
	// otherwise. The library leaves Config.RateLimit at 0 (off) so unit tests never meet it.
	DefaultRateLimit = 1200
	// DefaultRateLimitWindow is the period DefaultRateLimit applies to.
	DefaultRateLimitWindow = 5 * time.Minute
)

var errRateLimited = fail(http.StatusTooManyRequests, 971, "Please wait and consider throttling your request speed")

// rateLimiter enforces Config.RateLimit per bearer token.
//
// It keeps a sliding log: the times of the requests each token made in the last window. A request
// is allowed while fewer than limit requests fall in the window that ends at it. This is the
// strict reading of "1200 requests per 5 minutes": no 5-minute span, wherever it starts, holds
// more than 1200 requests. A fixed window (a counter reset every 5 minutes) would let a client
// send 2400 requests in a few seconds across a window boundary and pass the mock, then meet 429s
// from the real API, whose window phase it cannot know; a client that stays within the sliding
// log stays within a fixed window of any phase too. The log also gives an exact Retry-After: the
// time until the oldest request in the window leaves it. Memory is at most limit timestamps per
// token.
//
// Budgets are keyed by the SHA-256 of the token, so the limiter holds no token value, and apply
// to every token presented, the admin token and unknown tokens alike (Cloudflare counts per user;
// the mock's unit of identity is the token). A refused request is not recorded, so hammering a
// limited token does not push its recovery further away.
type rateLimiter struct {
	limit  int // 0: off
	window time.Duration

	mu   sync.Mutex
	hits map[[sha256.Size]byte][]time.Time // per token, oldest first, all within the window
}

func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, hits: map[[sha256.Size]byte][]time.Time{}}
}

// allow records a request by token at now and reports true, or, when the token has used its
// budget, records nothing and reports how many whole seconds (rounded up, at least 1) until a
// request would be allowed again.
func (l *rateLimiter) allow(token string, now time.Time) (bool, int) {
	if l.limit <= 0 {
		return true, 0
	}
	key := sha256.Sum256([]byte(token))
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := l.expire(key, now)
	if len(hits) < l.limit {
		l.hits[key] = append(hits, now)
		return true, 0
	}
	wait := hits[0].Add(l.window).Sub(now) // > 0: expire kept only hits still in the window
	return false, max(1, int(math.Ceil(wait.Seconds())))
}

// refund takes back a request allow recorded at when: an injected rate_limit fault answers as the
// limiter would, and the limiter's own refusals do not count either.
func (l *rateLimiter) refund(token string, when time.Time) {
	if l.limit <= 0 {
		return
	}
	key := sha256.Sum256([]byte(token))
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := l.hits[key]
	// Concurrent requests may have been recorded since: take back the latest hit at that time.
	for i := len(hits) - 1; i >= 0; i-- {
		if hits[i].Equal(when) {
			l.hits[key] = slices.Delete(hits, i, i+1)
			break
		}
	}
	if len(l.hits[key]) == 0 {
		delete(l.hits, key)
	}
}

// expire drops the token's hits that have left the window ending at now and returns the rest. It
// runs with l.mu held.
func (l *rateLimiter) expire(key [sha256.Size]byte, now time.Time) []time.Time {
	hits := l.hits[key]
	keep := 0
	for keep < len(hits) && !hits[keep].Add(l.window).After(now) {
		keep++
	}
	hits = hits[keep:]
	if len(hits) == 0 {
		delete(l.hits, key)
		return nil
	}
	return hits
}

// reset forgets every budget (POST /__mock/reset).
func (l *rateLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.hits)
}
