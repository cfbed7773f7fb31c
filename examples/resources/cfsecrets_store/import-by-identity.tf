# Terraform or OpenTofu 1.12 or later. account_id may be left out: the provider's is used.
import {
  to = cfsecrets_store.main
  identity = {
    id = "9a7806061c88ada191ed06f989cc3dac"
  }
}
