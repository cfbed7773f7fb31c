package tfcli

import (
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// The CLI configuration (the file TF_CLI_CONFIG_FILE names) tells the CLI where to install
// providers from. Both ways below name providers by full address, so they use the registry host
// of the CLI in use: an address for the other CLI's registry is silently ignored.

// LocalProvider is a provider built locally: Dir holds its terraform-provider-<type> executable.
type LocalProvider struct {
	Source string // as configurations write it, e.g. "cfsecrets/cfsecrets"
	Dir    string
}

// DevOverridesConfig is a CLI configuration that runs each provider from its directory
// (dev_overrides: the CLI needs no `init` for them and warns that overrides are in effect) and
// installs every other provider from its registry as usual.
func (c CLI) DevOverridesConfig(providers ...LocalProvider) string {
	var overrides strings.Builder
	for _, p := range providers {
		fmt.Fprintf(&overrides, "    %q = %q\n", c.ProviderAddress(p.Source), p.Dir)
	}
	return fmt.Sprintf("provider_installation {\n  dev_overrides {\n%s  }\n  direct {}\n}\n", overrides.String())
}

// MirrorConfig is a CLI configuration whose only installation method is the filesystem mirror
// at dir, for these sources. There is no `direct` block, so the CLI fails rather than reach a
// registry for anything else.
func (c CLI) MirrorConfig(dir string, sources ...string) string {
	addresses := make([]string, len(sources))
	for i, source := range sources {
		addresses[i] = fmt.Sprintf("%q", c.ProviderAddress(source))
	}
	return fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%s]\n  }\n}\n",
		dir, strings.Join(addresses, ", "))
}

// IsolatedEnv is the environment to run the CLI in with the CLI configuration at configFile:
// environ (usually os.Environ()) without any TF_*, CHECKPOINT_*, CLOUDFLARE_* or CFSECRETS_*
// setting that could point the CLI or the provider elsewhere (a data directory, a log file, a
// real account, another read mode), plus that configuration, no prompts and no update checks.
func IsolatedEnv(environ []string, configFile string) []string {
	env := slices.DeleteFunc(slices.Clone(environ), func(kv string) bool {
		for _, prefix := range []string{"TF_", "CHECKPOINT_", "CLOUDFLARE_", "CFSECRETS_"} {
			if strings.HasPrefix(kv, prefix) {
				return true
			}
		}
		return false
	})
	return append(env, "TF_CLI_CONFIG_FILE="+configFile, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
}

// MirrorPackageDir is where the executable of one provider version for this platform goes in a
// filesystem mirror at dir, in the unpacked layout: <host>/<namespace>/<type>/<version>/<os>_<arch>.
func (c CLI) MirrorPackageDir(dir, source, version string) string {
	return filepath.Join(dir, filepath.FromSlash(c.ProviderAddress(source)), version, runtime.GOOS+"_"+runtime.GOARCH)
}
