package cloudflaremock

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/cloudflare/cloudflare-go/v7/shared"
)

// The contract test (contract_test.go) checks the mock's answers against Cloudflare's published
// API description as cloudflare-go v7 carries it: v7's response types are generated from the
// OpenAPI description, and its decoder (internal/apijson) records, in each struct's `JSON` field,
// whether every field was present, null, of the wrong type, or not in the description at all
// (ExtraFields). shapeProblems reads that record.

// apiField is the part of v7's apijson.Field the checker needs (the type itself is internal).
type apiField interface {
	IsNull() bool
	IsMissing() bool
	IsInvalid() bool
	Raw() string
}

// knownValue is implemented by v7's enum types.
type knownValue interface{ IsKnown() bool }

var (
	apiFieldType   = reflect.TypeFor[apiField]()
	knownValueType = reflect.TypeFor[knownValue]()
)

// shapeProblems decodes raw (found at path at) into a new value of the v7 type of want (a
// pointer) and lists what a client generated from the description would notice: a required field
// missing, a field of the wrong type, a null where the description allows none, a value outside
// an enum, a field the description does not have.
func shapeProblems(at string, raw json.RawMessage, want any) (problems []string) {
	defer func() {
		if r := recover(); r != nil { // the SDK's decoder panics on some shapes it cannot take
			problems = append(problems, fmt.Sprintf("%s: the v7 decoder cannot take %.80s: %v", at, raw, r))
		}
	}()
	target := reflect.New(reflect.TypeOf(want).Elem())
	if err := json.Unmarshal(raw, target.Interface()); err != nil {
		return []string{fmt.Sprintf("%s does not decode as %s: %v", at, target.Elem().Type(), err)}
	}
	walkShape(at, target.Elem(), func(at, problem string) {
		problems = append(problems, at+": "+problem)
	})
	return problems
}

// shapeListProblems is shapeProblems for a result that must be an array of want's type.
func shapeListProblems(at string, raw json.RawMessage, want any) []string {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return []string{fmt.Sprintf("%s is %.60s, not an array", at, raw)}
	}
	var problems []string
	for i, item := range items {
		problems = append(problems, shapeProblems(fmt.Sprintf("%s[%d]", at, i), item, want)...)
	}
	return problems
}

// envelopeProblems checks what every answer carries: `success`, `errors` and `messages` (each item
// a v7 shared.ResponseInfo), a `result`, and nothing else but `result_info`.
func envelopeProblems(body []byte, wantSuccess bool) (map[string]json.RawMessage, []string) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, []string{fmt.Sprintf("answer is not a JSON object: %v", err)}
	}
	var problems []string
	for key := range top {
		if !slices.Contains([]string{"success", "errors", "messages", "result", "result_info"}, key) {
			problems = append(problems, fmt.Sprintf("envelope: unexpected field %q", key))
		}
	}
	if string(top["success"]) != fmt.Sprint(wantSuccess) {
		problems = append(problems, fmt.Sprintf("envelope: success is %s, want %v", top["success"], wantSuccess))
	}
	for _, key := range []string{"errors", "messages"} {
		problems = append(problems, shapeListProblems(key, top[key], &shared.ResponseInfo{})...)
	}
	return top, problems
}

// walkShape reports the problems of one decoded value at path at.
func walkShape(at string, v reflect.Value, report func(at, problem string)) {
	if v.Kind() != reflect.Interface && v.Type().Implements(knownValueType) && !v.IsZero() &&
		!v.Interface().(knownValue).IsKnown() {
		report(at, fmt.Sprintf("%v is not a value the description lists", v.Interface()))
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkShape(at, v.Elem(), report)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkShape(fmt.Sprintf("%s[%d]", at, i), v.Index(i), report)
		}
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		for _, k := range keys {
			walkShape(fmt.Sprintf("%s[%v]", at, k), v.MapIndex(k), report)
		}
	case reflect.Struct:
		walkStruct(at, v, report)
	}
}

func walkStruct(at string, v reflect.Value, report func(at, problem string)) {
	meta := v.FieldByName("JSON")
	if !meta.IsValid() || meta.Kind() != reflect.Struct {
		return // time.Time and the like
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		status := meta.FieldByName(f.Name)
		if !status.IsValid() || !status.Type().Implements(apiFieldType) {
			continue
		}
		field := status.Interface().(apiField)
		api := strings.Split(f.Tag.Get("api"), ",")
		required := slices.Contains(api, "required") || strings.Contains(f.Tag.Get("json"), ",required")
		nullable := slices.Contains(api, "nullable")
		switch {
		case field.IsMissing():
			if required {
				report(at, fmt.Sprintf("required field %q is missing", name))
			}
		case field.IsInvalid():
			report(at, fmt.Sprintf("field %q has the wrong type: %.80s", name, field.Raw()))
		case field.IsNull():
			if !nullable && f.Type.Kind() != reflect.Interface {
				report(at, fmt.Sprintf("field %q is null where the description has a %s", name, f.Type.Kind()))
			}
		default:
			walkShape(at+"."+name, v.Field(i), report)
		}
	}
	if extra := meta.FieldByName("ExtraFields"); extra.IsValid() {
		keys := extra.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			report(at, fmt.Sprintf("unexpected field %q (not in the description)", k.String()))
		}
	}
}
