package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
)

// Changes made through the mock's API as a person in the dashboard or another tool would make
// them, for what the provider's own client has no call for.

// seedSecrets creates workers-scoped secrets in an existing store out of band.
func seedSecrets(t *testing.T, mock *cfsecretstest.Mock, storeID string, names ...string) {
	t.Helper()
	var secrets []cfclient.NewSecret
	for _, n := range names {
		secrets = append(secrets, cfclient.NewSecret{Name: n, Value: "value-of-" + n, Scopes: []string{"workers"}})
	}
	if _, err := mock.Client().CreateSecrets(context.Background(), mock.AccountID, storeID, secrets); err != nil {
		t.Fatal(err)
	}
}

// callAPI sends one request to the mock's Cloudflare API as the admin, fails the test unless it
// succeeds, and returns the answer's result.
func callAPI(t *testing.T, mock *cfsecretstest.Mock, method, path string, body any) json.RawMessage {
	t.Helper()
	var reader *bytes.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	} else {
		reader = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, mock.BaseURL+"/accounts/"+mock.AccountID+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+mock.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	var answer bytes.Buffer
	_, _ = answer.ReadFrom(res.Body)
	var envelope struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(answer.Bytes(), &envelope); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d %s", method, path, res.StatusCode, answer.String())
	}
	return envelope.Result
}

// tokenBody is a token as the dashboard's edit form sends it back: every field, changed by edit.
func tokenBody(t *testing.T, mock *cfsecretstest.Mock, tokenID string, edit func(body map[string]any)) map[string]any {
	t.Helper()
	token, err := mock.Client().GetAccountToken(context.Background(), mock.AccountID, tokenID)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(token)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"id", "issued_on", "modified_on", "value"} {
		delete(body, field)
	}
	for _, field := range []string{"not_before", "expires_on"} {
		if body[field] == "" {
			delete(body, field)
		}
	}
	edit(body)
	return body
}

// editToken changes a token as the dashboard does: a PUT of the whole token.
func editToken(t *testing.T, mock *cfsecretstest.Mock, tokenID string, edit func(body map[string]any)) {
	t.Helper()
	callAPI(t, mock, http.MethodPut, "/tokens/"+tokenID, tokenBody(t, mock, tokenID, edit))
}

// firstPolicy is the token body's first policy, to edit in place.
func firstPolicy(body map[string]any) map[string]any {
	return body["policies"].([]any)[0].(map[string]any)
}

func groupRefs(ids ...string) []map[string]string {
	refs := make([]map[string]string, len(ids))
	for i, id := range ids {
		refs[i] = map[string]string{"id": id}
	}
	return refs
}

func accountKey(mock *cfsecretstest.Mock) string {
	return fmt.Sprintf("com.cloudflare.api.account.%s", mock.AccountID)
}
