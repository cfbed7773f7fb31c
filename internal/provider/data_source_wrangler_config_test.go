package provider_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfsecretstest"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cloudflaremock"
)

type wranglerFile struct {
	Env map[string]struct {
		SecretsStoreSecrets []map[string]string `toml:"secrets_store_secrets" json:"secrets_store_secrets"`
	} `toml:"env" json:"env"`
}

func TestAccWranglerConfig_rendersTOMLAndJSONThatParse(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	const store = "9a7806061c88ada191ed06f989cc3dac"
	want := map[string][]map[string]string{
		"production": {
			{"binding": "STRIPE_KEY", "store_id": store, "secret_name": "stripe_key_prod"},
			{"binding": "DB_URL", "store_id": store, "secret_name": "db_url_prod"},
		},
		"staging": {{"binding": "STRIPE_KEY", "store_id": store, "secret_name": "stripe_key_staging"}},
	}
	parsesToWant := func(s *terraform.State) error {
		attrs := s.RootModule().Resources["data.cfsecrets_wrangler_config.app"].Primary.Attributes
		var fromTOML, fromJSON wranglerFile
		if _, err := toml.Decode(attrs["toml"], &fromTOML); err != nil {
			return fmt.Errorf("the TOML does not parse: %w\n%s", err, attrs["toml"])
		}
		if err := json.Unmarshal([]byte(attrs["jsonc"]), &fromJSON); err != nil {
			return fmt.Errorf("the JSON does not parse: %w\n%s", err, attrs["jsonc"])
		}
		for format, parsed := range map[string]wranglerFile{"TOML": fromTOML, "JSON": fromJSON} {
			got := map[string][]map[string]string{}
			for env, section := range parsed.Env {
				got[env] = section.SecretsStoreSecrets
			}
			if !reflect.DeepEqual(got, want) {
				return fmt.Errorf("the %s holds %v, want %v", format, got, want)
			}
		}
		return nil
	}
	resource.ParallelTest(t, acceptanceCase(resource.TestStep{
		Config: mock.ProviderBlock() + `
data "cfsecrets_wrangler_config" "app" {
  environments = {
    staging = [
      { binding = "STRIPE_KEY", store_id = "` + store + `", secret_name = "stripe_key_staging" },
    ]
    production = [
      { binding = "STRIPE_KEY", store_id = "` + store + `", secret_name = "stripe_key_prod" },
      { binding = "DB_URL", store_id = "` + store + `", secret_name = "db_url_prod" },
    ]
  }
}
`,
		Check: parsesToWant,
	}))
}

func TestAccWranglerConfig_rejectsNamesWranglerCannotUse(t *testing.T) {
	mock := cfsecretstest.StartMock(t, cloudflaremock.Config{})
	withEnvironment := func(env, binding string) string {
		return mock.ProviderBlock() + `
data "cfsecrets_wrangler_config" "app" {
  environments = {
    "` + env + `" = [{ binding = "` + binding + `", store_id = "9a7806061c88ada191ed06f989cc3dac", secret_name = "ok" }]
  }
}
`
	}
	resource.ParallelTest(t, acceptanceCase(
		resource.TestStep{Config: withEnvironment("prod env", "OK"), ExpectError: errorSaying(`"prod env" must be a Wrangler environment name`)},
		resource.TestStep{Config: withEnvironment("prod", "1BAD"), ExpectError: errorSaying(`"1BAD" must be a JavaScript identifier`)},
	))
}
