package cfclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
)

// Cloudflare error codes the provider reacts to. Messages are snake_case keys on the
// Secrets Store routes, so callers match on code and message together.
const (
	CodeBadRequest        = 1001
	CodeLimitReached      = 1003
	CodeInvalidToken      = 1000
	CodeAuthentication    = 10000
	CodeScriptNotFound    = 10007
	CodeBindingAuthFailed = 10021
	// MessageBindingAuthFailed tells the Secrets Store binding refusal apart from the other
	// upload errors Cloudflare also numbers 10021.
	MessageBindingAuthFailed = "failed to fetch secrets store binding due to authorization error - check deploy permissions and secret scopes"
)

// APIError is an error answer from Cloudflare. Its text holds the status and Cloudflare's own
// codes and messages, never the request body (which may hold a secret value) or the token.
type APIError struct {
	Status int
	Errors []ErrorDetail
}

// ErrorDetail is one entry of an envelope's errors array.
type ErrorDetail struct {
	Code    int
	Message string
}

func (e *APIError) Error() string {
	parts := make([]string, 0, len(e.Errors))
	for _, d := range e.Errors {
		parts = append(parts, fmt.Sprintf("%s (code %d)", d.Message, d.Code))
	}
	if len(parts) == 0 {
		parts = append(parts, http.StatusText(e.Status))
	}
	return fmt.Sprintf("Cloudflare API answered HTTP %d: %s", e.Status, strings.Join(parts, "; "))
}

// Has reports whether Cloudflare answered with this code and, if message is not empty, this message.
func (e *APIError) Has(code int, message string) bool {
	for _, d := range e.Errors {
		if d.Code == code && (message == "" || d.Message == message) {
			return true
		}
	}
	return false
}

// AsAPIError returns the APIError inside err, if there is one.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

// IsNotFound reports whether err is Cloudflare's answer that the object does not exist.
func IsNotFound(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Status == http.StatusNotFound
}

// HasCode reports whether err is an APIError carrying code (and message, when not empty).
func HasCode(err error, code int, message string) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.Has(code, message)
}

// TransportError is a request that got no answer from Cloudflare. Its text names the address and
// what went wrong there, never the request's path, query or body.
type TransportError struct {
	// Address is the scheme and host the request went to, e.g. "https://api.cloudflare.com".
	Address string
	// Sent is false when the request never left this machine (the address did not resolve, the
	// connection was refused, TLS failed): Cloudflare did not see it, so nothing changed. When
	// true, the connection broke after the request went out and it may have been acted on.
	Sent bool
	Err  error
}

func (e *TransportError) Error() string {
	if !e.Sent {
		return fmt.Sprintf("Cloudflare was not reached at %s: %v", e.Address, e.Err)
	}
	return fmt.Sprintf("the connection to Cloudflare at %s broke before its answer arrived: %v", e.Address, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// neverSent reports whether a transport error happened before the request could leave this
// machine: name resolution, connecting, or the TLS handshake.
func neverSent(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	return (errors.As(err, &opErr) && opErr.Op == "dial") || errors.As(err, &dnsErr) || errors.As(err, &certErr) ||
		errors.As(err, &unknownAuthority) || errors.As(err, &hostnameErr) || errors.As(err, &recordErr)
}

// translate turns the SDK's error, whose text embeds the request URL and the raw response, into
// an APIError; transport errors become a TransportError that says whether anything was sent.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var sdkErr *cloudflare.Error
	if errors.As(err, &sdkErr) {
		apiErr := &APIError{Status: sdkErr.StatusCode}
		for _, d := range sdkErr.Errors {
			apiErr.Errors = append(apiErr.Errors, ErrorDetail{Code: int(d.Code), Message: d.Message})
		}
		return apiErr
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("request to Cloudflare did not finish: %w", err)
	}
	transportErr := &TransportError{Address: "Cloudflare", Sent: !neverSent(err), Err: err}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		transportErr.Err = urlErr.Err // without the URL, which holds ids and search terms
		if u, parseErr := url.Parse(urlErr.URL); parseErr == nil {
			transportErr.Address = u.Scheme + "://" + u.Host
		}
	}
	return transportErr
}
