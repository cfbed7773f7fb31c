package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// permission is a permission group the provider's own token may need, as the dashboard and the
// API name it, and what it allows in words.
type permission struct {
	dashboard string // e.g. "Account Secrets Store Edit"
	api       string // e.g. "Account Secrets Store Write" (extra_permissions, cfsecrets_permission_groups)
	allows    string // e.g. "change Secrets Store"
}

func (p permission) String() string {
	if p.api == p.dashboard {
		return p.dashboard
	}
	return fmt.Sprintf("%s (the API's %q)", p.dashboard, p.api)
}

// The permissions of the provider's own token, per kind of call (docs/guides/least-privilege-ci-tokens.md).
var (
	secretsStoreRead   = permission{dashboard: "Account Secrets Store Read", api: permSecretsStoreRead, allows: "read Secrets Store"}
	secretsStoreEdit   = permission{dashboard: "Account Secrets Store Edit", api: "Account Secrets Store Write", allows: "change Secrets Store"}
	workersScriptsRead = permission{dashboard: "Workers Scripts Read", api: "Workers Scripts Read", allows: "read Workers"}
	workersScriptsEdit = permission{dashboard: "Workers Scripts Edit", api: permWorkersScriptsWrite, allows: "change Workers"}
	apiTokensRead      = permission{dashboard: "Account API Tokens Read", api: "Account API Tokens Read", allows: "read API tokens"}
	apiTokensWrite     = permission{dashboard: "Account API Tokens Write", api: "Account API Tokens Write", allows: "manage API tokens"}
)

// apiCall is what a failed Cloudflare call was for: the action in words ("create secret
// stripe_key"), the account it acted on, and the permission the provider's token needs for it.
type apiCall struct {
	action     string
	accountID  string
	permission permission
}

// addAPIError reports a failed Cloudflare call as what happened: not reached, no answer, a
// refused token, a missing permission, rate limited, Cloudflare's own failure, or a refusal.
// Cloudflare's text (from cfclient) never holds a request body, secret value or token.
func addAPIError(diags *diag.Diagnostics, call apiCall, err error) {
	summary := "Could not " + call.action
	var transportErr *cfclient.TransportError
	apiErr, isAPIError := cfclient.AsAPIError(err)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddError(summary+" in time",
			"The operation did not finish within its timeout (context deadline exceeded), retries and rate-limit waits "+
				"included. Raise it with the resource's timeouts attribute, e.g. timeouts = { create = \"30m\" }, or check "+
				"whether Cloudflare is slow or rate limiting this token.")
	case errors.As(err, &transportErr) && !transportErr.Sent:
		diags.AddError(summary+": Cloudflare was not reached",
			fmt.Sprintf("%s, so nothing was sent and nothing changed. Check the provider's base_url (or the %s environment "+
				"variable) and that %s is up and reachable from this machine: its network, DNS and proxy settings (HTTPS_PROXY).",
				transportErr.Error(), envBaseURL, transportErr.Address))
	case errors.As(err, &transportErr):
		diags.AddError(summary+": no answer from Cloudflare",
			fmt.Sprintf("The request reached Cloudflare, but %s. Requests that are safe to repeat were retried (max_retries); "+
				"this one may or may not have been carried out. Plan again to see where things stand, then apply.", transportErr.Error()))
	case !isAPIError:
		diags.AddError(summary, err.Error())
	case apiErr.Status == http.StatusUnauthorized:
		diags.AddError(summary+": Cloudflare refused the provider's API token",
			fmt.Sprintf("%s. The token is unknown, revoked, disabled, expired or not valid yet. Check api_token (or the %s "+
				"environment variable).", err.Error(), envAPIToken))
	case apiErr.Status == http.StatusForbidden:
		diags.AddError(summary+": the provider's API token lacks a permission",
			fmt.Sprintf("The provider's API token may not %s on account %s (%s). Give it %s on that account.",
				call.permission.allows, call.accountID, err.Error(), call.permission))
	case apiErr.Status == http.StatusTooManyRequests:
		diags.AddError(summary+": rate limited by Cloudflare",
			fmt.Sprintf("%s, and still did after the retries max_retries allows. Cloudflare allows 1,200 requests per 5 minutes per "+
				"user, shared by everything using the token's owner. Wait and apply again, raise max_retries, or lower "+
				"requests_per_second when several runs share one token.", err.Error()))
	case apiErr.Status >= http.StatusInternalServerError:
		diags.AddError(summary+": Cloudflare failed",
			fmt.Sprintf("%s: a failure on Cloudflare's side, after the retries max_retries allows where retrying is safe. "+
				"A change may or may not have been carried out: plan again to see, and apply later "+
				"(https://www.cloudflarestatus.com shows incidents).", err.Error()))
	default:
		diags.AddError(summary, "Cloudflare refused the request: "+err.Error())
	}
}
