package cloudflaremock_test

import (
	"strings"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

func TestEndpointPrintReadRoundTrip(t *testing.T) {
	want := cloudflaremock.Endpoint{BaseURL: "http://127.0.0.1:8787/client/v4", AccountID: "0123456789abcdef0123456789abcdef", Token: "tok"}
	var out strings.Builder
	if err := want.Print(&out); err != nil {
		t.Fatal(err)
	}
	got, err := cloudflaremock.ReadEndpoint(strings.NewReader(out.String()))
	if err != nil || got != want {
		t.Fatalf("ReadEndpoint(%q) = (%+v, %v), want %+v", out.String(), got, err, want)
	}
	if got.Root() != "http://127.0.0.1:8787" {
		t.Errorf("Root() = %q", got.Root())
	}
	if _, err := cloudflaremock.ReadEndpoint(strings.NewReader("CLOUDFLARE_BASE_URL=x\n")); err == nil {
		t.Error("two missing lines: want an error")
	}
}
