package cfsecretstest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// builtBinary is a command of this module built once per test binary into the provider's
// directory, which Main removes.
type builtBinary struct {
	once sync.Once
	path string
	err  error
}

func (b *builtBinary) build(t testing.TB, name, pkg string) string {
	t.Helper()
	b.once.Do(func() {
		b.path = filepath.Join(providerBinaryDir(t), name)
		if out, err := exec.Command("go", "build", "-o", b.path, pkg).CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
		}
	})
	if b.err != nil {
		t.Fatalf("building %s: %v", name, b.err)
	}
	return b.path
}

var cloudflareStandIn builtBinary

// CloudflareStandIn builds the test stand-in for Cloudflare's provider (package
// cloudflareprovider) and returns the option that installs it as cloudflare/cloudflare, so a
// workspace can hold state of Cloudflare's resource types and move it with `moved` blocks.
func CloudflareStandIn(t testing.TB) WorkspaceOption {
	t.Helper()
	binary := cloudflareStandIn.build(t, "terraform-provider-cloudflare",
		"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest/cloudflareprovider")
	return WithProvider("cloudflare/cloudflare", filepath.Dir(binary))
}
