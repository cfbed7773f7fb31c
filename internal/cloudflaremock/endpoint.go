package cloudflaremock

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Endpoint is what a client needs to reach a running mock: the three environment variables the
// provider reads. The cloudflare-mock command prints it on stdout once it listens, one NAME=value
// line each, so a shell can eval it and a parent process can read it back with ReadEndpoint.
type Endpoint struct {
	BaseURL   string // http://host:port/client/v4
	AccountID string
	Token     string
}

// Root is the address without /client/v4, where the /__mock control routes are.
func (e Endpoint) Root() string { return strings.TrimSuffix(e.BaseURL, "/client/v4") }

// Print writes the three environment lines.
func (e Endpoint) Print(w io.Writer) error {
	_, err := fmt.Fprintf(w, "CLOUDFLARE_BASE_URL=%s\nCLOUDFLARE_ACCOUNT_ID=%s\nCLOUDFLARE_API_TOKEN=%s\n",
		e.BaseURL, e.AccountID, e.Token)
	return err
}

// ReadEndpoint reads the three lines Print writes.
func ReadEndpoint(r io.Reader) (Endpoint, error) {
	var e Endpoint
	lines := bufio.NewScanner(r)
	for i := 0; i < 3 && lines.Scan(); i++ {
		name, value, _ := strings.Cut(lines.Text(), "=")
		switch name {
		case "CLOUDFLARE_BASE_URL":
			e.BaseURL = value
		case "CLOUDFLARE_ACCOUNT_ID":
			e.AccountID = value
		case "CLOUDFLARE_API_TOKEN":
			e.Token = value
		}
	}
	if e.BaseURL == "" || e.AccountID == "" || e.Token == "" {
		return e, errors.New("the mock did not print its three environment lines")
	}
	return e, nil
}
