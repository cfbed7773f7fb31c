package cfclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/workers"
)

// BindingTypeSecretsStore is the binding type through which a Worker reads a Secrets Store secret.
const BindingTypeSecretsStore = "secrets_store_secret"

// Binding is one binding of a Worker script. Only the fields the provider reads are decoded;
// Raw keeps the binding exactly as Cloudflare returned it, so writing the list back leaves every
// other binding (KV, plain text, secret text, ...) as it was.
type Binding struct {
	Type       string `json:"type"`
	Name       string `json:"name"`
	StoreID    string `json:"store_id,omitempty"`
	SecretName string `json:"secret_name,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// NewSecretsStoreBinding builds the binding that lets a Worker read a secret as env.<name>.
func NewSecretsStoreBinding(name, storeID, secretName string) Binding {
	return Binding{Type: BindingTypeSecretsStore, Name: name, StoreID: storeID, SecretName: secretName}
}

// UnmarshalJSON decodes the fields above and keeps the original bytes.
func (b *Binding) UnmarshalJSON(data []byte) error {
	type fields Binding
	var f fields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	*b = Binding(f)
	b.Raw = append(json.RawMessage(nil), data...)
	return nil
}

// MarshalJSON writes a binding that was read back exactly as it was read.
func (b Binding) MarshalJSON() ([]byte, error) {
	if b.Raw != nil {
		return b.Raw, nil
	}
	type fields Binding
	return json.Marshal(fields(b))
}

type scriptSettings struct {
	Bindings []Binding `json:"bindings"`
}

// ScriptBindings reads the bindings of a Worker script. A missing script answers 404 code 10007.
// Reads of one script share one settings GET per provider instance.
func (c *Client) ScriptBindings(ctx context.Context, accountID, scriptName string) ([]Binding, error) {
	if !c.sharedReads {
		return c.fetchBindings(ctx, accountID, scriptName)
	}
	bindings, err := c.scriptBindings.get(ctx, accountID+"/"+scriptName, func(ctx context.Context) ([]Binding, error) {
		return c.fetchBindings(ctx, accountID, scriptName)
	})
	return slices.Clone(bindings), err
}

func (c *Client) fetchBindings(ctx context.Context, accountID, scriptName string) ([]Binding, error) {
	var env envelope[scriptSettings]
	_, err := c.sdk.Workers.Scripts.ScriptAndVersionSettings.Get(ctx, scriptName, workers.ScriptScriptAndVersionSettingGetParams{
		AccountID: cloudflare.F(accountID),
	}, into(&env))
	return env.Result.Bindings, translate(err)
}

// EditScriptBindings changes a script's bindings: edit gets the current list and returns the
// new one; an edit that returns an error writes nothing and gets that error back. A settings
// PATCH replaces every binding, so edits of one script are never interleaved: those that arrive
// while a write is in flight are merged into the next write (see bindingEdits).
func (c *Client) EditScriptBindings(ctx context.Context, accountID, scriptName string, edit func([]Binding) ([]Binding, error)) error {
	key := accountID + "/" + scriptName
	return c.bindingEdits.submit(ctx, key, edit, func(ctx context.Context, edits []*bindingEdit) {
		current, err := c.ScriptBindings(ctx, accountID, scriptName)
		if err != nil {
			for _, e := range edits {
				e.done <- err
			}
			return
		}
		merged, accepted := applyEdits(current, edits)
		if len(accepted) == 0 {
			return
		}
		err = c.patchChangedBindings(ctx, accountID, scriptName, current, merged)
		if err == nil || len(accepted) == 1 {
			for _, e := range accepted {
				e.done <- err
			}
			return
		}
		// Cloudflare refused the merged list (e.g. 10021 for one binding): write the edits one
		// at a time so each gets its own answer.
		for _, e := range accepted {
			current, err := c.ScriptBindings(ctx, accountID, scriptName)
			if err == nil {
				var next []Binding
				if next, err = e.change(slices.Clone(current)); err == nil {
					err = c.patchChangedBindings(ctx, accountID, scriptName, current, next)
				}
			}
			e.done <- err
		}
	})
}

// patchChangedBindings writes next unless it is the list the script already has. A settings
// write makes Cloudflare check every Secrets Store binding of the Worker again (and needs Workers
// Scripts Edit), so an edit that changes nothing, such as adopting a binding that already reads
// the same secret, must not fail because of another binding or a read-only token.
func (c *Client) patchChangedBindings(ctx context.Context, accountID, scriptName string, current, next []Binding) error {
	if slices.EqualFunc(current, next, sameBinding) {
		return nil
	}
	return c.patchBindings(ctx, accountID, scriptName, next)
}

// sameBinding reports whether two bindings are the same, every field Cloudflare returned included.
func sameBinding(a, b Binding) bool {
	return a.Type == b.Type && a.Name == b.Name && a.StoreID == b.StoreID && a.SecretName == b.SecretName && bytes.Equal(a.Raw, b.Raw)
}

// patchBindings writes the whole list and remembers what Cloudflare answered.
func (c *Client) patchBindings(ctx context.Context, accountID, scriptName string, bindings []Binding) error {
	var env envelope[scriptSettings]
	_, err := c.sdk.Workers.Scripts.ScriptAndVersionSettings.Edit(ctx, scriptName, workers.ScriptScriptAndVersionSettingEditParams{
		AccountID: cloudflare.F(accountID),
	}, settingsPatchBindings(bindings), into(&env))
	if err != nil {
		return translate(err)
	}
	c.scriptBindings.update(accountID+"/"+scriptName, func([]Binding) []Binding { return env.Result.Bindings })
	return nil
}

// WorkerModule is one JavaScript module of a Worker upload.
type WorkerModule struct {
	Name    string
	Content string
}

// UploadModuleWorker deploys a module Worker with its bindings, as `wrangler deploy` does.
func (c *Client) UploadModuleWorker(ctx context.Context, accountID, scriptName, compatibilityDate string, modules []WorkerModule, bindings []Binding) error {
	if len(modules) == 0 {
		return fmt.Errorf("a Worker needs at least one module")
	}
	metadata := map[string]any{
		"main_module":        modules[0].Name,
		"compatibility_date": compatibilityDate,
		"bindings":           bindings,
	}
	var env envelope[json.RawMessage]
	_, err := c.sdk.Workers.Scripts.Update(ctx, scriptName, workers.ScriptUpdateParams{
		AccountID: cloudflare.F(accountID),
	}, scriptUploadMultipart(metadata, modules), into(&env))
	c.scriptBindings.invalidate(accountID + "/" + scriptName)
	c.accountScripts.invalidate(accountID) // the upload may have made the script
	return translate(err)
}

// DeployWorker uploads a Worker of one module, index.js holding module, with these bindings:
// what `wrangler deploy` does to a Worker, replacing its code and every binding. The provider
// deploys no code; the tests, `make demo` and the benchmark stand in for Wrangler with it.
func (c *Client) DeployWorker(ctx context.Context, accountID, scriptName, module string, bindings ...Binding) error {
	err := c.UploadModuleWorker(ctx, accountID, scriptName, "2025-01-01", []WorkerModule{{Name: "index.js", Content: module}}, bindings)
	if err != nil {
		return fmt.Errorf("deploying Worker %s: %w", scriptName, err)
	}
	return nil
}

// scriptNames lists the account's Worker scripts. Readers of one account share one listing per
// provider instance, as they share each script's bindings: a destroy that checks, for every
// secret it deletes, which Workers bind it costs one listing, not one per secret.
func (c *Client) scriptNames(ctx context.Context, accountID string) ([]string, error) {
	if !c.sharedReads {
		return c.fetchScriptNames(ctx, accountID)
	}
	names, err := c.accountScripts.get(ctx, accountID, func(ctx context.Context) ([]string, error) {
		return c.fetchScriptNames(ctx, accountID)
	})
	return slices.Clone(names), err
}

func (c *Client) fetchScriptNames(ctx context.Context, accountID string) ([]string, error) {
	var env envelope[[]struct {
		ID string `json:"id"`
	}]
	_, err := c.sdk.Workers.Scripts.List(ctx, workers.ScriptListParams{AccountID: cloudflare.F(accountID)}, into(&env))
	if err != nil {
		return nil, translate(err)
	}
	names := make([]string, 0, len(env.Result))
	for _, s := range env.Result {
		names = append(names, s.ID)
	}
	return names, nil
}

// ScriptSecretNames lists the names of a script's legacy Workers secrets (secret_text bindings).
func (c *Client) ScriptSecretNames(ctx context.Context, accountID, scriptName string) ([]string, error) {
	var env envelope[[]struct {
		Name string `json:"name"`
	}]
	_, err := c.sdk.Workers.Scripts.Secrets.List(ctx, scriptName, workers.ScriptSecretListParams{AccountID: cloudflare.F(accountID)}, into(&env))
	if err != nil {
		return nil, translate(err)
	}
	names := make([]string, 0, len(env.Result))
	for _, s := range env.Result {
		names = append(names, s.Name)
	}
	return names, nil
}

// StoreBinding is one Secrets Store binding of a Worker: script ScriptName reads secret
// SecretName of store StoreID as env.<BindingName>.
type StoreBinding struct {
	ScriptName  string
	BindingName string
	StoreID     string
	SecretName  string
}

// StoreBindings lists the Secrets Store bindings of every Worker of the account that read from
// the store, ordered by script then binding name: who breaks when a secret goes away. It reads the
// shared listing of the account's scripts and each script's shared bindings, so calls for many
// secrets cost what one does; a script deleted between the two reads is skipped.
func (c *Client) StoreBindings(ctx context.Context, accountID, storeID string) ([]StoreBinding, error) {
	scripts, err := c.scriptNames(ctx, accountID)
	if err != nil {
		return nil, err
	}
	slices.Sort(scripts)
	var found []StoreBinding
	for _, script := range scripts {
		bindings, err := c.ScriptBindings(ctx, accountID, script)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var ofScript []StoreBinding
		for _, b := range bindings {
			if b.Type == BindingTypeSecretsStore && b.StoreID == storeID {
				ofScript = append(ofScript, StoreBinding{ScriptName: script, BindingName: b.Name, StoreID: b.StoreID, SecretName: b.SecretName})
			}
		}
		slices.SortFunc(ofScript, func(a, b StoreBinding) int { return strings.Compare(a.BindingName, b.BindingName) })
		found = append(found, ofScript...)
	}
	return found, nil
}
