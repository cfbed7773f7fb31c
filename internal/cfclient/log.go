package cfclient

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const redacted = "(redacted)"

// sensitiveKeys are JSON fields that carry a secret in either direction: a secret's value, a
// secret_text binding's text, a token's value.
var sensitiveKeys = map[string]bool{"value": true, "text": true, "token": true, "api_token": true}

// logMiddleware records each attempt: method, path, status and duration at DEBUG, and at TRACE
// the headers and JSON bodies with every secret masked. Multipart bodies (Worker uploads, whose
// metadata may hold secret_text bindings) are never logged, only their size.
func logMiddleware(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	ctx := req.Context()
	tflog.Trace(ctx, "Cloudflare API request", map[string]any{
		"method":  req.Method,
		"path":    req.URL.Path,
		"query":   req.URL.RawQuery,
		"headers": maskHeaders(req.Header),
		"body":    requestBodyForLog(req),
	})
	start := time.Now()
	res, err := next(req)
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.Path,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["transport_error"] = err.Error()
		tflog.Debug(ctx, "Cloudflare API request failed", fields)
		return res, err
	}
	fields["status"] = res.StatusCode
	tflog.Debug(ctx, "Cloudflare API response", fields)
	fields["headers"] = maskHeaders(res.Header)
	fields["body"] = responseBodyForLog(req, res)
	tflog.Trace(ctx, "Cloudflare API response body", fields)
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

func maskHeaders(h http.Header) map[string]string {
	masked := make(map[string]string, len(h))
	for name, values := range h {
		value := strings.Join(values, ", ")
		if strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "X-Auth-Key") || strings.EqualFold(name, "X-Auth-User-Service-Key") {
			value = redacted
		}
		masked[name] = value
	}
	return masked
}

func requestBodyForLog(req *http.Request) string {
	if req.GetBody == nil {
		return ""
	}
	body, err := req.GetBody()
	if err != nil {
		return ""
	}
	defer func() { _ = body.Close() }()
	raw, err := io.ReadAll(body)
	if err != nil {
		return ""
	}
	return bodyForLog(req.Header.Get("Content-Type"), raw, false)
}

// responseBodyForLog reads the body for the log and puts an identical one back for the SDK.
func responseBodyForLog(req *http.Request, res *http.Response) string {
	raw, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	// A token roll answers with the new value as the bare result string.
	rolled := req.Method == http.MethodPut && strings.HasSuffix(req.URL.Path, "/value")
	return bodyForLog(res.Header.Get("Content-Type"), raw, rolled)
}

func bodyForLog(contentType string, raw []byte, maskResult bool) string {
	if len(raw) == 0 {
		return ""
	}
	mediaType, _, _ := mime.ParseMediaType(contentType)
	if strings.HasPrefix(mediaType, "multipart/") {
		return "(multipart body, not logged)"
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return "(non-JSON body, not logged)"
	}
	if envelope, ok := decoded.(map[string]any); ok && maskResult {
		envelope["result"] = redacted
	}
	masked, _ := json.Marshal(maskJSON(decoded))
	return string(masked)
}

// maskJSON replaces every sensitive field's value, at any depth.
func maskJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for key, inner := range t {
			if sensitiveKeys[strings.ToLower(key)] {
				t[key] = redacted
				continue
			}
			t[key] = maskJSON(inner)
		}
	case []any:
		for i := range t {
			t[i] = maskJSON(t[i])
		}
	}
	return v
}
