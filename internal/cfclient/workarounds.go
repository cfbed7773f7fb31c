package cfclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"slices"

	cloudflare "github.com/cloudflare/cloudflare-go/v4"
	"github.com/cloudflare/cloudflare-go/v4/accounts"
	"github.com/cloudflare/cloudflare-go/v4/option"
	"github.com/cloudflare/cloudflare-go/v4/secrets_store"
	"github.com/cloudflare/cloudflare-go/v4/workers"
)

// Every place where cloudflare-go v4.6.0 sends what Cloudflare does not expect, or cannot send
// what the provider needs, is fixed here with the SDK's own request options, so the rest of the
// package calls the SDK as if it were right.

// newSDK: cloudflare.NewClient reads CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL and
// CLOUDFLARE_API_USER_SERVICE_KEY from the environment and would send them as X-Auth-* headers
// beside the configured token; those headers are removed. It also hands every service one
// options slice with spare capacity, to which each call appends, so concurrent calls can
// overwrite each other's options; the services used here are rebuilt on a clipped copy.
func newSDK(opts []option.RequestOption) *cloudflare.Client {
	opts = append(opts,
		option.WithHeaderDel("X-Auth-Key"),
		option.WithHeaderDel("X-Auth-Email"),
		option.WithHeaderDel("X-Auth-User-Service-Key"))
	sdk := cloudflare.NewClient(opts...)
	sdk.Options = slices.Clip(sdk.Options)
	sdk.Accounts = accounts.NewAccountService(sdk.Options...)
	sdk.SecretsStore = secrets_store.NewSecretsStoreService(sdk.Options...)
	sdk.Workers = workers.NewWorkerService(sdk.Options...)
	return sdk
}

// storeCreateAsObject: the SDK sends the store create body as a one-element array; the API
// (and Wrangler) use a plain object.
func storeCreateAsObject(name string) option.RequestOption {
	return jsonBody(map[string]string{"name": name})
}

// secretCreateWithComments: the SDK's create body has no `comment` field, so the whole array is
// sent as the provider built it.
func secretCreateWithComments(secrets []NewSecret) option.RequestOption {
	return jsonBody(secrets)
}

// secretPatchFields: the SDK's edit body lacks `comment` and always sends `name`; the API allows
// only value, comment and scopes, so the body is exactly the fields being changed.
func secretPatchFields(patch SecretPatch) option.RequestOption {
	return jsonBody(patch)
}

// bulkDeleteIDs: the SDK's bulk delete sends no body; the API's description takes an array of
// `{"id":...}` objects (see the mock's FACTS.md, "Secrets: deletes").
func bulkDeleteIDs(ids []string) option.RequestOption {
	items := make([]map[string]string, len(ids))
	for i, id := range ids {
		items[i] = map[string]string{"id": id}
	}
	return jsonBody(items)
}

// tokenListWithExpired: the SDK's token list parameters have no `include_expired`, and without
// it Cloudflare leaves expired tokens out, so an expired deploy token would read as deleted.
func tokenListWithExpired() option.RequestOption {
	return option.WithQuery("include_expired", "true")
}

// secretListScopes: the SDK's list parameters have no `scopes` filter.
func secretListScopes(scopes []string) []option.RequestOption {
	opts := make([]option.RequestOption, 0, len(scopes))
	for _, scope := range scopes {
		opts = append(opts, option.WithQueryAdd("scopes", scope))
	}
	return opts
}

// settingsPatchBindings: the SDK encodes the settings PATCH as a form Cloudflare rejects (400
// code 10201); the API wants one multipart part named `settings` holding the JSON.
func settingsPatchBindings(bindings []Binding) option.RequestOption {
	form := newMultipartForm()
	form.part("settings", "application/json", mustMarshal(map[string]any{"bindings": bindings}))
	return form.body()
}

// scriptUploadMultipart: the SDK sends a script upload as JSON, which Cloudflare rejects (415,
// code 10001); the API wants a `metadata` part and one part per module file.
func scriptUploadMultipart(metadata map[string]any, modules []WorkerModule) option.RequestOption {
	form := newMultipartForm()
	form.part("metadata", "application/json", mustMarshal(metadata))
	for _, m := range modules {
		form.part(m.Name, "application/javascript+module", []byte(m.Content))
	}
	return form.body()
}

// multipartForm builds a multipart body in memory, where writes cannot fail.
type multipartForm struct {
	buf    bytes.Buffer
	writer *multipart.Writer
}

func newMultipartForm() *multipartForm {
	f := &multipartForm{}
	f.writer = multipart.NewWriter(&f.buf)
	return f
}

// part adds a part; module parts carry their file name, as Wrangler sends them.
func (f *multipartForm) part(name, contentType string, content []byte) {
	header := textproto.MIMEHeader{}
	disposition := fmt.Sprintf("form-data; name=%q", name)
	if contentType != "application/json" {
		disposition += fmt.Sprintf("; filename=%q", name)
	}
	header.Set("Content-Disposition", disposition)
	header.Set("Content-Type", contentType)
	w, _ := f.writer.CreatePart(header)
	_, _ = w.Write(content)
}

func (f *multipartForm) body() option.RequestOption {
	_ = f.writer.Close()
	return option.WithRequestBody(f.writer.FormDataContentType(), f.buf.Bytes())
}

func jsonBody(v any) option.RequestOption {
	return option.WithRequestBody("application/json", mustMarshal(v))
}

// mustMarshal encodes values this package built itself (plain structs, maps, slices, raw JSON
// read from Cloudflare), which always encode.
func mustMarshal(v any) []byte {
	body, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return body
}
