package cfclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

func TestAPIErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *cfclient.APIError
		want []string
	}{
		{"one error", &cfclient.APIError{Status: 409, Errors: []cfclient.ErrorDetail{{Code: 1003, Message: "secret_name_already_exists"}}},
			[]string{"HTTP 409", "secret_name_already_exists (code 1003)"}},
		{"several errors", &cfclient.APIError{Status: 400, Errors: []cfclient.ErrorDetail{{Code: 6003, Message: "Invalid request headers"}, {Code: 6111, Message: "Invalid format for Authorization header"}}},
			[]string{"HTTP 400", "Invalid request headers (code 6003)", "Invalid format for Authorization header (code 6111)"}},
		{"no errors: the status text", &cfclient.APIError{Status: 503}, []string{"HTTP 503", "Service Unavailable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tt.err.Error()
			for _, want := range tt.want {
				if !strings.Contains(msg, want) {
					t.Errorf("%q lacks %q", msg, want)
				}
			}
		})
	}
}

func TestAPIErrorMatching(t *testing.T) {
	notFound := &cfclient.APIError{Status: 404, Errors: []cfclient.ErrorDetail{{Code: 10007, Message: "This Worker does not exist on your account."}}}
	wrapped := fmt.Errorf("reading bindings: %w", notFound)
	tests := []struct {
		name     string
		err      error
		code     int
		message  string
		wantCode bool
		wantNF   bool
	}{
		{"code only", wrapped, 10007, "", true, true},
		{"code and message", wrapped, 10007, "This Worker does not exist on your account.", true, true},
		{"code with another message", wrapped, 10007, "other", false, true},
		{"another code", wrapped, 10021, "", false, true},
		{"not an APIError", errors.New("boom"), 10007, "", false, false},
		{"nil", nil, 10007, "", false, false},
		{"409", &cfclient.APIError{Status: 409, Errors: []cfclient.ErrorDetail{{Code: 1003, Message: "x"}}}, 1003, "x", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cfclient.HasCode(tt.err, tt.code, tt.message); got != tt.wantCode {
				t.Errorf("HasCode = %v, want %v", got, tt.wantCode)
			}
			if got := cfclient.IsNotFound(tt.err); got != tt.wantNF {
				t.Errorf("IsNotFound = %v, want %v", got, tt.wantNF)
			}
			if _, ok := cfclient.AsAPIError(tt.err); ok != (tt.wantCode || tt.wantNF) {
				t.Errorf("AsAPIError ok = %v", ok)
			}
		})
	}
}

// leakSentinel is the secret value sent in requests that Cloudflare refuses; it must never reach
// an error's text or anything an error holds.
const leakSentinel = "zz-leak-sentinel-5f3a-zz"

func TestErrorsNeverCarryRequestBodies(t *testing.T) {
	ctx := context.Background()
	a := newAPI(t, cloudflaremock.Config{})
	storeID := a.createStore()
	existing := a.createSecrets(storeID, 1)[0]
	a.deploy("app")
	bad := []string{"not_a_scope"}
	tests := []struct {
		name    string
		call    func() error
		status  int
		code    int
		message string
	}{
		{"CreateSecret", func() error {
			_, err := a.client.CreateSecret(ctx, a.AccountID, storeID, cfclient.NewSecret{Name: "K1", Value: leakSentinel, Scopes: bad})
			return err
		}, 400, 1001, "secret_scope_invalid"},
		{"CreateSecrets", func() error {
			_, err := a.client.CreateSecrets(ctx, a.AccountID, storeID, []cfclient.NewSecret{{Name: "K2", Value: leakSentinel, Scopes: bad}})
			return err
		}, 400, 1001, "secret_scope_invalid"},
		{"UpdateSecret", func() error {
			value := leakSentinel
			_, err := a.client.UpdateSecret(ctx, a.AccountID, storeID, existing.ID, cfclient.SecretPatch{Value: &value, Scopes: &bad})
			return err
		}, 400, 1001, "secret_scope_invalid"},
		{"CreateSecret, name taken", func() error {
			_, err := a.client.CreateSecret(ctx, a.AccountID, storeID, cfclient.NewSecret{Name: existing.Name, Value: leakSentinel, Scopes: []string{"workers"}})
			return err
		}, 409, 1003, "secret_name_already_exists"},
		{"UploadModuleWorker with a secret_text binding", func() error {
			return a.client.UploadModuleWorker(ctx, a.AccountID, "app", "2025-01-01",
				[]cfclient.WorkerModule{{Name: "index.js", Content: "export default {}"}},
				[]cfclient.Binding{
					cfsecretstest.RawBinding(t, `{"type":"secret_text","name":"S","text":"`+leakSentinel+`"}`),
					cfclient.NewSecretsStoreBinding("MISSING", storeID, "NO_SUCH_SECRET"),
				})
		}, 400, cfclient.CodeBindingAuthFailed, cfclient.MessageBindingAuthFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			apiErr, ok := cfclient.AsAPIError(err)
			if !ok || apiErr.Status != tt.status || !apiErr.Has(tt.code, tt.message) {
				t.Fatalf("err = %v, want HTTP %d code %d %s", err, tt.status, tt.code, tt.message)
			}
			for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
				if text := fmt.Sprintf(format, err); strings.Contains(text, leakSentinel) {
					t.Errorf("fmt %s of the error holds the secret value: %s", format, text)
				}
			}
			// Nothing in the chain keeps the SDK's error, whose Request can dump the body.
			var sdkErr *cloudflare.Error
			if errors.As(err, &sdkErr) {
				t.Error("the error chain holds the SDK's error, with the request and its body")
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL
	closed.Close()
	c := cfclient.New(cfclient.Config{APIToken: "tok-sentinel-xyz", BaseURL: url + "/client/v4"})
	_, err := c.GetStore(context.Background(), "account", "store")
	var transportErr *cfclient.TransportError
	if !errors.As(err, &transportErr) || transportErr.Sent || transportErr.Address != url {
		t.Errorf("unreachable API: err = %#v, want a TransportError at %s that was never sent", err, url)
	}
	if want := "Cloudflare was not reached at " + url + ": "; err == nil || !strings.HasPrefix(err.Error(), want) ||
		!strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "/stores/") {
		t.Errorf("unreachable API: err = %v, want %q, the cause, and no request path", err, want)
	}
	if strings.Contains(fmt.Sprint(err), "tok-sentinel-xyz") {
		t.Errorf("transport error mentions the token: %v", err)
	}

	// A connection that breaks after the request went out: Cloudflare may have acted on it.
	hangUp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, hijackErr := w.(http.Hijacker).Hijack()
		if hijackErr == nil {
			_ = conn.Close()
		}
	}))
	defer hangUp.Close()
	c = cfclient.New(cfclient.Config{APIToken: "tok-sentinel-xyz", BaseURL: hangUp.URL + "/client/v4"})
	_, err = c.GetStore(context.Background(), "account", "store")
	if !errors.As(err, &transportErr) || !transportErr.Sent || transportErr.Address != hangUp.URL ||
		!strings.HasPrefix(err.Error(), "the connection to Cloudflare at "+hangUp.URL+" broke before its answer arrived: ") {
		t.Errorf("broken connection: err = %v, want a TransportError at %s that was sent", err, hangUp.URL)
	}

	a := newAPI(t, cloudflaremock.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = a.client.GetStore(ctx, a.AccountID, "store")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("cancelled request: err = %v, want context.Canceled explained", err)
	}
}
