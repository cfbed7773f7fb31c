package cfclient

import (
	"net/http"
	"time"

	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logMiddleware records each request's method, path, status and duration. It never logs
// headers (the Authorization header holds the token) or bodies (they hold secret values).
func logMiddleware(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	start := time.Now()
	res, err := next(req)
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.Path,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if res != nil {
		fields["status"] = res.StatusCode
	}
	if err != nil {
		fields["transport_error"] = err.Error()
	}
	tflog.Debug(req.Context(), "Cloudflare API request", fields)
	return res, err
}

func logRetry(req *http.Request, res *http.Response, attempt int, wait time.Duration) {
	fields := map[string]any{"method": req.Method, "path": req.URL.Path, "attempt": attempt, "wait": wait.String()}
	if res != nil {
		fields["status"] = res.StatusCode
	}
	if wait >= longWait {
		tflog.Warn(req.Context(), "Cloudflare asked us to slow down; waiting before retrying", fields)
		return
	}
	tflog.Debug(req.Context(), "retrying Cloudflare API request", fields)
}
