// Package cfclient is the provider's only way to talk to Cloudflare. It drives the official
// cloudflare-go v4 SDK and adds what the SDK lacks: response types that carry every field the
// provider needs (the SDK's drop `scopes`), the workarounds in workarounds.go, retries with
// Retry-After, and error values that tell callers what happened without echoing request bodies.
package cfclient

import (
	"context"
	"net/http"
	"strings"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"golang.org/x/time/rate"
)

// DefaultBaseURL is Cloudflare's public API.
const DefaultBaseURL = "https://api.cloudflare.com/client/v4"

// Config holds what a Client needs. APIToken is never logged or put in an error.
type Config struct {
	APIToken   string
	BaseURL    string
	MaxRetries int
	UserAgent  string
	// RequestsPerSecond and Burst shape the client-side token bucket; zero means the defaults,
	// which keep within Cloudflare's 1,200 requests per 5 minutes.
	RequestsPerSecond float64
	Burst             int
	// PerResourceReads turns off shared listings, so every read is its own GET. It exists only
	// to measure what sharing saves (BENCHMARKS.md).
	PerResourceReads bool
	// HTTPClient lets tests inject a transport; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// Client is safe for concurrent use by every resource of one provider instance.
type Client struct {
	sdk *cloudflare.Client
	// bindingEdits serialises and merges edits of one Worker script's bindings.
	bindingEdits bindingEdits

	maxRetries     int
	sharedReads    bool
	storeSecrets   sharedLoads[map[string]Secret] // by account/store, secrets by id
	scriptBindings sharedLoads[[]Binding]         // by account/script
	accountScripts sharedLoads[[]string]          // by account, script names
	accountTokens  sharedLoads[map[string]Token]  // by account, tokens by id
	secretCreates  createBatcher
	secretDeletes  deleteBatcher
	// made holds the ids of what this client created or adopted, which a create whose outcome
	// was unknown never adopts again.
	made madeObjects
}

// New builds a Client. The SDK's own retry loop is switched off because it sleeps without
// watching the context and retries 409 conflicts; retryMiddleware replaces it.
func New(cfg Config) *Client {
	baseURL := cfg.BaseURL
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	requestsPerSecond, burst := cfg.RequestsPerSecond, cfg.Burst
	if requestsPerSecond <= 0 {
		requestsPerSecond = DefaultRequestsPerSecond
	}
	if burst <= 0 {
		burst = DefaultBurst
	}
	opts := []option.RequestOption{
		option.WithBaseURL(strings.TrimSuffix(baseURL, "/") + "/"),
		option.WithAPIToken(cfg.APIToken),
		option.WithHTTPClient(httpClient),
		option.WithMaxRetries(0),
		// Outermost first: each retry attempt waits for the rate limit and is logged.
		option.WithMiddleware(retryMiddleware(cfg.MaxRetries), rateLimitMiddleware(rate.NewLimiter(rate.Limit(requestsPerSecond), burst)), logMiddleware),
	}
	if cfg.UserAgent != "" {
		opts = append(opts, option.WithHeader("User-Agent", cfg.UserAgent))
	}
	c := &Client{sdk: newSDK(opts), maxRetries: cfg.MaxRetries, sharedReads: !cfg.PerResourceReads}
	c.secretCreates.sendBatch = c.createSecretsReconciling
	c.secretDeletes.sendBatch = c.deleteSecretsBatch
	c.secretDeletes.sendOne = c.deleteOneSecret
	return c
}

// envelope is Cloudflare's answer wrapper, decoded into the provider's own result types.
type envelope[T any] struct {
	Result     T           `json:"result"`
	ResultInfo *resultInfo `json:"result_info"`
}

type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
}

// into makes an SDK call decode the whole envelope into dst instead of the SDK's own response
// type, so fields the SDK does not model (a secret's scopes) reach the provider.
func into[T any](dst *envelope[T]) option.RequestOption {
	return option.WithResponseBodyInto(dst)
}

// execute runs a call the SDK has no typed method for, through the same SDK client, so it
// shares auth, base URL, retries and logging with every other call.
func execute[T any](ctx context.Context, c *Client, method, path string, body any, opts ...option.RequestOption) (T, *resultInfo, error) {
	var env envelope[T]
	err := c.sdk.Execute(ctx, method, path, body, &env, opts...)
	return env.Result, env.ResultInfo, translate(err)
}
