package cfclient

import (
	"encoding/json"

	"github.com/cloudflare/cloudflare-go/v4/option"
)

// Every place where cloudflare-go v4.6.0 sends what Cloudflare does not expect, or cannot send
// what the provider needs, is fixed here with the SDK's own request options, so the rest of the
// package calls the SDK as if it were right.

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

// bulkDeleteIDs: the SDK's bulk delete sends no body; the API wants {"ids":[...]}.
func bulkDeleteIDs(ids []string) option.RequestOption {
	return jsonBody(map[string][]string{"ids": ids})
}

// secretListScopes: the SDK's list parameters have no `scopes` filter.
func secretListScopes(scopes []string) []option.RequestOption {
	opts := make([]option.RequestOption, 0, len(scopes))
	for _, scope := range scopes {
		opts = append(opts, option.WithQueryAdd("scopes", scope))
	}
	return opts
}

func jsonBody(v any) option.RequestOption {
	body, err := json.Marshal(v)
	if err != nil {
		// Only plain structs, maps and slices are passed here; they always marshal.
		panic(err)
	}
	return option.WithRequestBody("application/json", body)
}
