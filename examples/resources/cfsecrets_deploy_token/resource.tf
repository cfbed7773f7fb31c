# The token CI runs `wrangler deploy` with: Workers Scripts Edit and Account Secrets Store Read
# on this account, nothing else. The provider's own token needs Account API Tokens Write.
resource "cfsecrets_deploy_token" "ci" {
  name        = "checkout-ci-deploy"
  allowed_ips = ["192.0.2.0/24"] # your CI runners' egress range
  expires_on  = "2027-12-31T00:00:00Z"

  # Change a value to roll the token's value in place; the id stays the same.
  rotation_triggers = {
    rotated = "2026-11"
  }
}

# The value is sensitive and kept in state by design: CI needs it. Hand it over with
# `terraform output -raw deploy_token`, or use the ephemeral cfsecrets_deploy_token instead.
output "deploy_token" {
  value     = cfsecrets_deploy_token.ci.value
  sensitive = true
}
