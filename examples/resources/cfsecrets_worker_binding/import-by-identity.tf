# Terraform or OpenTofu 1.12 or later. account_id may be left out: the provider's is used.
import {
  to = cfsecrets_worker_binding.stripe_key
  identity = {
    script_name = "checkout"
    name        = "STRIPE_KEY"
  }
}
