package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// addAPIError reports a failed Cloudflare call: what was being done and Cloudflare's answer,
// whose text (from cfclient) never holds a request body, secret value or token.
func addAPIError(diags *diag.Diagnostics, action string, err error) {
	if errors.Is(err, context.DeadlineExceeded) {
		diags.AddError("Could not "+action+" in time",
			"The operation did not finish within its timeout (context deadline exceeded), retries and rate-limit waits "+
				"included. Raise it with the resource's timeouts attribute, e.g. timeouts = { create = \"30m\" }, or check "+
				"whether Cloudflare is slow or rate limiting this token.")
		return
	}
	diags.AddError("Could not "+action, "Cloudflare did not accept the request: "+err.Error())
}
