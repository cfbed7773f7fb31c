package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCIRun_checksEachCLIBeforeAnyStep runs .ci/run with fake CLIs: it must refuse to start,
// naming each CLI that is missing or another version than CI tests, including the machine's
// terraform that runs `make test`; with the right three it goes on to its first step. PATH holds
// only the fakes and what the check itself needs (no go), so no step can get far.
func TestCIRun_checksEachCLIBeforeAnyStep(t *testing.T) {
	t.Parallel()
	// What the CLIs answer, as measured: OpenTofu prints warnings on stdout first.
	const (
		terraform111 = "Terraform v1.11.4\non linux_amd64\n"
		terraform115 = "Terraform v1.15.9\non linux_amd64\n"
		tofu126      = "\nWarning: Unable to open CLI configuration file\n\nOpenTofu v1.12.6\non linux_amd64\n"
	)
	for _, tc := range []struct {
		name     string
		clis     map[string]string // "path/terraform" for PATH, else a file in CI_TOOLS -> its version answer
		want     []string          // on stderr
		wantStep bool
	}{
		{"none", nil, []string{
			"terraform: not found; want Terraform v1.11.4",
			"terraform-1.15.9: not found; want Terraform v1.15.9",
			"tofu-1.12.6: not found; want OpenTofu v1.12.6",
		}, false},
		{"the machine's terraform missing", map[string]string{"terraform-1.15.9": terraform115, "tofu-1.12.6": tofu126},
			[]string{"terraform: not found; want Terraform v1.11.4"}, false},
		{"other versions", map[string]string{"path/terraform": terraform115, "terraform-1.15.9": terraform115, "tofu-1.12.6": "OpenTofu v1.12.5\n"}, []string{
			"terraform: is Terraform v1.15.9; want Terraform v1.11.4",
			"tofu-1.12.6: is OpenTofu v1.12.5; want OpenTofu v1.12.6",
		}, false},
		{"not a Terraform CLI", map[string]string{"path/terraform": terraform111, "terraform-1.15.9": "usage: something\n", "tofu-1.12.6": tofu126},
			[]string{"terraform-1.15.9: is no Terraform CLI; want Terraform v1.15.9"}, false},
		{"the three CI tests", map[string]string{"path/terraform": terraform111, "terraform-1.15.9": terraform115, "tofu-1.12.6": tofu126}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			bin, tools := t.TempDir(), t.TempDir()
			for _, tool := range []string{"bash", "dirname", "grep"} {
				path, err := exec.LookPath(tool)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(path, filepath.Join(bin, tool)); err != nil {
					t.Fatal(err)
				}
			}
			for name, answer := range tc.clis {
				dir := tools
				if onPath, found := strings.CutPrefix(name, "path/"); found {
					dir, name = bin, onPath
				}
				script := "#!/bin/sh\nprintf '%s' '" + answer + "'\n" // printf is built in: PATH has no cat
				if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(filepath.Join(".ci", "run"))
			cmd.Env = []string{"PATH=" + bin, "CI_TOOLS=" + tools}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) {
				t.Fatalf(".ci/run: %v, want it to fail (PATH has no go)", err)
			}
			if started := strings.Contains(stdout.String(), "=== go mod tidy -diff"); started != tc.wantStep {
				t.Errorf("first step started: %v, want %v", started, tc.wantStep)
			}
			if !tc.wantStep && exitErr.ExitCode() != 1 {
				t.Errorf("exit code %d, want 1", exitErr.ExitCode())
			}
			for _, want := range tc.want {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q", want)
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			}
		})
	}
}
