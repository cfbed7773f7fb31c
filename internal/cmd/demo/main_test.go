package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/tfcli"
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
	for _, command := range commandsForAnotherCLI(out.String(), cli) {
		t.Errorf("the demo shows %q, which does not run %s (%s):\n%s", command, cli, cli.Command(), out.String())
	}
	t.Logf("the demo took %s", time.Since(started).Round(time.Second))
}

// shownCommand is a command the demo shows a person: a line after "$ ", or a span in backticks.
var shownCommand = regexp.MustCompile("(?m)^\\$ (.+)$|`([^`\\n]+)`")

// commandsForAnotherCLI returns the commands in output that would run another CLI than cli if
// typed as shown: `terraform plan` on OpenTofu, `tofu` on Terraform, or the drift check script
// (which runs `terraform` unless TERRAFORM says otherwise) without TERRAFORM=tofu on OpenTofu.
func commandsForAnotherCLI(output string, cli tfcli.CLI) []string {
	var wrong []string
	for _, match := range shownCommand.FindAllStringSubmatch(output, -1) {
		command := match[1] + match[2]
		words := strings.Fields(command)
		runs := "terraform" // what the drift check script runs by default
		for len(words) > 0 && strings.Contains(words[0], "=") {
			if value, found := strings.CutPrefix(words[0], "TERRAFORM="); found {
				runs = value
			}
			words = words[1:]
		}
		if len(words) == 0 {
			continue
		}
		switch {
		case words[0] == "terraform" || words[0] == "tofu":
			runs = words[0]
		case !strings.HasSuffix(words[0], "drift-check.sh"):
			continue
		}
		if runs != cli.Command() {
			wrong = append(wrong, command)
		}
	}
	return wrong
}
