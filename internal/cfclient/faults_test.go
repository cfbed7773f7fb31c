package cfclient_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

// faultOnce is a transport that removes the mock's injected faults as soon as one has hit a
// request (a 5xx answer or a dropped connection), so exactly the first attempt is faulted and
// the retry meets a healthy API. No timing is involved. It has its own connection pool: Go's
// transport itself resends a GET whose reused connection drops, which would hide the drop.
type faultOnce struct {
	a         *api
	transport http.RoundTripper
	cleared   atomic.Bool
}

func newFaultOnce(a *api) *faultOnce {
	return &faultOnce{a: a, transport: http.DefaultTransport.(*http.Transport).Clone()}
}

func (f *faultOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := f.transport.RoundTrip(req)
	if (err != nil || res.StatusCode >= 500) && f.cleared.CompareAndSwap(false, true) {
		if err := f.a.Control().ClearFaults(context.Background()); err != nil {
			return nil, err
		}
	}
	return res, err
}

func (a *api) putFaults(set string) {
	a.t.Helper()
	faults, err := cloudflaremock.ParseFaults([]byte(set))
	if err == nil {
		err = a.Control().SetFaults(a.t.Context(), faults)
	}
	if err != nil {
		a.t.Fatal(err)
	}
}

func TestRetriesAgainstInjectedFaults(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		rule  string
		call  func(a *api, c *cfclient.Client, storeID string) error
		path  string // suffix of the faulted request
		fault string
		// wantRetried: the faulted request is followed by a successful retry; otherwise the
		// call fails with wantStatus and the request is not sent again.
		wantRetried bool
		wantStatus  int
	}{
		{name: "503 on a GET listing is retried",
			rule: `{"method":"GET","path":"/accounts/*/secrets_store/stores/*/secrets","probability":1,"kind":"error","status":503}`,
			call: func(a *api, c *cfclient.Client, storeID string) error {
				_, err := c.ListSecrets(ctx, a.AccountID, storeID, cfclient.SecretFilter{})
				return err
			},
			path: "/secrets", fault: "error", wantRetried: true},
		{name: "dropped connection on a GET is retried",
			rule: `{"method":"GET","path":"/accounts/*/workers/scripts/*/settings","probability":1,"kind":"drop_before"}`,
			call: func(a *api, c *cfclient.Client, _ string) error {
				_, err := c.ScriptBindings(ctx, a.AccountID, "app")
				return err
			},
			path: "/settings", fault: "drop_before", wantRetried: true},
		{name: "503 after the change on a POST is not retried",
			rule: `{"method":"POST","path":"/accounts/*/secrets_store/stores/*/secrets","probability":1,"kind":"error_after","status":503}`,
			call: func(a *api, c *cfclient.Client, storeID string) error {
				_, err := c.CreateSecrets(ctx, a.AccountID, storeID, []cfclient.NewSecret{{Name: "NEW", Value: "v", Scopes: []string{"workers"}}})
				return err
			},
			path: "/secrets", fault: "error_after", wantStatus: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each retry waits a jittered backoff of up to half a second
			a := newAPI(t, cloudflaremock.Config{})
			storeID := a.createStore()
			a.createSecrets(storeID, 2)
			a.deploy("app")
			a.ClearRequests(a.t)
			a.putFaults(`{"seed":1,"rules":[` + tt.rule + `]}`)
			c := a.newClient(cfclient.Config{MaxRetries: 3, HTTPClient: &http.Client{Transport: newFaultOnce(a)}})

			err := tt.call(a, c, storeID)
			log := a.Requests(a.t)
			if len(log) == 0 || log[0].Fault != tt.fault || !strings.HasSuffix(log[0].Path, tt.path) {
				t.Fatalf("request log %+v, want the first request faulted with %s", log, tt.fault)
			}
			if tt.wantRetried {
				if err != nil {
					t.Fatalf("err = %v, want success after a retry", err)
				}
				if len(log) != 2 || log[1].Path != log[0].Path || log[1].Fault != "" || log[1].Status != http.StatusOK {
					t.Errorf("request log %+v, want the faulted request then one successful retry", log)
				}
				return
			}
			if apiErr, ok := cfclient.AsAPIError(err); !ok || apiErr.Status != tt.wantStatus {
				t.Errorf("err = %v, want HTTP %d", err, tt.wantStatus)
			}
			if len(log) != 1 {
				t.Errorf("request log %+v, want the one faulted request: a POST is not resent", log)
			}
			if log[0].HandlerStatus != http.StatusOK {
				t.Errorf("handler status %d: the change should have been applied behind the 503", log[0].HandlerStatus)
			}
		})
	}
}
