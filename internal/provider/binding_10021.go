package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
)

// Cloudflare answers 10021 ("failed to fetch secrets store binding due to authorization error -
// check deploy permissions and secret scopes") when any Secrets Store binding of a Worker fails its
// checks, whenever the Worker's bindings change (a deploy, or a settings update such as this
// provider's). It checks, for every such binding of the new list, not only the one being changed:
//
//  1. the caller's token holds Workers Scripts Edit on the account (a token without it is
//     refused before, with 403);
//  2. the token holds Account Secrets Store Read on the account (Cloudflare's documentation says,
//     since June 2026, that binding counts as an edit of the secret, so some accounts need
//     Account Secrets Store Edit: workers-sdk#8964);
//  3. the store exists on the account;
//  4. a secret of that name exists in the store, and is active;
//  5. the secret's scopes include `workers`.
//
// The provider checks 2 to 5 with its own token (the one that was refused) and says which failed,
// for which binding; when all pass, it says what it checked and what is left.

// bindingEdit is the change a write made to a Worker's bindings, applied to a list again to
// work out what Cloudflare checked.
type bindingEdit func([]cfclient.Binding) []cfclient.Binding

func withBinding(want cfclient.Binding) bindingEdit {
	return func(bindings []cfclient.Binding) []cfclient.Binding {
		if i := slices.IndexFunc(bindings, func(b cfclient.Binding) bool { return b.Name == want.Name }); i >= 0 {
			bindings[i] = want
			return bindings
		}
		return append(bindings, want)
	}
}

func withoutBinding(name string) bindingEdit {
	return func(bindings []cfclient.Binding) []cfclient.Binding {
		return slices.DeleteFunc(bindings, func(b cfclient.Binding) bool { return b.Name == name })
	}
}

// bindingFinding is what the provider found about one Secrets Store binding Cloudflare checked.
type bindingFinding struct {
	binding cfclient.Binding
	ours    bool            // the binding this resource writes
	secret  cfclient.Secret // when found
	failure bindingFailure
	unknown string // why it could not be checked; empty when it was
}

// bindingFailure is the check a binding fails.
type bindingFailure int

const (
	passes bindingFailure = iota
	storeMissing
	secretMissing
	secretInactive
	noWorkersScope
)

// cause10021 tells which of 10021's causes applies, for which binding.
func (r *workerBindingResource) cause10021(ctx context.Context, plan workerBindingModel, edit bindingEdit) string {
	account, script := plan.AccountID.ValueString(), plan.ScriptName.ValueString()
	checked := []cfclient.Binding{}
	if current, err := r.data.client.ScriptBindings(ctx, account, script); err == nil {
		checked = current
	}
	findings, forbidden := r.checkBindings(ctx, plan, edit(checked))
	if forbidden {
		return fmt.Sprintf("The provider's API token cannot read Secrets Store on account %s: it lacks Account Secrets Store Read, "+
			"which binding a secret requires (the write itself got past Cloudflare's Workers check, so the token does hold "+
			"Workers Scripts Edit).\n\n%s", account, leastPrivilegeFix)
	}
	return explain10021(account, script, findings)
}

// checkBindings makes Cloudflare's checks 3 to 5 on each Secrets Store binding of the list, with
// the provider's token; forbidden reports that the token cannot read Secrets Store (check 2).
func (r *workerBindingResource) checkBindings(ctx context.Context, plan workerBindingModel, checked []cfclient.Binding) (findings []bindingFinding, forbidden bool) {
	account := plan.AccountID.ValueString()
	for _, b := range checked {
		if b.Type != cfclient.BindingTypeSecretsStore {
			continue
		}
		finding := bindingFinding{binding: b, ours: b.Name == plan.Name.ValueString()}
		secret, found, err := r.data.client.SecretByName(ctx, account, b.StoreID, b.SecretName)
		finding.secret = secret
		switch {
		case isForbidden(err):
			return nil, true
		case isStoreNotFound(err):
			finding.failure = storeMissing
		case err != nil:
			finding.unknown = err.Error()
		case !found:
			finding.failure = secretMissing
		case secret.Status != "" && secret.Status != "active":
			finding.failure = secretInactive
		case !slices.Contains(secret.Scopes, "workers"):
			finding.failure = noWorkersScope
		}
		findings = append(findings, finding)
	}
	return findings, false
}

const leastPrivilegeFix = "The least-privilege token for deploying Workers that read Secrets Store holds exactly Workers Scripts Edit " +
	"and Account Secrets Store Read on this account; the cfsecrets_deploy_token resource creates one."

// explain10021 says which bindings fail which check, or, when every check the provider could make
// passed, what it checked and what is left.
func explain10021(account, script string, findings []bindingFinding) string {
	var causes, unchecked, passed []string
	for _, f := range findings {
		switch {
		case f.failure != passes && f.ours:
			causes = append(causes, f.ownProblem(account))
		case f.failure != passes:
			causes = append(causes, fmt.Sprintf("The cause is another binding of the Worker: binding %s of Worker %q (not managed by "+
				"this resource) %s %s", f.binding.Name, script, f.otherProblem(account), otherBindingFix))
		case f.unknown != "":
			unchecked = append(unchecked, fmt.Sprintf("binding %s (%s)", f.binding.Name, f.unknown))
		default:
			passed = append(passed, f.binding.Name)
		}
	}
	if len(causes) > 0 {
		return strings.Join(causes, "\n\n")
	}
	checked := fmt.Sprintf("The provider checked, with its own token, what Cloudflare checks: the token reads Secrets Store on account "+
		"%s, and every Secrets Store binding of Worker %q that it could check (%s) refers to an existing, active secret with the "+
		"workers scope.", account, script, strings.Join(passed, ", "))
	if len(unchecked) > 0 {
		return fmt.Sprintf("%s It could not check %s, so the cause may be there.", checked, strings.Join(unchecked, "; "))
	}
	return checked + " What it cannot check is how Cloudflare weighs the token's Secrets Store permission when binding: its " +
		"documentation says since June 2026 that binding counts as an edit of the secret, so some accounts need Account Secrets " +
		"Store Edit (the API's \"Account Secrets Store Write\") instead of Read. Add it to the provider's token, or check whether the " +
		"secret or its scopes changed meanwhile, and apply again.\n\n" + leastPrivilegeFix
}

// ownProblem says what is wrong with this resource's binding and what to change.
func (f bindingFinding) ownProblem(account string) string {
	b := f.binding
	switch f.failure {
	case storeMissing:
		return fmt.Sprintf("Store %s does not exist on account %s. Fix store_id.", b.StoreID, account)
	case secretMissing:
		return fmt.Sprintf("Store %s has no secret named %q. Create it (cfsecrets_secret) or fix secret_name.", b.StoreID, b.SecretName)
	case secretInactive:
		return fmt.Sprintf("Secret %q is %s, not active; Cloudflare binds active secrets only. Wait until it is active, or bind another.",
			b.SecretName, f.secret.Status)
	}
	return fmt.Sprintf("Secret %q has scopes %v but not \"workers\". Add \"workers\" to its scopes.", f.secret.Name, f.secret.Scopes)
}

// otherProblem says what is wrong with a binding this resource does not manage.
func (f bindingFinding) otherProblem(account string) string {
	b := f.binding
	switch f.failure {
	case storeMissing:
		return fmt.Sprintf("refers to secret %q of store %s, a store that does not exist on account %s.", b.SecretName, b.StoreID, account)
	case secretMissing:
		return fmt.Sprintf("refers to secret %q of store %s, which does not exist.", b.SecretName, b.StoreID)
	case secretInactive:
		return fmt.Sprintf("refers to secret %q of store %s, which is %s, not active.", b.SecretName, b.StoreID, f.secret.Status)
	}
	return fmt.Sprintf("refers to secret %q of store %s, whose scopes %v lack \"workers\".", b.SecretName, b.StoreID, f.secret.Scopes)
}

// otherBindingFix says what to do about a binding this resource does not manage.
const otherBindingFix = "Cloudflare checks every Secrets Store binding of a Worker whenever its bindings change, so no binding of " +
	"this Worker can change until that one is fixed: fix or remove it where it is managed (usually wrangler.toml, then redeploy), " +
	"or create its secret again."
