package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, answer := range map[string]string{"tofu": "OpenTofu v1.12.6", "old": "Terraform v1.10.5", "terraform": "Terraform v1.15.9"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\necho '"+answer+"'\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name             string
		args             []string
		code             int
		stdout, inStderr string
	}{
		{"supported", []string{filepath.Join(dir, "tofu")}, 0, filepath.Join(dir, "tofu") + "\n", "OpenTofu 1.12.6 at " + filepath.Join(dir, "tofu") + " (provider addresses resolve to registry.opentofu.org)"},
		{"too old", []string{filepath.Join(dir, "old")}, 1, "", "needs Terraform or OpenTofu 1.11.0 or later"},
		{"missing", []string{filepath.Join(dir, "terraform-1.12")}, 1, "", "set TERRAFORM="},
		{"Terraform recent enough", []string{"-terraform-min", "1.14.0", filepath.Join(dir, "terraform")}, 0, filepath.Join(dir, "terraform") + "\n", "Terraform 1.15.9"},
		{"Terraform too old", []string{"-terraform-min", "1.16.0", filepath.Join(dir, "terraform")}, 1, "", "needs Terraform 1.16.0 or later; " + filepath.Join(dir, "terraform") + " is Terraform 1.15.9"},
		{"OpenTofu where Terraform is needed", []string{"-terraform-min", "1.11.0", filepath.Join(dir, "tofu")}, 1, "", "needs Terraform 1.11.0 or later; " + filepath.Join(dir, "tofu") + " is OpenTofu 1.12.6"},
		{"no argument", nil, 2, "", "usage: cli-check [-terraform-min VERSION] TERRAFORM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tc.args, &stdout, &stderr)
			if code != tc.code || stdout.String() != tc.stdout || !strings.Contains(stderr.String(), tc.inStderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, stderr with %q", code, stdout.String(), stderr.String(), tc.code, tc.stdout, tc.inStderr)
			}
		})
	}
}
