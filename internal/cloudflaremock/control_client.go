package cloudflaremock

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// ControlClient calls a running mock's /__mock control routes (control.go) over HTTP: what the
// tests, `make demo` and the benchmark use to steer and inspect the mock, in process or not.
// The routes need no token. Every method returns an error naming the route, so commands and
// tests alike can use it.
type ControlClient struct {
	root string
	http *http.Client
}

// NewControlClient is a client of the mock served at root, the address without /client/v4
// (Endpoint.Root). A nil httpClient means http.DefaultClient.
func NewControlClient(root string, httpClient *http.Client) *ControlClient {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &ControlClient{root: root, http: httpClient}
}

// Reset forgets all state, the request log and the rate-limit budgets; injected faults stay.
func (c *ControlClient) Reset(ctx context.Context) error {
	return c.call(ctx, http.MethodPost, "/__mock/reset", nil, nil)
}

// Requests is the request log: every /client/v4 request served since the last reset or clear,
// oldest first.
func (c *ControlClient) Requests(ctx context.Context) ([]LoggedRequest, error) {
	var log []LoggedRequest
	err := c.call(ctx, http.MethodGet, "/__mock/requests", nil, &log)
	return log, err
}

// ClearRequests empties the request log, so what follows is counted alone.
func (c *ControlClient) ClearRequests(ctx context.Context) error {
	return c.call(ctx, http.MethodDelete, "/__mock/requests", nil, nil)
}

// SecretSHA256 is the hex SHA-256 of the value the mock holds for a secret: how a test proves
// which value was written without the value ever leaving the mock.
func (c *ControlClient) SecretSHA256(ctx context.Context, secretID string) (string, error) {
	var answer struct {
		SHA256 string `json:"sha256"`
	}
	err := c.call(ctx, http.MethodGet, "/__mock/secrets/"+url.PathEscape(secretID)+"/sha256", nil, &answer)
	return answer.SHA256, err
}

// HoldsValue tells whether the mock holds value for a secret, comparing digests (SecretSHA256).
func (c *ControlClient) HoldsValue(ctx context.Context, secretID, value string) (bool, error) {
	held, err := c.SecretSHA256(ctx, secretID)
	return held == sha256Hex(value), err
}

// ExpireToken makes the mock treat an API token as expired from now on.
func (c *ControlClient) ExpireToken(ctx context.Context, tokenID string) error {
	return c.call(ctx, http.MethodPost, "/__mock/tokens/"+url.PathEscape(tokenID)+"/expire", nil, nil)
}

// SetFaults replaces the injected faults (faults.go) and restarts their random sequence.
func (c *ControlClient) SetFaults(ctx context.Context, faults FaultSet) error {
	return c.call(ctx, http.MethodPut, "/__mock/faults", faults, nil)
}

// FaultsInjected counts, by kind, the faults injected since the fault set was last replaced.
func (c *ControlClient) FaultsInjected(ctx context.Context) (map[FaultKind]int, error) {
	var view faultsView
	err := c.call(ctx, http.MethodGet, "/__mock/faults", nil, &view)
	return view.Injected, err
}

// ClearFaults removes every injected fault: the mock behaves again.
func (c *ControlClient) ClearFaults(ctx context.Context) error {
	return c.call(ctx, http.MethodDelete, "/__mock/faults", nil, nil)
}

// call sends body as JSON (when not nil) and decodes a 200 answer into into (when not nil).
func (c *ControlClient) call(ctx context.Context, method, path string, body, into any) error {
	var reader io.Reader
	if body != nil {
		encoded, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("mock control route %s %s: %w", method, path, err)
		}
		reader = bytes.NewReader(encoded)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.root+path, reader)
	if err != nil {
		return fmt.Errorf("mock control route %s %s: %w", method, path, err)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("mock control route %s %s: %w", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		return fmt.Errorf("mock control route %s %s: reading the answer: %w", method, path, err)
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("mock control route %s %s answered %s: %s", method, path, res.Status, bytes.TrimSpace(answer))
	}
	if into == nil {
		return nil
	}
	if err := json.Unmarshal(answer, into); err != nil {
		return fmt.Errorf("mock control route %s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}
