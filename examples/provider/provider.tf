terraform {
  required_version = ">= 1.11" # write-only secret values
  required_providers {
    cfsecrets = {
      source = "cfsecrets/cfsecrets"
    }
  }
}

# The token and account come from CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID when left out.
provider "cfsecrets" {
  account_id = "0123456789abcdef0123456789abcdef"
  # api_token  = var.cloudflare_api_token  # prefer the CLOUDFLARE_API_TOKEN environment variable
  max_retries = 4
}
