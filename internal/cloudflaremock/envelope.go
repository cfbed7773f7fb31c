package cloudflaremock

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// envelope is Cloudflare's answer wrapper (FACTS.md, Transport: envelope): `errors` and `messages`
// are always arrays, `result` is null on errors, `result_info` appears on lists only.
type envelope struct {
	Success    bool        `json:"success"`
	Errors     []errorItem `json:"errors"`
	Messages   []errorItem `json:"messages"`
	Result     any         `json:"result"`
	ResultInfo *resultInfo `json:"result_info,omitempty"`
}

type errorItem struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

// reply is a successful answer. Its result must be a copy made under the lock (a view), because
// it is encoded after the lock is released.
type reply struct {
	status int
	result any
	info   *resultInfo
	// messages is the envelope's `messages` (token verify answers one); nil writes [].
	messages []errorItem
}

func ok(result any) reply { return reply{status: http.StatusOK, result: result} }

// apiError is an error answer. Messages are fixed strings: never built from request content,
// so a secret value cannot end up in one.
type apiError struct {
	status int
	items  []errorItem
}

func fail(status, code int, message string) *apiError {
	return &apiError{status: status, items: []errorItem{{Code: code, Message: message}}}
}

// badRequest is the Secrets Store's usual validation error: 400, code 1001, a snake_case key as
// the message (FACTS.md, Secrets: errors).
func badRequest(message string) *apiError { return fail(http.StatusBadRequest, 1001, message) }

// Errors shared by every area.
var (
	// A missing or garbled token: 6003 "Invalid request headers" and 6111 "Invalid format for
	// Authorization header", both, 6003 first (FACTS.md, Transport: base URL and auth).
	errBadAuthHeader = &apiError{status: http.StatusBadRequest, items: []errorItem{
		{Code: 6003, Message: "Invalid request headers"},
		{Code: 6111, Message: "Invalid format for Authorization header"},
	}}
	errInvalidToken     = fail(http.StatusUnauthorized, 1000, "Invalid API Token")
	errForbidden        = fail(http.StatusForbidden, 10000, "Authentication error")
	errMethodNotAllowed = fail(http.StatusMethodNotAllowed, 10405, "Method not allowed")
	errInvalidJSON      = badRequest("invalid_json_body")
	// Oversized bodies and a failing disk are the mock's own answers, in the Secrets Store's
	// snake_case style (FACTS.md, Transport: request bodies, Transport: server errors and faults).
	errBodyTooLarge = fail(http.StatusRequestEntityTooLarge, 1001, "request_body_too_large")
	errSaveFailed   = fail(http.StatusInternalServerError, 1002, "internal_error")
)

func errNoRoute(path string) *apiError {
	if path == "" {
		path = "/"
	}
	return fail(http.StatusNotFound, 7003, "Could not route to "+path+", perhaps your object identifier is invalid?")
}

// decode parses the request body as JSON into v. An empty body, malformed JSON, trailing data or
// a value of the wrong shape (an object where an array is expected, a number for a name) are all
// `invalid_json_body`; unknown fields are ignored, as Cloudflare's schema validation does.
func (c *call) decode(v any) *apiError {
	if err := json.Unmarshal(c.body, v); err != nil {
		return errInvalidJSON
	}
	return nil
}

// firstJSONByte is the first non-space byte of the body, to tell `[...]` from `{...}`.
func (c *call) firstJSONByte() byte {
	trimmed := strings.TrimLeft(string(c.body), " \t\r\n")
	if trimmed == "" {
		return 0
	}
	return trimmed[0]
}

func writeReply(w http.ResponseWriter, rep reply) {
	messages := rep.messages
	if messages == nil {
		messages = []errorItem{}
	}
	writeJSON(w, rep.status, envelope{
		Success:    true,
		Errors:     []errorItem{},
		Messages:   messages,
		Result:     rep.result,
		ResultInfo: rep.info,
	})
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, envelope{
		Success:  false,
		Errors:   e.items,
		Messages: []errorItem{},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Results are plain views of strings, numbers and slices: they always marshal.
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// Paging (FACTS.md, Transport: paging): `page` from 1, `per_page`
// default 20, at most 100.
const (
	defaultPerPage = 20
	maxPerPage     = 100
)

type pageRequest struct {
	page    int
	perPage int
}

// parsePage reads page and per_page. Out-of-range values are rejected rather than clamped: a
// client asking for 500 per page and silently getting 100 could take a short page for the last
// one. The errors follow the Secrets Store's snake_case style (a decision of the mock).
func parsePage(q url.Values) (pageRequest, *apiError) {
	p := pageRequest{page: 1, perPage: defaultPerPage}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, badRequest("invalid_page")
		}
		p.page = n
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPerPage {
			return p, badRequest("invalid_per_page")
		}
		p.perPage = n
	}
	return p, nil
}

// paginate cuts one page out of items. A page past the end is an empty array, which is how
// clients know to stop (FACTS.md, Transport: paging: the SDK's auto-paging stops on an empty page).
func paginate[T any](items []T, p pageRequest) ([]T, *resultInfo) {
	start := len(items)
	// Compare by division: (page-1)*perPage overflows for a huge page number.
	if p.page-1 < (len(items)+p.perPage-1)/p.perPage {
		start = (p.page - 1) * p.perPage
	}
	end := min(start+p.perPage, len(items))
	page := append(make([]T, 0, end-start), items[start:end]...)
	return page, &resultInfo{
		Page:       p.page,
		PerPage:    p.perPage,
		Count:      len(page),
		TotalCount: len(items),
		TotalPages: (len(items) + p.perPage - 1) / p.perPage,
	}
}

// listOrder is a list's `order` and `direction` query.
type listOrder struct {
	field string
	desc  bool
}

// orderFields are the `order` values the API accepts on Secrets Store lists (the SDK offers the
// same five for stores and secrets).
var orderFields = []string{"name", "comment", "created", "modified", "status"}

// parseOrder reads order and direction; without them a list is oldest first. Unknown values are
// rejected (snake_case keys of the mock's choosing; FACTS.md, Secrets: list).
func parseOrder(q url.Values) (listOrder, *apiError) {
	o := listOrder{field: "created"}
	if v := q.Get("order"); v != "" {
		if !slices.Contains(orderFields, v) {
			return o, badRequest("invalid_order")
		}
		o.field = v
	}
	switch q.Get("direction") {
	case "", "asc":
	case "desc":
		o.desc = true
	default:
		return o, badRequest("invalid_direction")
	}
	return o, nil
}

// parseFlag reads a boolean query parameter as the SDKs send one: absent or "false" is false,
// "true" is true, anything else is the invalid error (FACTS.md, Stores; Tokens: list).
func parseFlag(q url.Values, name string, invalid *apiError) (bool, *apiError) {
	switch q.Get(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, invalid
}

// sortBy sorts items by the ordered field, breaking ties by creation sequence so pages are
// stable across requests; desc reverses the whole order.
func sortBy[T any](items []T, o listOrder, key func(T, string) string, seq func(T) uint64) {
	slices.SortFunc(items, func(a, b T) int {
		c := cmp.Or(strings.Compare(key(a, o.field), key(b, o.field)), cmp.Compare(seq(a), seq(b)))
		if o.desc {
			return -c
		}
		return c
	})
}
