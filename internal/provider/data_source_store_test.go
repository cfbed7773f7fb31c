package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

func TestAccStoreDataSource_lookups(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	store, err := mock.Client().CreateStore(context.Background(), mock.AccountID, "from_wrangler")
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(args string) string {
		return mock.ProviderBlock() + `data "cfsecrets_store" "s" {` + args + `}`
	}
	found := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.cfsecrets_store.s", tfjsonpath.New("id"), knownvalue.StringExact(store.ID)),
		statecheck.ExpectKnownValue("data.cfsecrets_store.s", tfjsonpath.New("name"), knownvalue.StringExact("from_wrangler")),
		statecheck.ExpectKnownValue("data.cfsecrets_store.s", tfjsonpath.New("created"), knownvalue.StringExact(store.Created)),
	}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{Config: lookup(""), ConfigStateChecks: found},
		resource.TestStep{Config: lookup(`name = "from_wrangler"`), ConfigStateChecks: found},
		resource.TestStep{Config: lookup(`id = "` + store.ID + `"`), ConfigStateChecks: found},
		resource.TestStep{
			Config:      lookup(`name = "nope"`),
			ExpectError: errorSaying("No store matches", `"from_wrangler" (`+store.ID+")"),
		},
	))
}

func TestAccStoreDataSource_noStoreYet(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config:      mock.ProviderBlock() + `data "cfsecrets_store" "s" {}`,
		ExpectError: errorSaying("no Secrets Store yet"),
	}))
}
