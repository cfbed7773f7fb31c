package cloudflaremock

// Reading a multipart Worker upload (PUT .../scripts/{name} and POST .../versions) and resolving
// the bindings it asks for against the live version, then the Secrets Store binding check that
// the settings PATCH runs too.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
)

// uploadMetadata is the `metadata` part of an upload (FACTS.md, Workers: scripts). Unknown fields
// are ignored.
type uploadMetadata struct {
	MainModule         string            `json:"main_module"`
	CompatibilityDate  string            `json:"compatibility_date"`
	CompatibilityFlags []string          `json:"compatibility_flags"`
	Bindings           []json.RawMessage `json:"bindings"`
	KeepBindings       []string          `json:"keep_bindings"`
	UsageModel         string            `json:"usage_model"`
	Limits             json.RawMessage   `json:"limits"`
	Placement          json.RawMessage   `json:"placement"`
	Annotations        map[string]string `json:"annotations"`
	Logpush            *bool             `json:"logpush"`
	Observability      json.RawMessage   `json:"observability"`
	TailConsumers      json.RawMessage   `json:"tail_consumers"`
	Tags               *[]string         `json:"tags"`
}

// parsedUpload is a validated upload: the version to add and the script-level settings.
type parsedUpload struct {
	version     *workerVersion
	scriptLevel scriptLevelPatch
}

func (u parsedUpload) applyScriptLevel(ws *workerScript) { u.scriptLevel.apply(ws) }

// parseUpload validates the parts of a multipart upload against the script it replaces (nil for a
// new one) and changes nothing. Order (after the multipart shape, checked by the caller): metadata
// part, modules, main_module, bindings (shape, names, inherit, secret_text), then the Secrets Store
// binding check.
//
// A module's name is its part's filename, or the part's name when it has no filename: Wrangler
// sends both, equal; the API documents main_module as naming a part. Every part other than
// `metadata` is a module, kept with its Content-Type (application/javascript+module for ES
// modules, but source maps, text and wasm parts are modules too).
func (s *Server) parseUpload(c *call, parts []formPart, ws *workerScript) (parsedUpload, *apiError) {
	var meta uploadMetadata
	haveMeta := false
	var modules []workerModule
	names := map[string]bool{}
	for _, p := range parts {
		if p.name == "metadata" {
			if haveMeta || json.Unmarshal(p.data, &meta) != nil {
				return parsedUpload{}, errMetadataPart
			}
			haveMeta = true
			continue
		}
		name := cmp.Or(p.filename, p.name)
		if name == "" {
			return parsedUpload{}, errMalformedMultipart
		}
		if names[name] {
			return parsedUpload{}, errDuplicateModule
		}
		names[name] = true
		modules = append(modules, workerModule{Name: name, ContentType: p.contentType, Content: p.data})
	}
	if !haveMeta {
		return parsedUpload{}, errMetadataPart
	}
	if meta.MainModule == "" || !names[meta.MainModule] {
		return parsedUpload{}, errNoSuchModule
	}
	limits, okLimits := normaliseRaw(meta.Limits, '{')
	placement, okPlacement := normaliseRaw(meta.Placement, '{')
	scriptLevel, okScriptLevel := newScriptLevelPatch(meta.Logpush, meta.Tags, meta.Observability, meta.TailConsumers)
	if !okLimits || !okPlacement || !okScriptLevel {
		return parsedUpload{}, errMetadataPart
	}

	var current []json.RawMessage
	if ws != nil {
		current = ws.live().Bindings
	}
	strict := c.req.URL.Query().Get("bindings_inherit") == "strict"
	bindings, apiErr := resolveBindings(meta.Bindings, current, strict, meta.KeepBindings)
	if apiErr != nil {
		return parsedUpload{}, apiErr
	}
	if apiErr := s.checkSecretsStoreBindings(c, bindings); apiErr != nil {
		return parsedUpload{}, apiErr
	}

	annotations := map[string]string{}
	for _, key := range []string{"workers/message", "workers/tag"} {
		if v, found := meta.Annotations[key]; found {
			annotations[key] = v
		}
	}
	up := parsedUpload{
		version: &workerVersion{
			Source:             deploySource(c.req),
			AuthorEmail:        mockAuthorEmail,
			Annotations:        annotations,
			MainModule:         meta.MainModule,
			Modules:            modules,
			Etag:               modulesEtag(meta.MainModule, modules),
			CompatibilityDate:  meta.CompatibilityDate,
			CompatibilityFlags: nonNilStrings(meta.CompatibilityFlags),
			UsageModel:         cmp.Or(meta.UsageModel, defaultUsageModel),
			Limits:             limits,
			Placement:          placement,
			Bindings:           bindings,
		},
		scriptLevel: scriptLevel,
	}
	return up, nil
}

// parsedBinding is a binding object with its name and type read out.
type parsedBinding struct {
	name, typ string
	fields    map[string]json.RawMessage
}

// parseBinding reads a binding object; ok is false unless it is an object with a non-empty
// string name and type.
func parseBinding(raw json.RawMessage) (parsedBinding, bool) {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil || fields == nil {
		return parsedBinding{}, false
	}
	name, okName := jsonString(fields["name"])
	typ, okType := jsonString(fields["type"])
	if !okName || !okType || name == "" || typ == "" {
		return parsedBinding{}, false
	}
	return parsedBinding{name: name, typ: typ, fields: fields}, true
}

// resolveBindings turns a requested bindings list into the list to store, given the current
// version's bindings. Rules (FACTS.md, Workers: bindings, with the mock's choices):
//   - every entry is an object with a string name and type; names are unique in the request;
//   - `{"type":"inherit","name":X}` becomes current binding X exactly as it is (text included
//     for a secret_text); when X does not exist it is an error if strict, else dropped;
//   - a secret_text without `text` (absent or null) keeps the current secret_text binding of
//     that name, and is an error when there is none;
//   - plain_text needs a string `text`, kv_namespace a non-empty string `namespace_id`; a
//     secrets_store_secret's store_id and secret_name are left to the binding check; every
//     other type is kept as sent;
//   - keep_bindings: current bindings of those types whose name the request does not use are
//     carried over (Wrangler sends ["secret_text","secret_key"] so deploys keep secrets set
//     with `wrangler secret put`).
//
// Stored objects are compacted copies of what was sent, so they read back with the same
// fields and values.
func resolveBindings(requested, current []json.RawMessage, strictInherit bool, keepTypes []string) ([]json.RawMessage, *apiError) {
	currentByName := map[string]json.RawMessage{}
	currentType := map[string]string{}
	for _, raw := range current {
		b, _ := parseBinding(raw)
		currentByName[b.name] = raw
		currentType[b.name] = b.typ
	}
	resolved := make([]json.RawMessage, 0, len(requested))
	seen := map[string]bool{}
	for _, raw := range requested {
		b, valid := parseBinding(raw)
		if !valid {
			return nil, errBindingInvalid
		}
		if seen[b.name] {
			return nil, errDuplicateBinding
		}
		seen[b.name] = true
		switch b.typ {
		case bindingInherit:
			kept, found := currentByName[b.name]
			if !found {
				if strictInherit {
					return nil, errInheritMissing
				}
				continue
			}
			resolved = append(resolved, cloneRaw(kept))
			continue
		case bindingSecretText:
			if text, has := b.fields["text"]; !has || string(text) == "null" {
				if currentType[b.name] != bindingSecretText {
					return nil, errSecretTextMissing
				}
				resolved = append(resolved, cloneRaw(currentByName[b.name]))
				continue
			}
			if _, isString := jsonString(b.fields["text"]); !isString {
				return nil, errBindingInvalid
			}
		case bindingPlainText:
			if _, isString := jsonString(b.fields["text"]); !isString {
				return nil, errBindingInvalid
			}
		case bindingKVNamespace:
			if id, isString := jsonString(b.fields["namespace_id"]); !isString || id == "" {
				return nil, errBindingInvalid
			}
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, raw); err != nil {
			return nil, errBindingInvalid
		}
		resolved = append(resolved, compact.Bytes())
	}
	for _, raw := range current {
		b, _ := parseBinding(raw)
		if !seen[b.name] && slices.Contains(keepTypes, b.typ) {
			seen[b.name] = true
			resolved = append(resolved, cloneRaw(raw))
		}
	}
	return resolved, nil
}

// checkSecretsStoreBindings is the binding check Cloudflare runs at upload and settings time
// (FACTS.md, Workers: the binding check). For every secrets_store_secret binding of the version
// about to be created:
//
//  1. the caller's token must hold Workers Scripts Write AND Account Secrets Store Read on
//     this account (Cloudflare staff say some accounts need Secrets Store Write; the mock
//     follows the Read rule);
//  2. the store (`store_id`) must exist on this account;
//  3. a secret named `secret_name` must exist in that store;
//  4. that secret's scopes must include `workers`.
//
// Any failure is the same 400 code 10021, and the caller changes nothing. It runs over the
// resolved list, so inherited and kept bindings are checked too: a deploy re-fetches them all.
func (s *Server) checkSecretsStoreBindings(c *call, bindings []json.RawMessage) *apiError {
	for _, raw := range bindings {
		b, _ := parseBinding(raw)
		if b.typ != bindingSecretsStoreSecret {
			continue
		}
		deployer := c.grant.accountID == c.accountID() &&
			c.grant.allows(permWorkersScriptsWrite) &&
			c.grant.allows(permSecretsStoreRead)
		if !deployer {
			return errSecretsStoreBinding
		}
		storeID, _ := jsonString(b.fields["store_id"])
		secretName, _ := jsonString(b.fields["secret_name"])
		st, found := s.state.Stores[storeID]
		if !found || st.AccountID != c.accountID() {
			return errSecretsStoreBinding
		}
		sec := s.secretByName(st.ID, secretName)
		if sec == nil || !slices.Contains(sec.Scopes, "workers") {
			return errSecretsStoreBinding
		}
	}
	return nil
}
