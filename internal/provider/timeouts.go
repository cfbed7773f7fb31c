package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Writes may wait for the client-side rate limit and for retries after 429s, so their default
// is generous; reads are one shared listing and should finish quickly.
const (
	defaultWriteTimeout = 20 * time.Minute
	defaultReadTimeout  = 5 * time.Minute
)

// timeoutsAttribute is the `timeouts` attribute every resource has, e.g. timeouts = { create = "30m" }.
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	return timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})
}

// nullTimeouts is an unset timeouts attribute, for state built from scratch (import).
func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

// timeoutGetter is one of timeouts.Value's Create, Read, Update or Delete.
type timeoutGetter func(context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// withTimeout bounds an operation by the configured timeout (or the default), including every
// retry and rate-limit wait inside it.
func withTimeout(ctx context.Context, configured timeoutGetter, fallback time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	timeout, d := configured(ctx, fallback)
	diags.Append(d...)
	return context.WithTimeout(ctx, timeout)
}
