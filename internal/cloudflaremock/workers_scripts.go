package cloudflaremock

// The script routes: list, upload, download, delete, the legacy secrets list and the service
// view Wrangler reads first.

import (
	"cmp"
	"net/http"
	"slices"
)

// listScripts answers every script of the account, oldest first, in one page without
// result_info (FACTS.md, Workers: scripts).
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
	ws.deploy([]deploymentVersion{{VersionID: version.ID, Percentage: 100}}, up.version.Source, "upload", "", now)
	ws.Modified = nextModified(ws.Modified, now)
	view := ws.view()
	zero := 0
	view.StartupTimeMs = &zero
	return ok(view), nil
}

// getScriptContent answers the live version's modules as a multipart form, one part per module
// under its name and with its content type, and no metadata part: the description's "script
// content as a multipart form" (see FACTS.md, "Workers: scripts"). It is not an envelope.
func (s *Server) getScriptContent(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return reply{status: http.StatusOK, result: modulesForm(ws.live().Modules)}, nil
}

// deleteScript removes the script with its versions and deployments. The answer is an envelope
// with a null result, never a 204 (see FACTS.md, "Workers: scripts").
func (s *Server) deleteScript(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	delete(s.workerScripts(), workerKey(ws.AccountID, ws.Name))
	return ok(nil), nil
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

// getService answers the service view of a script: Wrangler's first deploy call (FACTS.md,
// Workers: services and Wrangler's deploy),
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
