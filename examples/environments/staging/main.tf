terraform {
  required_version = ">= 1.11" # write-only secret values
  required_providers {
    cfsecrets = {
      source = "cfsecrets/cfsecrets"
    }
  }

  # Keep state remote so scheduled drift plans see it, e.g.:
  # backend "s3" { bucket = "acme-terraform", key = "workers-secrets/staging.tfstate", region = "eu-west-1" }
}

# Reads CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID from the environment.
provider "cfsecrets" {}

module "worker_secrets" {
  source = "../../modules/worker-secrets"

  environment = "staging"
  worker_name = "checkout-staging"
  # Staging owns the account's single Secrets Store; production reads it.
  create_store = true

  secrets = {
    stripe_key   = { binding = "STRIPE_KEY", version = var.stripe_key_version, comment = "Stripe test-mode key" }
    database_url = { binding = "DATABASE_URL", version = var.database_url_version }
  }
  secret_values = {
    stripe_key   = var.stripe_key
    database_url = var.database_url
  }
}
