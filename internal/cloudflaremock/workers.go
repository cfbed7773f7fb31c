package cloudflaremock

// Workers scripts, following the API facts ("Workers scripts and bindings") and the answers
// cloudflare-go v4.6.0 decodes (workers/script.go and its neighbours).
//
// Model: a script is a list of versions and a list of deployments. An upload (PUT) and a
// settings PATCH that touches version settings create a version and deploy it at 100 %; POST
// .../versions creates a version without deploying it; POST .../deployments points traffic at
// existing versions. What GET .../settings shows, and what the binding rules resolve `inherit`
// and text-less `secret_text` against, is the live version: the one carrying the largest share
// of the newest deployment (the API facts are silent on split deployments).
//
// Secrets: a `secret_text` binding's text is kept in the version (so in the 0600 state file, like
// a Secrets Store value) and never leaves the mock: every answer goes through bindingView, which
// drops `text` from secret_text bindings, the request log holds no bodies, error messages are
// fixed strings, and the etag hashes module content only.

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Binding types the mock looks into. Any other type is stored and returned as sent.
const (
	bindingSecretsStoreSecret = "secrets_store_secret"
	bindingSecretText         = "secret_text"
	bindingPlainText          = "plain_text"
	bindingKVNamespace        = "kv_namespace"
	bindingInherit            = "inherit"
)

const (
	// mockWorkersSubdomain is the account's workers.dev subdomain (`<script>.mock-account.workers.dev`).
	mockWorkersSubdomain = "mock-account"
	// mockAuthorEmail stands in for the uploader on versions and deployments: the mock's
	// tokens belong to no user with an email address.
	mockAuthorEmail = "mock-user@example.com"
	// defaultUsageModel: "standard" is the only usage model the SDK still knows.
	defaultUsageModel = "standard"
	// The mock keeps at most this many versions and deployments per script, dropping the
	// oldest (never a version the newest deployment uses), so the state file stays bounded
	// across many deploys. The API facts name no limit; 100 is ample for any test.
	maxWorkerVersions    = 100
	maxWorkerDeployments = 100
	// maxScriptNameLength: Worker names are at most 63 characters (they become a DNS label on
	// workers.dev).
	maxScriptNameLength = 63
	// mainModuleContentType is what GET .../scripts/{name} answers with: cloudflare-go's
	// ScriptService.Get sends `Accept: application/javascript` and decodes a non-JSON body
	// into a string.
	mainModuleContentType = "application/javascript"
)

// scriptNamePattern: lowercase letters, digits, `-` and `_`, as Wrangler and the dashboard
// require (a workers.dev hostname label).
var scriptNamePattern = regexp.MustCompile(`^[a-z0-9_-]+$`)

// Errors. The API facts give 10001, 10007, 10090, 10201 and 10021 (the binding check) with their
// meaning; the other codes and all messages not quoted there are the mock's choices:
//   - 10021 for every other upload validation failure: it is the code Cloudflare uses for
//     rejected uploads ("could not read content for part metadata", "No such module ...").
//   - 10016 for a bad Worker name, 10026 for an unreadable JSON body on the plain-JSON routes.
//
// Every message is a fixed string, so no request content (a secret_text value) can reach one.
var (
	errScriptNotFound  = fail(http.StatusNotFound, 10007, "This Worker does not exist on your account.")
	errServiceNotFound = fail(http.StatusNotFound, 10090, "workers.api.error.service_not_found")
	// The binding check (API facts): one answer for every cause, so a caller cannot probe which
	// stores or secrets exist without the permission to read them.
	errSecretsStoreBinding = fail(http.StatusBadRequest, 10021,
		"failed to fetch secrets store binding due to authorization error - check deploy permissions and secret scopes")
	// A settings PATCH without a readable `settings` part: what cloudflare-go v4.6.0's
	// ScriptAndVersionSettings.Edit form gets (API facts: 400 code 10201).
	errSettingsPart = fail(http.StatusBadRequest, 10201, "could not read content for part settings")
	errMetadataPart = fail(http.StatusBadRequest, 10021, "could not read content for part metadata")
	// main_module missing or naming no uploaded part.
	errNoSuchModule     = fail(http.StatusBadRequest, 10021, "No such module: main_module must name one of the uploaded module parts")
	errDuplicateModule  = fail(http.StatusBadRequest, 10021, "module names must be unique within an upload")
	errDuplicateBinding = fail(http.StatusBadRequest, 10021, "binding names must be unique: more than one binding uses the same name")
	errBindingInvalid   = fail(http.StatusBadRequest, 10021,
		"each binding must be an object with a non-empty string name and type and the fields its type requires")
	errSecretTextMissing = fail(http.StatusBadRequest, 10021,
		"secret_text binding without text: the Worker has no secret_text binding of that name to keep")
	errInheritMissing = fail(http.StatusBadRequest, 10021,
		"inherit binding does not name a binding of the Worker's current version")
	errInvalidScriptName = fail(http.StatusBadRequest, 10016, "Invalid Worker name.")
	errWorkersBadBody    = fail(http.StatusBadRequest, 10026, "Invalid request body")
	errDeploymentInvalid = fail(http.StatusBadRequest, 10026,
		"a deployment needs strategy percentage and one or two distinct versions of this Worker whose percentages add up to 100")
)

// workerScript is a Worker as the mock keeps it (and as the state file holds it).
type workerScript struct {
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Tag       string    `json:"tag"` // Cloudflare's internal script id: 32 hex, fixed at creation
	Created   time.Time `json:"created"`
	Modified  time.Time `json:"modified"`
	Seq       uint64    `json:"seq"`

	// Script-level settings (GET/PATCH .../script-settings; also shown by .../settings).
	Logpush       bool            `json:"logpush"`
	Observability json.RawMessage `json:"observability,omitempty"`  // an object; absent = null
	TailConsumers json.RawMessage `json:"tail_consumers,omitempty"` // an array; absent = null
	Tags          []string        `json:"tags"`

	// workers.dev (GET/POST .../subdomain).
	SubdomainEnabled bool `json:"subdomain_enabled"`
	PreviewsEnabled  bool `json:"previews_enabled"`

	Versions    []*workerVersion    `json:"versions"`    // oldest first
	Deployments []*workerDeployment `json:"deployments"` // oldest first; never empty
}

// workerVersion is one immutable upload: code, runtime settings and bindings.
type workerVersion struct {
	ID          string            `json:"id"` // a UUID, like Cloudflare's version ids
	Number      int               `json:"number"`
	Created     time.Time         `json:"created"`
	Source      string            `json:"source"`
	AuthorEmail string            `json:"author_email"`
	Annotations map[string]string `json:"annotations"`

	MainModule         string          `json:"main_module"`
	Modules            []workerModule  `json:"modules"`
	Etag               string          `json:"etag"`
	CompatibilityDate  string          `json:"compatibility_date"`
	CompatibilityFlags []string        `json:"compatibility_flags"`
	UsageModel         string          `json:"usage_model"`
	Limits             json.RawMessage `json:"limits,omitempty"`
	Placement          json.RawMessage `json:"placement,omitempty"`
	// Bindings are the objects as sent (compacted), secret_text with its text: they leave the
	// mock only through bindingView.
	Bindings []json.RawMessage `json:"bindings"`
}

type workerModule struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Content     []byte `json:"content"`
}

type workerDeployment struct {
	ID          string              `json:"id"` // a UUID
	Created     time.Time           `json:"created"`
	Source      string              `json:"source"`
	AuthorEmail string              `json:"author_email"`
	Annotations map[string]string   `json:"annotations"`
	Versions    []deploymentVersion `json:"versions"`
}

// deploymentVersion is one entry of a deployment's traffic split, in the API's own shape.
type deploymentVersion struct {
	VersionID  string  `json:"version_id"`
	Percentage float64 `json:"percentage"`
}

func (s *Server) workerRoutes() []route {
	const account = "/accounts/{account_id}/workers"
	const scripts = account + "/scripts"
	const one = scripts + "/{script_name}"
	read, write := permWorkersScriptsRead, permWorkersScriptsWrite
	return []route{
		{method: http.MethodGet, pattern: scripts, permission: read, handle: s.listScripts},
		{method: http.MethodPut, pattern: one, permission: write, handle: s.uploadScript},
		{method: http.MethodGet, pattern: one, permission: read, handle: s.getScriptContent},
		{method: http.MethodDelete, pattern: one, permission: write, handle: s.deleteScript},
		{method: http.MethodGet, pattern: one + "/settings", permission: read, handle: s.getScriptSettings},
		{method: http.MethodPatch, pattern: one + "/settings", permission: write, handle: s.patchScriptSettings},
		{method: http.MethodGet, pattern: one + "/script-settings", permission: read, handle: s.getScriptLevelSettings},
		{method: http.MethodPatch, pattern: one + "/script-settings", permission: write, handle: s.patchScriptLevelSettings},
		{method: http.MethodGet, pattern: one + "/subdomain", permission: read, handle: s.getScriptSubdomain},
		{method: http.MethodPost, pattern: one + "/subdomain", permission: write, handle: s.setScriptSubdomain},
		{method: http.MethodGet, pattern: one + "/deployments", permission: read, handle: s.listDeployments},
		{method: http.MethodPost, pattern: one + "/deployments", permission: write, handle: s.createDeployment},
		{method: http.MethodGet, pattern: one + "/versions", permission: read, handle: s.listVersions},
		{method: http.MethodPost, pattern: one + "/versions", permission: write, handle: s.uploadVersion},
		{method: http.MethodGet, pattern: one + "/secrets", permission: read, handle: s.listScriptSecrets},
		{method: http.MethodGet, pattern: account + "/services/{service_name}", permission: read, handle: s.getService},
		{method: http.MethodGet, pattern: account + "/subdomain", permission: read, handle: s.getAccountSubdomain},
		{method: http.MethodGet, pattern: account + "/deployments/by-script/{script_name}", permission: read, handle: s.listDeploymentsByScript},
	}
}

// ---- Views: what the API returns. Each is a copy made under the lock. ----

// scriptView is the script object of PUT, the list and the services answer. Its fields are
// those of cloudflare-go's workers.Script plus `tag`, `compatibility_date` and
// `compatibility_flags`; deployment_id and startup_time_ms appear on the upload answer only
// (Wrangler reads them from it).
type scriptView struct {
	ID                 string          `json:"id"`
	Tag                string          `json:"tag"`
	Etag               string          `json:"etag"`
	Handlers           []string        `json:"handlers"`
	CreatedOn          string          `json:"created_on"`
	ModifiedOn         string          `json:"modified_on"`
	CompatibilityDate  string          `json:"compatibility_date"`
	CompatibilityFlags []string        `json:"compatibility_flags"`
	UsageModel         string          `json:"usage_model"`
	LastDeployedFrom   string          `json:"last_deployed_from"`
	HasAssets          bool            `json:"has_assets"`
	HasModules         bool            `json:"has_modules"`
	Logpush            bool            `json:"logpush"`
	TailConsumers      json.RawMessage `json:"tail_consumers,omitempty"`
	Placement          json.RawMessage `json:"placement,omitempty"`
	DeploymentID       string          `json:"deployment_id,omitempty"`
	StartupTimeMs      *int            `json:"startup_time_ms,omitempty"`
}

// scriptHandlers: the mock runs no code, so it cannot see which handlers a module exports; it
// reports `fetch`, the handler of every Worker the project deploys.
var scriptHandlers = []string{"fetch"}

func (ws *workerScript) view() scriptView {
	live := ws.live()
	return scriptView{
		ID:                 ws.Name,
		Tag:                ws.Tag,
		Etag:               live.Etag,
		Handlers:           slices.Clone(scriptHandlers),
		CreatedOn:          formatTime(ws.Created),
		ModifiedOn:         formatTime(ws.Modified),
		CompatibilityDate:  live.CompatibilityDate,
		CompatibilityFlags: nonNilStrings(live.CompatibilityFlags),
		UsageModel:         live.UsageModel,
		LastDeployedFrom:   live.Source,
		HasModules:         true, // main_module is required, so every script is a module Worker
		Logpush:            ws.Logpush,
		TailConsumers:      cloneRaw(ws.TailConsumers),
		Placement:          cloneRaw(live.Placement),
	}
}

// settingsView is GET/PATCH .../settings, the fields of cloudflare-go's
// ScriptScriptAndVersionSettingGetResponse: version settings of the live version plus the
// script-level ones. Unset observability and tail_consumers are null, placement `{}`.
type settingsView struct {
	Bindings           []json.RawMessage `json:"bindings"`
	CompatibilityDate  string            `json:"compatibility_date"`
	CompatibilityFlags []string          `json:"compatibility_flags"`
	Limits             json.RawMessage   `json:"limits,omitempty"`
	Logpush            bool              `json:"logpush"`
	Observability      json.RawMessage   `json:"observability"`
	Placement          json.RawMessage   `json:"placement"`
	Tags               []string          `json:"tags"`
	TailConsumers      json.RawMessage   `json:"tail_consumers"`
	UsageModel         string            `json:"usage_model"`
}

func (ws *workerScript) settingsView() settingsView {
	live := ws.live()
	placement := cloneRaw(live.Placement)
	if placement == nil {
		placement = json.RawMessage(`{}`)
	}
	return settingsView{
		Bindings:           bindingViews(live.Bindings),
		CompatibilityDate:  live.CompatibilityDate,
		CompatibilityFlags: nonNilStrings(live.CompatibilityFlags),
		Limits:             cloneRaw(live.Limits),
		Logpush:            ws.Logpush,
		Observability:      rawOrNull(ws.Observability),
		Placement:          placement,
		Tags:               nonNilStrings(ws.Tags),
		TailConsumers:      rawOrNull(ws.TailConsumers),
		UsageModel:         live.UsageModel,
	}
}

// scriptSettingsView is GET/PATCH .../script-settings (cloudflare-go's workers.ScriptSetting):
// script-level settings only, no bindings.
type scriptSettingsView struct {
	Logpush       bool            `json:"logpush"`
	Observability json.RawMessage `json:"observability"`
	TailConsumers json.RawMessage `json:"tail_consumers"`
}

func (ws *workerScript) scriptSettingsView() scriptSettingsView {
	return scriptSettingsView{
		Logpush:       ws.Logpush,
		Observability: rawOrNull(ws.Observability),
		TailConsumers: rawOrNull(ws.TailConsumers),
	}
}

type subdomainView struct {
	Enabled         bool `json:"enabled"`
	PreviewsEnabled bool `json:"previews_enabled"`
}

// deploymentView is a deployment as cloudflare-go's ScriptDeploymentGetResponseDeployment
// decodes it.
type deploymentView struct {
	ID          string              `json:"id"`
	Source      string              `json:"source"`
	Strategy    string              `json:"strategy"`
	AuthorEmail string              `json:"author_email"`
	CreatedOn   string              `json:"created_on"`
	Annotations map[string]string   `json:"annotations"`
	Versions    []deploymentVersion `json:"versions"`
}

func (d *workerDeployment) view() deploymentView {
	return deploymentView{
		ID:          d.ID,
		Source:      d.Source,
		Strategy:    "percentage",
		AuthorEmail: d.AuthorEmail,
		CreatedOn:   formatTime(d.Created),
		Annotations: cloneMap(d.Annotations),
		Versions:    slices.Clone(d.Versions),
	}
}

// versionView is a version in the list (id, number, metadata, annotations) and, with
// resources and startup_time_ms, the answer to a version upload.
type versionView struct {
	ID            string                `json:"id"`
	Number        int                   `json:"number"`
	Metadata      versionMetadataView   `json:"metadata"`
	Annotations   map[string]string     `json:"annotations"`
	Resources     *versionResourcesView `json:"resources,omitempty"`
	StartupTimeMs *int                  `json:"startup_time_ms,omitempty"`
}

type versionMetadataView struct {
	AuthorEmail string `json:"author_email"`
	CreatedOn   string `json:"created_on"`
	ModifiedOn  string `json:"modified_on"`
	Source      string `json:"source"`
	HasPreview  bool   `json:"hasPreview"` // sic: the API's spelling (cloudflare-go agrees)
}

type versionResourcesView struct {
	Bindings []json.RawMessage `json:"bindings"`
	Script   struct {
		Etag             string   `json:"etag"`
		Handlers         []string `json:"handlers"`
		LastDeployedFrom string   `json:"last_deployed_from"`
	} `json:"script"`
	ScriptRuntime struct {
		CompatibilityDate  string          `json:"compatibility_date"`
		CompatibilityFlags []string        `json:"compatibility_flags"`
		UsageModel         string          `json:"usage_model"`
		Limits             json.RawMessage `json:"limits,omitempty"`
	} `json:"script_runtime"`
}

func (v *workerVersion) view(withResources bool) versionView {
	out := versionView{
		ID:     v.ID,
		Number: v.Number,
		Metadata: versionMetadataView{
			AuthorEmail: v.AuthorEmail,
			CreatedOn:   formatTime(v.Created),
			ModifiedOn:  formatTime(v.Created),
			Source:      v.Source,
		},
		Annotations: cloneMap(v.Annotations),
	}
	if withResources {
		res := &versionResourcesView{Bindings: bindingViews(v.Bindings)}
		res.Script.Etag = v.Etag
		res.Script.Handlers = slices.Clone(scriptHandlers)
		res.Script.LastDeployedFrom = v.Source
		res.ScriptRuntime.CompatibilityDate = v.CompatibilityDate
		res.ScriptRuntime.CompatibilityFlags = nonNilStrings(v.CompatibilityFlags)
		res.ScriptRuntime.UsageModel = v.UsageModel
		res.ScriptRuntime.Limits = cloneRaw(v.Limits)
		out.Resources = res
		zero := 0
		out.StartupTimeMs = &zero
	}
	return out
}

// bindingViews returns bindings as stored, except that a secret_text binding loses its `text`:
// Cloudflare reads secret_text back without its value (API facts), and so does the mock, on
// every route.
func bindingViews(bindings []json.RawMessage) []json.RawMessage {
	views := make([]json.RawMessage, 0, len(bindings))
	for _, raw := range bindings {
		views = append(views, bindingView(raw))
	}
	return views
}

func bindingView(raw json.RawMessage) json.RawMessage {
	b, _ := parseBinding(raw) // stored bindings always parse
	if b.typ != bindingSecretText {
		return cloneRaw(raw)
	}
	delete(b.fields, "text")
	out, err := json.Marshal(b.fields)
	if err != nil {
		panic(err) // a map of raw JSON values always marshals
	}
	return out
}

// ---- Script routes ----

// listScripts answers every script of the account, oldest first. The API facts describe no
// paging for this list (cloudflare-go decodes it as a single page), so there is no result_info.
func (s *Server) listScripts(c *call) (reply, *apiError) {
	var scripts []*workerScript
	for _, ws := range s.workerScripts() {
		if ws.AccountID == c.accountID() {
			scripts = append(scripts, ws)
		}
	}
	slices.SortFunc(scripts, func(a, b *workerScript) int { return cmp.Compare(a.Seq, b.Seq) })
	views := make([]scriptView, 0, len(scripts))
	for _, ws := range scripts {
		views = append(views, ws.view())
	}
	return ok(views), nil
}

// uploadScript creates or replaces a script from a multipart upload and deploys the new
// version at 100 %. `excludeScript=true` (Wrangler) is accepted: the answer never carries the
// script content anyway. `bindings_inherit=strict` makes an inherit binding that names no
// current binding an error; without it such a binding is dropped.
func (s *Server) uploadScript(c *call) (reply, *apiError) {
	parts, apiErr := c.formParts()
	if apiErr != nil {
		return reply{}, apiErr
	}
	name := c.params["script_name"]
	if len(name) > maxScriptNameLength || !scriptNamePattern.MatchString(name) {
		return reply{}, errInvalidScriptName
	}
	ws := s.workerScripts()[workerKey(c.accountID(), name)]
	up, apiErr := s.parseUpload(c, parts, ws)
	if apiErr != nil {
		return reply{}, apiErr
	}

	now := s.now()
	if ws == nil {
		ws = &workerScript{
			AccountID: c.accountID(),
			Name:      name,
			Tag:       newID(),
			Created:   now,
			Modified:  now,
			Seq:       s.state.nextSeq(),
		}
		s.workerScripts()[workerKey(ws.AccountID, ws.Name)] = ws
	}
	up.applyScriptLevel(ws)
	version := ws.addVersion(up.version, now, "upload")
	deployment := ws.deploy([]deploymentVersion{{VersionID: version.ID, Percentage: 100}}, up.version.Source, "upload", "", now)
	ws.Modified = nextModified(ws.Modified, now)
	view := ws.view()
	view.DeploymentID = deployment.ID
	zero := 0
	view.StartupTimeMs = &zero
	return ok(view), nil
}

// getScriptContent answers the live version's main module as application/javascript, not an
// envelope: that is what cloudflare-go's ScriptService.Get asks for (Accept:
// application/javascript) and decodes (a string).
func (s *Server) getScriptContent(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	live := ws.live()
	for _, m := range live.Modules {
		if m.Name == live.MainModule {
			return reply{status: http.StatusOK, result: rawBody{
				contentType: mainModuleContentType,
				data:        bytes.Clone(m.Content),
			}}, nil
		}
	}
	return reply{}, errNoSuchModule // unreachable: an upload always holds its main module
}

// deleteScript removes the script with its versions and deployments. The answer is an envelope
// holding `{"id": name}` (API facts: never 204; clients expect JSON on DELETE).
func (s *Server) deleteScript(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	delete(s.workerScripts(), workerKey(ws.AccountID, ws.Name))
	return ok(map[string]string{"id": ws.Name}), nil
}

// ---- Settings ----

func (s *Server) getScriptSettings(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return ok(ws.settingsView()), nil
}

// settingsPatch is the JSON of the `settings` part. Absent fields leave the setting unchanged;
// raw fields also tell an explicit null (clear) from absence.
type settingsPatch struct {
	Bindings           *[]json.RawMessage `json:"bindings"`
	CompatibilityDate  *string            `json:"compatibility_date"`
	CompatibilityFlags *[]string          `json:"compatibility_flags"`
	UsageModel         *string            `json:"usage_model"`
	Limits             json.RawMessage    `json:"limits"`
	Placement          json.RawMessage    `json:"placement"`
	Logpush            *bool              `json:"logpush"`
	Observability      json.RawMessage    `json:"observability"`
	TailConsumers      json.RawMessage    `json:"tail_consumers"`
	Tags               *[]string          `json:"tags"`
}

// patchScriptSettings applies a multipart PATCH whose `settings` part holds JSON (API facts).
// `bindings`, when present, replaces the whole list (after resolving `inherit` and text-less
// `secret_text` entries against the live version; inherit is always strict here, since this
// route has no bindings_inherit parameter). A change to any version setting (bindings,
// compatibility, usage model, limits, placement) creates a version and deploys it, as
// Cloudflare does; logpush, observability, tail_consumers and tags are script-level. The
// multipart check comes before the script lookup: a request of the wrong shape is refused
// whatever it names.
func (s *Server) patchScriptSettings(c *call) (reply, *apiError) {
	parts, apiErr := c.formParts()
	if apiErr != nil {
		return reply{}, apiErr
	}
	i := slices.IndexFunc(parts, func(p formPart) bool { return p.name == "settings" })
	if i < 0 {
		return reply{}, errSettingsPart
	}
	var patch settingsPatch
	if json.Unmarshal(parts[i].data, &patch) != nil {
		return reply{}, errSettingsPart
	}
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	limits, okLimits := normaliseRaw(patch.Limits, '{')
	placement, okPlacement := normaliseRaw(patch.Placement, '{')
	observability, okObservability := normaliseRaw(patch.Observability, '{')
	tailConsumers, okTail := normaliseRaw(patch.TailConsumers, '[')
	if !okLimits || !okPlacement || !okObservability || !okTail {
		return reply{}, errSettingsPart
	}

	live := ws.live()
	next := live.successor()
	if patch.Bindings != nil {
		if next.Bindings, apiErr = resolveBindings(*patch.Bindings, live.Bindings, true, nil); apiErr != nil {
			return reply{}, apiErr
		}
	}
	if patch.CompatibilityDate != nil {
		next.CompatibilityDate = *patch.CompatibilityDate
	}
	if patch.CompatibilityFlags != nil {
		next.CompatibilityFlags = nonNilStrings(*patch.CompatibilityFlags)
	}
	if patch.UsageModel != nil {
		next.UsageModel = cmp.Or(*patch.UsageModel, defaultUsageModel)
	}
	if patch.Limits != nil {
		next.Limits = limits
	}
	if patch.Placement != nil {
		next.Placement = placement
	}
	newVersion := patch.Bindings != nil || patch.CompatibilityDate != nil || patch.CompatibilityFlags != nil ||
		patch.UsageModel != nil || patch.Limits != nil || patch.Placement != nil
	if newVersion {
		if apiErr := s.checkSecretsStoreBindings(c, next.Bindings); apiErr != nil {
			return reply{}, apiErr
		}
	}

	now := s.now()
	if newVersion {
		next.Source = deploySource(c.req)
		version := ws.addVersion(next, now, "update_settings")
		ws.deploy([]deploymentVersion{{VersionID: version.ID, Percentage: 100}}, next.Source, "update_settings", "", now)
	}
	scriptLevel := scriptLevelPatch{Logpush: patch.Logpush, Tags: patch.Tags}
	if patch.Observability != nil {
		scriptLevel.Observability = &observability
	}
	if patch.TailConsumers != nil {
		scriptLevel.TailConsumers = &tailConsumers
	}
	scriptLevel.apply(ws)
	ws.Modified = nextModified(ws.Modified, now)
	return ok(ws.settingsView()), nil
}

func (s *Server) getScriptLevelSettings(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return ok(ws.scriptSettingsView()), nil
}

// patchScriptLevelSettings takes plain JSON (API facts), whatever the Content-Type says
// (Wrangler sends JSON as text/plain). Bindings are not script-level: a `bindings` field is
// ignored like any other unknown field.
func (s *Server) patchScriptLevelSettings(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	var body struct {
		Logpush       *bool           `json:"logpush"`
		Observability json.RawMessage `json:"observability"`
		TailConsumers json.RawMessage `json:"tail_consumers"`
		Tags          *[]string       `json:"tags"`
	}
	if json.Unmarshal(c.body, &body) != nil {
		return reply{}, errWorkersBadBody
	}
	observability, okObservability := normaliseRaw(body.Observability, '{')
	tailConsumers, okTail := normaliseRaw(body.TailConsumers, '[')
	if !okObservability || !okTail {
		return reply{}, errWorkersBadBody
	}
	patch := scriptLevelPatch{Logpush: body.Logpush, Tags: body.Tags}
	if body.Observability != nil {
		patch.Observability = &observability
	}
	if body.TailConsumers != nil {
		patch.TailConsumers = &tailConsumers
	}
	patch.apply(ws)
	ws.Modified = nextModified(ws.Modified, s.now())
	return ok(ws.scriptSettingsView()), nil
}

// scriptLevelPatch holds the script-level settings a request changes; nil is "unchanged", a
// pointer to a nil RawMessage is "cleared".
type scriptLevelPatch struct {
	Logpush       *bool
	Observability *json.RawMessage
	TailConsumers *json.RawMessage
	Tags          *[]string
}

func (p scriptLevelPatch) apply(ws *workerScript) {
	if p.Logpush != nil {
		ws.Logpush = *p.Logpush
	}
	if p.Observability != nil {
		ws.Observability = *p.Observability
	}
	if p.TailConsumers != nil {
		ws.TailConsumers = *p.TailConsumers
	}
	if p.Tags != nil {
		ws.Tags = nonNilStrings(*p.Tags)
	}
}

// ---- workers.dev subdomains ----

// getAccountSubdomain answers the account's workers.dev subdomain. The mock has one fixed
// subdomain; the API facts only need it to exist.
func (s *Server) getAccountSubdomain(_ *call) (reply, *apiError) {
	return ok(map[string]string{"subdomain": mockWorkersSubdomain}), nil
}

// getScriptSubdomain: a new script starts with workers.dev and previews off, which is why
// Wrangler's deploy (API facts) follows its GET with a POST `{"enabled":true}`.
func (s *Server) getScriptSubdomain(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return ok(subdomainView{Enabled: ws.SubdomainEnabled, PreviewsEnabled: ws.PreviewsEnabled}), nil
}

// setScriptSubdomain takes `{"enabled":bool,"previews_enabled":bool}`; `enabled` is required
// (cloudflare-go marks it so), an absent previews_enabled is left as it was.
func (s *Server) setScriptSubdomain(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	var body struct {
		Enabled         *bool `json:"enabled"`
		PreviewsEnabled *bool `json:"previews_enabled"`
	}
	if json.Unmarshal(c.body, &body) != nil || body.Enabled == nil {
		return reply{}, errWorkersBadBody
	}
	ws.SubdomainEnabled = *body.Enabled
	if body.PreviewsEnabled != nil {
		ws.PreviewsEnabled = *body.PreviewsEnabled
	}
	ws.Modified = nextModified(ws.Modified, s.now())
	return ok(subdomainView{Enabled: ws.SubdomainEnabled, PreviewsEnabled: ws.PreviewsEnabled}), nil
}

// ---- Deployments and versions ----

// listDeployments answers `{"deployments":[...]}`, newest first: "the first deployment in the
// list is the latest deployment actively serving traffic" (cloudflare-go's documentation).
func (s *Server) listDeployments(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return ok(map[string][]deploymentView{"deployments": ws.deploymentViews()}), nil
}

// listDeploymentsByScript is the older route Wrangler may still call (API facts). The mock
// answers it with `latest` (the live deployment) and `items` (all of them, newest first), in the
// same deployment shape as the newer route.
func (s *Server) listDeploymentsByScript(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	views := ws.deploymentViews()
	return ok(map[string]any{"latest": views[0], "items": views}), nil
}

func (ws *workerScript) deploymentViews() []deploymentView {
	views := make([]deploymentView, 0, len(ws.Deployments))
	for i := len(ws.Deployments) - 1; i >= 0; i-- {
		views = append(views, ws.Deployments[i].view())
	}
	return views
}

// createDeployment takes `{"strategy":"percentage","versions":[{"version_id","percentage"}],
// "annotations":{"workers/message":..}}`: one or two distinct versions of this script whose
// percentages (each above 0) add up to 100. The answer is the new deployment.
func (s *Server) createDeployment(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	var body struct {
		Strategy    string              `json:"strategy"`
		Versions    []deploymentVersion `json:"versions"`
		Annotations map[string]string   `json:"annotations"`
	}
	if json.Unmarshal(c.body, &body) != nil {
		return reply{}, errWorkersBadBody
	}
	if body.Strategy != "percentage" || len(body.Versions) == 0 || len(body.Versions) > 2 {
		return reply{}, errDeploymentInvalid
	}
	total := 0.0
	seen := map[string]bool{}
	for _, v := range body.Versions {
		if v.Percentage <= 0 || seen[v.VersionID] || ws.version(v.VersionID) == nil {
			return reply{}, errDeploymentInvalid
		}
		seen[v.VersionID] = true
		total += v.Percentage
	}
	if total < 99.999 || total > 100.001 {
		return reply{}, errDeploymentInvalid
	}
	now := s.now()
	d := ws.deploy(body.Versions, deploySource(c.req), "deployment", body.Annotations["workers/message"], now)
	ws.Modified = nextModified(ws.Modified, now)
	return ok(d.view()), nil
}

// listVersions answers `{"items":[...]}` newest first with result_info, the page shape
// cloudflare-go's ScriptVersionService.List decodes. Paging follows the Secrets Store rules
// (page, per_page default 20, at most 100).
func (s *Server) listVersions(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	page, apiErr := parsePage(c.req.URL.Query())
	if apiErr != nil {
		return reply{}, apiErr
	}
	views := make([]versionView, 0, len(ws.Versions))
	for i := len(ws.Versions) - 1; i >= 0; i-- {
		views = append(views, ws.Versions[i].view(false))
	}
	items, info := paginate(views, page)
	return reply{status: http.StatusOK, result: map[string][]versionView{"items": items}, info: info}, nil
}

// uploadVersion is `wrangler versions upload`: the same multipart form and rules as the script
// upload, creating a version without deploying it. The script must exist (the mock's choice:
// a version belongs to a Worker, and the API facts have Wrangler use this route on existing
// Workers only).
func (s *Server) uploadVersion(c *call) (reply, *apiError) {
	parts, apiErr := c.formParts()
	if apiErr != nil {
		return reply{}, apiErr
	}
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	up, apiErr := s.parseUpload(c, parts, ws)
	if apiErr != nil {
		return reply{}, apiErr
	}
	now := s.now()
	up.applyScriptLevel(ws)
	version := ws.addVersion(up.version, now, "version_upload")
	ws.Modified = nextModified(ws.Modified, now)
	return ok(version.view(true)), nil
}

// listScriptSecrets is the legacy Workers secrets list: the live version's secret_text
// bindings as `{"name","type":"secret_text"}`, never their text.
func (s *Server) listScriptSecrets(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	type secretBindingView struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}
	views := []secretBindingView{}
	for _, raw := range ws.live().Bindings {
		if b, _ := parseBinding(raw); b.typ == bindingSecretText {
			views = append(views, secretBindingView{Name: b.name, Type: bindingSecretText})
		}
	}
	return ok(views), nil
}

// getService answers the service view of a script: Wrangler's first deploy call (API facts),
// where a 404 with code 10090 tells it the Worker is new. Every script has the one
// `production` environment.
func (s *Server) getService(c *call) (reply, *apiError) {
	ws, found := s.workerScripts()[workerKey(c.accountID(), c.params["service_name"])]
	if !found {
		return reply{}, errServiceNotFound
	}
	type environment struct {
		Environment string      `json:"environment"`
		CreatedOn   string      `json:"created_on"`
		ModifiedOn  string      `json:"modified_on"`
		Script      *scriptView `json:"script,omitempty"`
	}
	script := ws.view()
	created, modified := formatTime(ws.Created), formatTime(ws.Modified)
	return ok(map[string]any{
		"id":                  ws.Name,
		"default_environment": environment{Environment: "production", CreatedOn: created, ModifiedOn: modified, Script: &script},
		"created_on":          created,
		"modified_on":         modified,
		"environments":        []environment{{Environment: "production", CreatedOn: created, ModifiedOn: modified}},
	}), nil
}

// ---- Uploads and bindings ----

// uploadMetadata is the `metadata` part of an upload (API facts: main_module,
// compatibility_date, compatibility_flags, bindings, keep_bindings), plus the other fields
// Wrangler may send. Unknown fields are ignored.
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

// parseUpload validates the parts of a multipart upload against the script it replaces (nil for a new one)
// and changes nothing. Order (after the multipart shape, checked by the caller): metadata part, modules, main_module, bindings
// (shape, names, inherit, secret_text), then the Secrets Store binding check.
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
	observability, okObservability := normaliseRaw(meta.Observability, '{')
	tailConsumers, okTail := normaliseRaw(meta.TailConsumers, '[')
	if !okLimits || !okPlacement || !okObservability || !okTail {
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
		scriptLevel: scriptLevelPatch{Logpush: meta.Logpush, Tags: meta.Tags},
	}
	if meta.Observability != nil {
		up.scriptLevel.Observability = &observability
	}
	if meta.TailConsumers != nil {
		up.scriptLevel.TailConsumers = &tailConsumers
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
// version's bindings. Rules (API facts, and the mock's choices where they are silent):
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
// (API facts). For every secrets_store_secret binding of the version about to be created:
//
//  1. the caller's token must hold Workers Scripts Write AND Account Secrets Store Read on
//     this account (Cloudflare staff say some accounts need Secrets Store Write; the API facts
//     say follow the Read rule);
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

// secretByName finds a secret of a store by its name (names are unique per store).
func (s *Server) secretByName(storeID, name string) *secret {
	for _, sec := range s.storeSecrets(storeID) {
		if sec.Name == name {
			return sec
		}
	}
	return nil
}

// ---- Script bookkeeping ----

// workerScripts is the state's script map, created when a state file written before Workers
// existed (or holding `"workers":null`) was loaded.
func (s *Server) workerScripts() map[string]*workerScript {
	if s.state.Workers == nil {
		s.state.Workers = map[string]*workerScript{}
	}
	return s.state.Workers
}

// workerKey keys scripts by account and name: names are unique per account.
func workerKey(accountID, name string) string { return accountID + "/" + name }

// scriptFor finds the script named by the path on the path's account.
func (s *Server) scriptFor(c *call) (*workerScript, *apiError) {
	ws, found := s.workerScripts()[workerKey(c.accountID(), c.params["script_name"])]
	if !found {
		return nil, errScriptNotFound
	}
	return ws, nil
}

// live is the version serving the largest share of the newest deployment.
func (ws *workerScript) live() *workerVersion {
	latest := ws.Deployments[len(ws.Deployments)-1]
	best := latest.Versions[0]
	for _, v := range latest.Versions[1:] {
		if v.Percentage > best.Percentage {
			best = v
		}
	}
	return ws.version(best.VersionID)
}

func (ws *workerScript) version(id string) *workerVersion {
	for _, v := range ws.Versions {
		if v.ID == id {
			return v
		}
	}
	return nil
}

// successor is a copy of v to edit into the next version (modules are shared: never mutated).
func (v *workerVersion) successor() *workerVersion {
	next := *v
	next.ID, next.Number = "", 0
	next.Annotations = map[string]string{}
	next.CompatibilityFlags = slices.Clone(v.CompatibilityFlags)
	next.Bindings = slices.Clone(v.Bindings)
	return &next
}

// addVersion numbers and records a new version; triggeredBy goes into its annotations
// (`workers/triggered_by`: "upload" as Wrangler shows it; "version_upload" and
// "update_settings" are the mock's names for the other causes).
func (ws *workerScript) addVersion(v *workerVersion, now time.Time, triggeredBy string) *workerVersion {
	v.ID = newUUID()
	v.Number = 1
	if n := len(ws.Versions); n > 0 {
		v.Number = ws.Versions[n-1].Number + 1
	}
	v.Created = now
	v.AuthorEmail = mockAuthorEmail
	if v.Annotations == nil {
		v.Annotations = map[string]string{}
	}
	v.Annotations["workers/triggered_by"] = triggeredBy
	ws.Versions = append(ws.Versions, v)
	ws.prune()
	return v
}

// deploy records a deployment of versions (already validated) and makes it the newest.
func (ws *workerScript) deploy(versions []deploymentVersion, source, triggeredBy, message string, now time.Time) *workerDeployment {
	annotations := map[string]string{"workers/triggered_by": triggeredBy}
	if message != "" {
		annotations["workers/message"] = message
	}
	d := &workerDeployment{
		ID:          newUUID(),
		Created:     now,
		Source:      source,
		AuthorEmail: mockAuthorEmail,
		Annotations: annotations,
		Versions:    slices.Clone(versions),
	}
	ws.Deployments = append(ws.Deployments, d)
	ws.prune()
	return d
}

// prune keeps at most maxWorkerDeployments deployments and maxWorkerVersions versions,
// dropping the oldest; a version the newest deployment serves is never dropped.
func (ws *workerScript) prune() {
	if n := len(ws.Deployments); n > maxWorkerDeployments {
		ws.Deployments = slices.Clone(ws.Deployments[n-maxWorkerDeployments:])
	}
	serving := map[string]bool{}
	if n := len(ws.Deployments); n > 0 {
		for _, v := range ws.Deployments[n-1].Versions {
			serving[v.VersionID] = true
		}
	}
	for len(ws.Versions) > maxWorkerVersions {
		i := slices.IndexFunc(ws.Versions, func(v *workerVersion) bool { return !serving[v.ID] })
		if i < 0 {
			return
		}
		ws.Versions = slices.Delete(ws.Versions, i, i+1)
	}
}

// ---- Small helpers ----

// rawBody is a non-envelope answer (serveAPI writes it as is): the script content route.
type rawBody struct {
	contentType string
	data        []byte
}

func (b rawBody) write(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", b.contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b.data)
}

// deploySource is `last_deployed_from` / a version's `source`: "wrangler" when Wrangler made
// the request (its User-Agent starts with "wrangler/"), "api" for every other client.
func deploySource(r *http.Request) string {
	if strings.HasPrefix(strings.ToLower(r.UserAgent()), "wrangler") {
		return "wrangler"
	}
	return "api"
}

// modulesEtag hashes the modules, never the bindings: a secret_text value must not be
// derivable from anything the API returns.
func modulesEtag(mainModule string, modules []workerModule) string {
	h := sha256.New()
	// Writes to a hash.Hash never fail.
	_, _ = fmt.Fprintf(h, "%d:%s\n", len(mainModule), mainModule)
	for _, m := range modules {
		_, _ = fmt.Fprintf(h, "%d:%s %d:%s %d\n", len(m.Name), m.Name, len(m.ContentType), m.ContentType, len(m.Content))
		h.Write(m.Content)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// newUUID is a random (version 4) UUID, the shape of Cloudflare's version and deployment ids.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// normaliseRaw checks an optional JSON field that must be an object (kind '{') or an array
// (kind '['). Absent stays nil, null becomes nil (cleared), anything else is compacted; ok is
// false for a value of another kind.
func normaliseRaw(raw json.RawMessage, kind byte) (json.RawMessage, bool) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil, true
	}
	if trimmed[0] != kind {
		return nil, false
	}
	var compact bytes.Buffer
	if json.Compact(&compact, trimmed) != nil {
		return nil, false
	}
	return compact.Bytes(), true
}

func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func cloneRaw(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	return bytes.Clone(raw)
}

func rawOrNull(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return cloneRaw(raw)
}

func nonNilStrings(values []string) []string {
	if values == nil {
		return []string{}
	}
	return slices.Clone(values)
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
