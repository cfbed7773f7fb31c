package cfclient

import (
	"net/http"
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
// instance's one bucket.
func rateLimitMiddleware(limiter *rate.Limiter) option.Middleware {
	return func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
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
		return next(req)
	}
}
