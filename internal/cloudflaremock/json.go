package cloudflaremock

// Small helpers for the raw JSON values the Workers routes store and copy.

import (
	"bytes"
	"encoding/json"
	"slices"
)

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
