package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// addAPIError reports a failed Cloudflare call: what was being done and Cloudflare's answer,
// whose text (from cfclient) never holds a request body, secret value or token.
func addAPIError(diags *diag.Diagnostics, action string, err error) {
	diags.AddError("Could not "+action, "Cloudflare did not accept the request: "+err.Error())
}
