package main

import (
	"fmt"
	"strings"
)

// valueVariable is the ephemeral input variable every secret's value_wo comes from, set through
// TF_VAR_ as CI would; the value itself is a fixed, non-secret benchmark string.
const (
	valueVariable = "bench_secret_value"
	benchValue    = "not-a-secret-benchmark-value"
)

// shape is one benchmark configuration: n secrets in one store, n/10 bindings spread over the
// Workers, one deploy token.
type shape struct {
	n       int
	workers int
}

func (s shape) bindings() int { return s.n / 10 }

func (s shape) workerNames() []string {
	names := make([]string, s.workers)
	for i := range names {
		names[i] = fmt.Sprintf("bench-worker-%d", i)
	}
	return names
}

func secretName(i int) string { return fmt.Sprintf("bench_secret_%04d", i) }

// bindingSecret is the secret that binding i reads: every tenth secret.
func bindingSecret(i int) int { return i * 10 }

// providerSettings are optional provider block attributes (the over-the-limit case sets them).
type providerSettings struct {
	RequestsPerSecond float64
	Burst             int
	MaxRetries        int
}

// providerConfig is the cfsecrets configuration: explicit resource blocks, one per secret and
// binding, as an infra repository has them (each binding depends on its own secret only).
func providerConfig(s shape, p providerSettings) string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    cfsecrets = { source = "cfsecrets/cfsecrets" }
  }
}

`)
	b.WriteString("# Credentials and the mock's address come from CLOUDFLARE_* environment variables.\n")
	b.WriteString("provider \"cfsecrets\" {\n")
	if p.RequestsPerSecond > 0 {
		fmt.Fprintf(&b, "  requests_per_second = %v\n", p.RequestsPerSecond)
	}
	if p.Burst > 0 {
		fmt.Fprintf(&b, "  burst               = %d\n", p.Burst)
	}
	if p.MaxRetries > 0 {
		fmt.Fprintf(&b, "  max_retries         = %d\n", p.MaxRetries)
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, `variable %q {
  type      = string
  ephemeral = true
}

resource "cfsecrets_store" "bench" {}

`, valueVariable)
	for i := 0; i < s.n; i++ {
		fmt.Fprintf(&b, `resource "cfsecrets_secret" "s%04d" {
  store_id         = cfsecrets_store.bench.id
  name             = %q
  value_wo         = var.%s
  value_wo_version = 1
  scopes           = ["workers"]
}

`, i, secretName(i), valueVariable)
	}
	workers := s.workerNames()
	for i := 0; i < s.bindings(); i++ {
		fmt.Fprintf(&b, `resource "cfsecrets_worker_binding" "b%04d" {
  script_name = %q
  name        = "SECRET_%04d"
  store_id    = cfsecrets_store.bench.id
  secret_name = cfsecrets_secret.s%04d.name
}

`, i, workers[i%len(workers)], i, bindingSecret(i))
	}
	b.WriteString(`resource "cfsecrets_deploy_token" "ci" {
  name = "bench-ci-deploy"
}
`)
	return b.String()
}

// baselineConfig is n terraform_data resources: Terraform's own, with no provider and no API.
func baselineConfig(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "resource \"terraform_data\" \"d%04d\" {\n  input = %q\n}\n\n", i, secretName(i))
	}
	return b.String()
}
