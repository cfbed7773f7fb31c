# Terraform or OpenTofu 1.12 or later. Name the secret by name, by id, or both; account_id may be
# left out: the provider's is used. Without value_wo in the resource block the value stays with
# whoever sets it today (see "Who owns the value").
import {
  to = cfsecrets_secret.stripe_key
  identity = {
    store_id = "9a7806061c88ada191ed06f989cc3dac"
    name     = "stripe_key"
  }
}
