package cloudflaremock

// Workers scripts, following FACTS.md, Workers, and the answers cloudflare-go decodes.
//
// Model: a script is a list of versions and a list of deployments. An upload (PUT) and a
// settings PATCH that touches version settings create a version and deploy it at 100 %; POST
// .../versions creates a version without deploying it; POST .../deployments points traffic at
// existing versions. What GET .../settings shows, and what the binding rules resolve `inherit`
// and text-less `secret_text` against, is the live version: the one carrying the largest share
// of the newest deployment (FACTS.md, Workers: versions and deployments).
//
// Secrets: a `secret_text` binding's text is kept in the version (so in the 0600 state file, like
// a Secrets Store value) and never leaves the mock: every answer goes through bindingView, which
// drops `text` from secret_text bindings, the request log holds no bodies, error messages are
// fixed strings, and the etag hashes module content only.

import (
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
	// mockWorkersSubdomain is the account's workers.dev subdomain
	// (`<script>.mock-account.workers.dev`).
	mockWorkersSubdomain = "mock-account"
	// mockAuthorEmail stands in for the uploader on versions and deployments: the mock's
	// tokens belong to no user with an email address.
	mockAuthorEmail = "mock-user@example.com"
	// defaultUsageModel: "standard" is the only usage model the SDK still knows.
	defaultUsageModel = "standard"
	// The mock keeps at most this many versions and deployments per script, dropping the
	// oldest (never a version the newest deployment uses), so the state file stays bounded
	// across many deploys. The sources name no limit; 100 is ample for any test.
	maxWorkerVersions    = 100
	maxWorkerDeployments = 100
	// maxScriptNameLength: Worker names are at most 63 characters (they become a DNS label on
	// workers.dev).
	maxScriptNameLength = 63
)

// scriptNamePattern: lowercase letters, digits, `-` and `_`, as Wrangler and the dashboard
// require (a workers.dev hostname label).
var scriptNamePattern = regexp.MustCompile(`^[a-z0-9_-]+$`)

// Errors (FACTS.md, Workers: scripts, Workers: the binding check): 10001, 10007, 10090, 10201 and
// 10021 for the binding check come from the first notes; the other codes and all messages not
// quoted there are the mock's choices:
//   - 10021 for every other upload validation failure: it is the code Cloudflare uses for
//     rejected uploads ("could not read content for part metadata", "No such module ...").
//   - 10016 for a bad Worker name, 10026 for an unreadable JSON body on the plain-JSON routes.
//
// Every message is a fixed string, so no request content (a secret_text value) can reach one.
var (
	errScriptNotFound  = fail(http.StatusNotFound, 10007, "This Worker does not exist on your account.")
	errServiceNotFound = fail(http.StatusNotFound, 10090, "workers.api.error.service_not_found")
	// The binding check (FACTS.md, Workers: the binding check): one answer for every cause, so a
	// caller cannot probe which stores or secrets exist without the permission to read them.
	errSecretsStoreBinding = fail(http.StatusBadRequest, 10021,
		"failed to fetch secrets store binding due to authorization error - check deploy permissions and secret scopes")
	// A settings PATCH without a readable `settings` part: what cloudflare-go v4.6.0's
	// ScriptAndVersionSettings.Edit form gets (FACTS.md, Workers: settings).
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
