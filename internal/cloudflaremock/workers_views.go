package cloudflaremock

// What the Workers routes answer. Each view is a copy made under the lock; bindings always leave
// through bindingView, which drops the text of secret_text bindings.

import (
	"bytes"
	"encoding/json"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
)

// scriptView is the script object of PUT, the list and the services answer, in the description's
// shape (see FACTS.md, "Workers: scripts"); startup_time_ms appears on the upload answer only.
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

// settingsView is GET/PATCH .../settings: version settings of the live version plus the
// script-level ones. Unset observability is `{"enabled":false}`, unset tail_consumers null and
// unset placement absent (see FACTS.md, "Workers: settings").
type settingsView struct {
	Bindings           []json.RawMessage `json:"bindings"`
	CompatibilityDate  string            `json:"compatibility_date"`
	CompatibilityFlags []string          `json:"compatibility_flags"`
	Limits             json.RawMessage   `json:"limits,omitempty"`
	Logpush            bool              `json:"logpush"`
	Observability      json.RawMessage   `json:"observability"`
	Placement          json.RawMessage   `json:"placement,omitempty"`
	Tags               []string          `json:"tags"`
	TailConsumers      json.RawMessage   `json:"tail_consumers"`
	UsageModel         string            `json:"usage_model"`
}

func (ws *workerScript) settingsView() settingsView {
	live := ws.live()
	return settingsView{
		Bindings:           bindingViews(live.Bindings),
		CompatibilityDate:  live.CompatibilityDate,
		CompatibilityFlags: nonNilStrings(live.CompatibilityFlags),
		Limits:             cloneRaw(live.Limits),
		Logpush:            ws.Logpush,
		Observability:      ws.observabilityView(),
		Placement:          cloneRaw(live.Placement),
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
		Observability: ws.observabilityView(),
		TailConsumers: rawOrNull(ws.TailConsumers),
	}
}

// observabilityView is the script's observability object; the description has no null for it,
// and an unset one is off.
func (ws *workerScript) observabilityView() json.RawMessage {
	if ws.Observability == nil {
		return json.RawMessage(`{"enabled":false}`)
	}
	return cloneRaw(ws.Observability)
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

// versionView is a version in the list (id, number, metadata) and, with resources and
// startup_time_ms, the answer to a version upload. The description gives versions no
// annotations, so the mock keeps them without showing them (see FACTS.md, "Workers: versions and
// deployments").
type versionView struct {
	ID            string                `json:"id"`
	Number        int                   `json:"number"`
	Metadata      versionMetadataView   `json:"metadata"`
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
// Cloudflare reads secret_text back without its value (FACTS.md, Workers: bindings), and so does
// the mock, on
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

func (ws *workerScript) deploymentViews() []deploymentView {
	views := make([]deploymentView, 0, len(ws.Deployments))
	for i := len(ws.Deployments) - 1; i >= 0; i-- {
		views = append(views, ws.Deployments[i].view())
	}
	return views
}

// modulesForm is a script's content as the download route answers it: a multipart form with one
// part per module, named after it.
func modulesForm(modules []workerModule) rawBody {
	var buf bytes.Buffer
	form := multipart.NewWriter(&buf)
	for _, m := range modules {
		header := textproto.MIMEHeader{}
		header.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": m.Name, "filename": m.Name}))
		if m.ContentType != "" {
			header.Set("Content-Type", m.ContentType)
		}
		part, _ := form.CreatePart(header) // writes to a bytes.Buffer cannot fail
		_, _ = part.Write(m.Content)
	}
	_ = form.Close()
	return rawBody{contentType: form.FormDataContentType(), data: buf.Bytes()}
}

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
