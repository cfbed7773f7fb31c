package provider

import (
	"context"
	"fmt"
	"regexp"

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
