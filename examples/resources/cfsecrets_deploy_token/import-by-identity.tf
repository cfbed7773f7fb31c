# Terraform or OpenTofu 1.12 or later. account_id may be left out: the provider's is used.
import {
  to = cfsecrets_deploy_token.ci
  identity = {
    account_id = "0123456789abcdef0123456789abcdef"
    id         = "ed17574386854bf78a67040be0a770b0"
  }
}
