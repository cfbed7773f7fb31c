package cfclient

import (
	"net/http"
	"sync"
	"time"

	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// Cloudflare allows 1,200 requests per 5 minutes per user. A token bucket refilled at r per second
// with room for b lets through at most b + r*300 requests in any 5 minutes, so 3/s with a burst
// of 300 can never exceed the limit, while a plan's few dozen requests go out at once.
const (
	DefaultRequestsPerSecond = 3.0
	DefaultBurst             = 300
)

// rateLimitMiddleware makes every attempt, retries included, wait for a token from the provider
// instance's one bucket, and for the pause a 429 starts.
//
// The bucket only knows this process's requests. The budget is per user, so an earlier apply in
// the same 5 minutes, another environment planned alongside, or wrangler with the same token can
// spend it; the first 429 then tells every request of this process: wait out Retry-After, and
// go on at the bucket's sustained rate, not in a burst. Without that, each parallel request
// would spend its own retries meeting 429 after 429 while the others take the freed budget.
func rateLimitMiddleware(limiter *rate.Limiter) option.Middleware {
	var gate pause
	return func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		if err := gate.wait(req, limiter); err != nil {
			return nil, err
		}
		reservation := limiter.Reserve()
		if wait := reservation.Delay(); wait > 0 {
			if wait >= longWait {
				tflog.Info(req.Context(), "waiting for the client-side rate limit (Cloudflare allows 1,200 requests per 5 minutes)",
					map[string]any{"wait": wait.Round(time.Millisecond).String()})
			}
			if err := sleep(req, wait); err != nil {
				reservation.Cancel()
				return nil, err
			}
		}
		res, err := next(req)
		if err == nil && res.StatusCode == http.StatusTooManyRequests {
			if wait, ok := retryAfter(res); ok {
				gate.extend(wait)
			}
		}
		return res, err
	}
}

// pause holds requests until a time a 429 set.
type pause struct {
	mu    sync.Mutex
	until time.Time
	// refilled: the bucket filled during the pause; the first request after it empties it.
	refilled bool
}

func (p *pause) extend(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := time.Now().Add(d); until.After(p.until) {
		p.until, p.refilled = until, true
	}
}

// wait holds the request until the pause ends; the first request after it leaves the bucket one
// token, so that what waited goes out at the sustained rate, not in a burst.
func (p *pause) wait(req *http.Request, limiter *rate.Limiter) error {
	p.mu.Lock()
	wait := time.Until(p.until)
	p.mu.Unlock()
	if wait > 0 {
		if err := sleep(req, wait); err != nil {
			return err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refilled && !time.Now().Before(p.until) {
		p.refilled = false
		if spare := int(limiter.Tokens()) - 1; spare > 0 {
			limiter.ReserveN(time.Now(), spare)
		}
	}
	return nil
}
