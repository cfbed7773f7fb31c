package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// What the list resources (`terraform query`, Terraform 1.14 and later) share.

// listAccountIDAttribute is the account_id every list resource has.
func listAccountIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Cloudflare account id. Defaults to the provider's `account_id`.",
		Optional:            true,
		Validators:          []validator.String{accountIDValidator()},
	}
}

// listResults streams one result per item, in order, up to the limit Terraform asked for. fill
// gives each result its display name, identity and, when Terraform asks, the resource object.
func listResults[T any](ctx context.Context, req list.ListRequest, items []T, fill func(T, *list.ListResult)) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		for i, item := range items {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			result := req.NewListResult(ctx)
			fill(item, &result)
			if !push(result) {
				return
			}
		}
	}
}
