// Command terraform-provider-cfsecrets serves the cfsecrets Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/provider"
)

// version is set by the release build (goreleaser) through -ldflags.
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debugMode {
		logOnlyWhatTerraformKeeps(os.LookupEnv, os.Setenv)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/cfsecrets/cfsecrets",
		Debug:           debugMode,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// memoryLimit is the Go heap's soft limit. The plugin SDK allocates afresh for every RPC (loggers,
// schema walks), so at Go's default pacing a plan of 1,000 secrets peaked near 200 MB of RSS,
// mostly garbage waiting for the collector; with the limit the collector runs sooner and the
// peak stays near 130 MB (BENCHMARKS.md), for some more CPU. GOMEMLIMIT overrides it.
const memoryLimit = 96 << 20

// sdkLogLevelVariables set the levels of the plugin SDK's loggers and of this provider's own.
var sdkLogLevelVariables = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_CFSECRETS"}

// logOnlyWhatTerraformKeeps sets the SDK's log levels, where the user has not, to the level
// Terraform keeps of a provider's log. Unset, the SDK logs at TRACE: it formats a JSON line to
// stderr for every step of every RPC, and Terraform, with TF_LOG unset, throws each one away.
// In a plan of 1,000 secrets that was a third of the provider's CPU time and most of its
// garbage (see BENCHMARKS.md).
func logOnlyWhatTerraformKeeps(lookup func(string) (string, bool), set func(string, string) error) {
	level := terraformProviderLogLevel(lookup)
	for _, name := range sdkLogLevelVariables {
		if _, ok := lookup(name); !ok {
			_ = set(name, level)
		}
	}
}

// terraformProviderLogLevel is the level at which Terraform keeps a provider's log lines, by
// Terraform's own rule (internal/logging, providerLogLevel): TF_LOG_PROVIDER, else TF_LOG; unset
// is off, JSON is TRACE, and anything that is not a level name (or OFF) is TRACE too.
func terraformProviderLogLevel(lookup func(string) (string, bool)) string {
	value, _ := lookup("TF_LOG_PROVIDER")
	if value == "" {
		value, _ = lookup("TF_LOG")
	}
	switch value = strings.ToUpper(value); {
	case value == "":
		return "OFF"
	case slices.Contains([]string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"}, value):
		return value
	default:
		return "TRACE"
	}
}
