terraform {
  required_version = ">= 1.11" # write-only secret values
  required_providers {
    cfsecrets = {
      source = "cfsecrets/cfsecrets"
    }
  }

  # Keep state remote so scheduled drift plans see it, e.g.:
  # backend "s3" { bucket = "acme-terraform", key = "workers-secrets/production.tfstate", region = "eu-west-1" }
}

# Reads CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID from the environment.
provider "cfsecrets" {}

module "worker_secrets" {
  source = "../../modules/worker-secrets"

  environment = "production"
  worker_name = "checkout-production"
  # The store is created by the staging configuration (one store per account); this one reads it.
  create_store = false

  secrets = {
    stripe_key   = { binding = "STRIPE_KEY", version = var.stripe_key_version, comment = "Stripe live key" }
    database_url = { binding = "DATABASE_URL", version = var.database_url_version }
  }
  secret_values = {
    stripe_key   = var.stripe_key
    database_url = var.database_url
  }
}
