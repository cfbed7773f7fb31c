package cfclient

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudflare/cloudflare-go/v4/option"
)

const (
	firstBackoff = 500 * time.Millisecond
	maxBackoff   = 30 * time.Second
	// longWait is when a retry wait is worth telling the user about.
	longWait = 5 * time.Second
)

// retryMiddleware retries what is safe to retry: a 429 (Cloudflare did not act on it), and for
// methods other than POST a 5xx or a dropped connection. A POST create is not retried on an
// unknown outcome here: the resource that sent it reconciles by name instead.
func retryMiddleware(maxRetries int) option.Middleware {
	return func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		for attempt := 0; ; attempt++ {
			res, err := next(req)
			if attempt >= maxRetries || !retryable(req, res, err) {
				return res, err
			}
			if req.Body != nil && req.GetBody == nil {
				return res, err
			}
			wait := backoff(attempt, res)
			logRetry(req, res, attempt+1, wait)
			if res != nil {
				_ = res.Body.Close()
			}
			if err := sleep(req, wait); err != nil {
				return nil, err
			}
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				req.Body = body
			}
		}
	}
}

func retryable(req *http.Request, res *http.Response, err error) bool {
	if err != nil {
		return req.Context().Err() == nil && req.Method != http.MethodPost
	}
	if res.StatusCode == http.StatusTooManyRequests {
		return true
	}
	return res.StatusCode >= 500 && req.Method != http.MethodPost
}

// backoff honours Retry-After when Cloudflare sends it, else grows exponentially with full
// jitter so that parallel resources do not retry in lockstep.
func backoff(attempt int, res *http.Response) time.Duration {
	if wait, ok := retryAfter(res); ok {
		return wait + jitter(firstBackoff)
	}
	ceiling := firstBackoff << attempt
	if ceiling > maxBackoff || ceiling <= 0 {
		ceiling = maxBackoff
	}
	return ceiling/2 + jitter(ceiling/2)
}

// retryAfter reads Cloudflare's Retry-After (whole seconds), if the response has one.
func retryAfter(res *http.Response) (time.Duration, bool) {
	if res == nil {
		return 0, false
	}
	seconds, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || seconds < 0 {
		return 0, false
	}
	return time.Duration(seconds) * time.Second, true
}

func jitter(limit time.Duration) time.Duration {
	if limit <= 0 {
		return 0
	}
	return rand.N(limit)
}

func sleep(req *http.Request, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-req.Context().Done():
		return req.Context().Err()
	}
}
