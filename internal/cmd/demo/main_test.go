package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
)

// TestMain gives the tests the CLI environment of every package that runs the CLI
// (cfsecretstest.Main): requireTerraform runs plugin-testing.
func TestMain(m *testing.M) { cfsecretstest.Main(m) }

// TestDemo runs `make demo` end to end: the real terraform CLI, the provider built from this
// checkout, the mock API. Every step checks itself, so the demo's error is the test's failure.
func TestDemo(t *testing.T) {
	t.Parallel()
	cli := cfsecretstest.CLI(t)
	// The demo takes well under a minute; the deadline only stops a hang.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	started := time.Now()
	if err := run(ctx, &out, cli.Path); err != nil {
		t.Fatalf("the demo failed: %v\n\nIt printed:\n%s", err, out.String())
	}
	for _, heading := range []string{"Step 1 of 4", "Step 2 of 4", "Step 3 of 4", "Step 4 of 4", "Done in"} {
		if !strings.Contains(out.String(), "\n"+heading) {
			t.Errorf("the demo printed no heading %q:\n%s", heading, out.String())
		}
	}
	t.Logf("the demo took %s", time.Since(started).Round(time.Second))
}
