package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The ownership rule: a create never takes over a remote object Terraform did not make, and two
// resources of one configuration never address the same remote object. A remote object is named
// by its key: "<account>/<store name>" for a store, "<account>/<store id>/<name>" for a secret,
// "<account>/<script>/<name>" for a Worker binding.

// claims tells, within one provider instance (one Terraform plan or apply), two resources that
// address the same remote object apart from one resource planned twice: each create claims its
// object's key when it is planned, and its writer claims it again when it writes it.
type claims struct {
	mu      sync.Mutex
	planned map[string]bool
	written map[string]any // key -> the write that holds it
}

// plan claims key for a planned create; false when another resource of this plan claimed it.
func (c *claims) plan(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.planned[key] {
		return false
	}
	if c.planned == nil {
		c.planned = map[string]bool{}
	}
	c.planned[key] = true
	return true
}

// write claims key for a create's write, identified by owner; false when another write holds it.
// A write may claim its key again (a merged edit that is retried alone).
func (c *claims) write(key string, owner any) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if held, ok := c.written[key]; ok && held != owner {
		return false
	}
	if c.written == nil {
		c.written = map[string]any{}
	}
	c.written[key] = owner
	return true
}

// release gives key back after owner's write failed.
func (c *claims) release(key string, owner any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.written[key] == owner {
		delete(c.written, key)
	}
}

// replacedKey is the private-state key under which a plan of an existing object records that
// object's key. When Terraform replaces the object it plans the new one again as a create, handing
// it this private state: the create then knows the object it will find under that key is its own,
// to be destroyed first.
const replacedKey = "replaces"

// rememberOwnKey records, while planning a change to an existing object, the object's key.
func rememberOwnKey(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, key string) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedKey, mustJSON(key))...)
}

// replacesOwnObject reports whether a planned create is the second half of a replacement of this
// resource's own object under key.
func replacesOwnObject(ctx context.Context, private privateState, key string) bool {
	raw, diags := private.GetKey(ctx, replacedKey)
	var replaced string
	return !diags.HasError() && len(raw) > 0 && json.Unmarshal(raw, &replaced) == nil && replaced == key
}

// remoteObject is one remote object, as the ownership checks name it.
type remoteObject struct {
	kind        string // "Worker binding", "secret", "Secrets Store"
	key         string
	description string // e.g. `binding OWNER of Worker "teardown"`
	resource    string // the resource type that manages it
}

// claimPlannedCreate claims a planned create's object, and refuses the plan when another resource
// of this configuration already plans to create it.
func claimPlannedCreate(data *providerData, object remoteObject, diags *diag.Diagnostics) {
	if !data.claims.plan(object.kind + " " + object.key) {
		addTwoResourcesError(diags, object, "")
	}
}

// addTwoResourcesError reports two resources of one configuration that address the same object.
func addTwoResourcesError(diags *diag.Diagnostics, object remoteObject, happened string) {
	diags.AddError("Two resources address one "+object.kind,
		fmt.Sprintf("Two resources of this configuration create %s%s. Each remote object may be managed by one resource "+
			"only: remove one of them, or give them different names.", object.description, happened))
}
