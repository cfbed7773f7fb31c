package cloudflaremock

// The workers.dev routes: the account's subdomain and each script's.

import "encoding/json"

// getAccountSubdomain answers the account's workers.dev subdomain. The mock has one fixed
// subdomain (FACTS.md, Workers: subdomains).
func (s *Server) getAccountSubdomain(_ *call) (reply, *apiError) {
	return ok(map[string]string{"subdomain": mockWorkersSubdomain}), nil
}

// getScriptSubdomain: a new script starts with workers.dev and previews off, which is why
// Wrangler's deploy (FACTS.md, Workers: services and Wrangler's deploy) follows its GET with a POST
// `{"enabled":true}`.
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
