package provider

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// secretNamePattern is Cloudflare's rule for secret names: letters, digits, _ and -, no spaces.
var secretNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

const (
	maxSecretNameLength = 255
	// maxSecretValueBytes is the API's limit; the dashboard stops at dashboardValueBytes.
	maxSecretValueBytes = 65536
	dashboardValueBytes = 1024
)

// knownScopes are the services a Secrets Store secret can be made available to.
var knownScopes = []string{"access", "ai_gateway", "containers", "dex", "websearch", "workers"}

func secretNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, maxSecretNameLength),
		stringvalidator.RegexMatches(secretNamePattern,
			"may hold only letters, digits, underscores and hyphens (no spaces or dots), e.g. stripe_key_v2"),
	}
}

// workerNamePattern is Cloudflare's rule for Worker script names.
var workerNamePattern = regexp.MustCompile(`^[a-z0-9_-]+$`)

// workerNameValidators check a Worker script name: 1 to 63 lowercase letters, digits, _ and -.
func workerNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 63),
		stringvalidator.RegexMatches(workerNamePattern, "must be a Worker name: lowercase letters, digits, _ and -"),
	}
}

func scopeValidator() validator.String {
	return stringvalidator.OneOf(knownScopes...)
}

// secretValueValidator checks a write-only value's size without ever putting the value in a
// diagnostic (the stock validators quote the offending value).
type secretValueValidator struct{}

func (secretValueValidator) Description(context.Context) string {
	return fmt.Sprintf("must be between 1 and %d bytes", maxSecretValueBytes)
}

func (v secretValueValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (secretValueValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := secretValueProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid secret value", problem)
	}
}

// secretValueProblem explains what is wrong with a secret value, in words that never quote it.
func secretValueProblem(value string) string {
	switch {
	case value == "":
		return "The secret value is empty. Cloudflare rejects empty secrets; set value_wo to the secret (for example from an ephemeral variable)."
	case len(value) > maxSecretValueBytes:
		return fmt.Sprintf("The secret value is %d bytes; Cloudflare accepts at most %d bytes (64 KiB) through the API. "+
			"Store a smaller value, or keep large material elsewhere (for example R2) and store only a key here.", len(value), maxSecretValueBytes)
	}
	return ""
}

// cidrValidator accepts an IPv4 or IPv6 CIDR range such as 198.51.100.0/24, written the one way
// Cloudflare returns it: no host bits set, IPv6 lowercase and shortest, IPv4 not mapped into IPv6.
// Any other spelling of a range could come back rewritten, and the token would then differ from
// its configuration on every plan.
type cidrValidator struct{}

func (cidrValidator) Description(context.Context) string {
	return "must be a CIDR range such as 198.51.100.0/24, with no host bits set"
}

func (v cidrValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (cidrValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := cidrProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid CIDR range", problem)
	}
}

// cidrProblem explains what is wrong with a CIDR range, or is empty.
func cidrProblem(s string) string {
	prefix, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not a CIDR range. Write an address and prefix length such as 198.51.100.0/24 or 2001:db8::/32 "+
			"(a single address is /32, or /128 for IPv6).", s)
	case prefix.Addr().Is4In6():
		unmapped := netip.PrefixFrom(prefix.Addr().Unmap(), max(prefix.Bits()-96, 0)).Masked()
		return fmt.Sprintf("%q is an IPv4-mapped IPv6 range: write the IPv4 range %s.", s, unmapped)
	case prefix != prefix.Masked():
		return fmt.Sprintf("%q has host bits set: the range it stands for is %s. Write %s for the range, or %s for the one address.",
			s, prefix.Masked(), prefix.Masked(), netip.PrefixFrom(prefix.Addr(), prefix.Addr().BitLen()))
	case prefix.String() != s:
		return fmt.Sprintf("%q is not written the way Cloudflare returns it: write %s.", s, prefix)
	}
	return ""
}

// tokenTimeValidator accepts RFC 3339 times such as 2026-12-31T23:59:59Z in whole seconds:
// Cloudflare keeps token times to the second and would return a fraction cut off.
type tokenTimeValidator struct{}

func (tokenTimeValidator) Description(context.Context) string {
	return "must be an RFC 3339 time in whole seconds such as 2026-12-31T23:59:59Z"
}

func (v tokenTimeValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (tokenTimeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	t, err := time.Parse(time.RFC3339, value)
	switch {
	case err != nil || !inRFC3339Years(t):
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid time",
			fmt.Sprintf("%q is not an RFC 3339 time between the years 0000 and 9999 in UTC. Write it like 2026-12-31T23:59:59Z (UTC) or 2026-12-31T23:59:59+01:00; "+
				"Terraform's timeadd(timestamp(), \"720h\") produces one.", value))
	case t.Nanosecond() != 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Time with a fraction of a second",
			fmt.Sprintf("%q has a fraction of a second. Cloudflare keeps token times in whole seconds and would return %s instead, "+
				"so write the time in whole seconds, e.g. %s.", value, t.UTC().Truncate(time.Second).Format(time.RFC3339), t.Truncate(time.Second).Format(time.RFC3339)))
	}
}

// inRFC3339Years tells whether the time, in UTC as Cloudflare stores it, still has a four-digit
// year: 0000-01-01T00:00:00+01:00 parses, but is a year before 0000 in UTC.
func inRFC3339Years(t time.Time) bool {
	year := t.UTC().Year()
	return 0 <= year && year <= 9999
}

// baseURLValidator accepts an absolute http or https URL such as https://api.cloudflare.com/client/v4.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an http or https URL such as https://api.cloudflare.com/client/v4"
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid base URL",
			fmt.Sprintf("%q is not an http or https URL: write it with its scheme, e.g. https://api.cloudflare.com/client/v4.", req.ConfigValue.ValueString()))
	}
}

// durationValidator accepts a Go duration such as 15m within [min, max].
type durationValidator struct{ min, max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("must be a duration such as 15m or 1h, between %s and %s", v.min, v.max)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d < v.min || d > v.max {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("%q %s.", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
