package cloudflaremock

// The settings routes: .../settings (version and script-level settings, multipart PATCH) and
// .../script-settings (script-level only, plain JSON).

import (
	"cmp"
	"encoding/json"
	"slices"
)

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

// patchScriptSettings applies a multipart PATCH whose `settings` part holds JSON (FACTS.md,
// Workers: settings).
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
	scriptLevel, okScriptLevel := newScriptLevelPatch(patch.Logpush, patch.Tags, patch.Observability, patch.TailConsumers)
	if !okLimits || !okPlacement || !okScriptLevel {
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

// patchScriptLevelSettings takes plain JSON (FACTS.md, Workers: settings), whatever the
// Content-Type says (Wrangler sends JSON as text/plain). Bindings are not script-level: a
// `bindings` field is ignored like any other unknown field.
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
	patch, valid := newScriptLevelPatch(body.Logpush, body.Tags, body.Observability, body.TailConsumers)
	if !valid {
		return reply{}, errWorkersBadBody
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

// newScriptLevelPatch is the script-level part of a body: observability and tail_consumers are
// normalised, and set (null clears them) only when the body has them. ok is false when one of them
// is not a JSON object, or array, as the field needs.
func newScriptLevelPatch(logpush *bool, tags *[]string, observability, tailConsumers json.RawMessage) (scriptLevelPatch, bool) {
	patch := scriptLevelPatch{Logpush: logpush, Tags: tags}
	normalisedObservability, okObservability := normaliseRaw(observability, '{')
	normalisedTail, okTail := normaliseRaw(tailConsumers, '[')
	if observability != nil {
		patch.Observability = &normalisedObservability
	}
	if tailConsumers != nil {
		patch.TailConsumers = &normalisedTail
	}
	return patch, okObservability && okTail
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
