package cloudflaremock

// Deployments and versions: which versions serve a script's traffic, and uploads that create a
// version without deploying it.

import (
	"encoding/json"
	"net/http"
)

// listDeployments answers `{"deployments":[...]}`, newest first: "the first deployment in the
// list is the latest deployment actively serving traffic" (cloudflare-go's documentation).
func (s *Server) listDeployments(c *call) (reply, *apiError) {
	ws, apiErr := s.scriptFor(c)
	if apiErr != nil {
		return reply{}, apiErr
	}
	return ok(map[string][]deploymentView{"deployments": ws.deploymentViews()}), nil
}

// listDeploymentsByScript is the older route Wrangler may still call (FACTS.md, Workers:
// versions and deployments). The mock
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
// a version belongs to a Worker, and Wrangler uses this route on existing
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
