data "cfsecrets_store" "main" {}

# The same binding names in every environment, each pointing at that environment's secret.
data "cfsecrets_wrangler_config" "checkout" {
  environments = {
    staging = [
      { binding = "STRIPE_KEY", store_id = data.cfsecrets_store.main.id, secret_name = "stripe_key_staging" },
    ]
    production = [
      { binding = "STRIPE_KEY", store_id = data.cfsecrets_store.main.id, secret_name = "stripe_key_production" },
    ]
  }
}

# [[env.production.secrets_store_secrets]] ... for wrangler.toml; `jsonc` has the same for wrangler.jsonc.
output "wrangler_toml" {
  value = data.cfsecrets_wrangler_config.checkout.toml
}
