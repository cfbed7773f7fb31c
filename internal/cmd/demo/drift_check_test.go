package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTofu is a CLI for examples/drift-detection/drift-check.sh to run: `tofu -chdir=DIR init|plan
// ...` exits with the code in DIR/init.exit or DIR/plan.exit (0 when there is none), and a plan
// that exits 2 prints a change the way OpenTofu does.
const fakeTofu = `#!/bin/sh
dir=${1#-chdir=}
code=$(cat "$dir/$2.exit" 2>/dev/null || echo 0)
echo "$2 ran in $dir"
if [ "$2" = plan ] && [ "$code" = 2 ]; then
  echo "OpenTofu will perform the following actions:"
  echo "  # cfsecrets_secret.stripe_key will be updated in-place"
fi
exit "$code"
`

// TestDriftCheck runs the drift check script on directories whose init or plan fails, drifts or
// not: its exit code is the worst outcome, and every finding names the directory and the command
// that ran (the CLI TERRAFORM names, not always terraform).
func TestDriftCheck(t *testing.T) {
	t.Parallel()
	root, err := repoRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "examples", "drift-detection", "drift-check.sh")
	tofu := filepath.Join(t.TempDir(), "tofu")
	if err := os.WriteFile(tofu, []byte(fakeTofu), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		exits    map[string]string // dir/command -> exit code
		wantCode int
		want     []string
	}{
		{"no drift", nil, 0, []string{"staging: no drift", "production: no drift"}},
		{"drift", map[string]string{"production/plan": "2"}, 2, []string{
			"staging: no drift",
			"Drift detected: production was changed outside Terraform; apply it to repair",
			"# cfsecrets_secret.stripe_key will be updated in-place",
		}},
		{"init fails", map[string]string{"staging/init": "1"}, 1, []string{tofu + " init failed: staging", "init ran in staging"}},
		{"plan fails", map[string]string{"staging/plan": "1"}, 1, []string{tofu + " plan failed: staging (exit code 1)", "plan ran in staging"}},
		{"a failure wins over drift", map[string]string{"staging/plan": "2", "production/plan": "1"}, 1, []string{
			"Drift detected: staging", tofu + " plan failed: production (exit code 1)",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			for _, dir := range []string{"staging", "production"} {
				if err := os.Mkdir(filepath.Join(work, dir), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for command, code := range tc.exits {
				if err := os.WriteFile(filepath.Join(work, command+".exit"), []byte(code), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			env := append(os.Environ(), "TERRAFORM="+tofu, "GITHUB_ACTIONS=", "GITHUB_STEP_SUMMARY=")
			res, err := runCommand(t.Context(), work, env, "sh", script, "staging", "production")
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode != tc.wantCode {
				t.Errorf("exit code %d, want %d", res.ExitCode, tc.wantCode)
			}
			for _, want := range tc.want {
				if !strings.Contains(res.Output, want) {
					t.Errorf("the output lacks %q", want)
				}
			}
			if t.Failed() {
				t.Logf("drift-check.sh printed:\n%s", res.Output)
			}
		})
	}
}
