# The account's deploy tokens: one allow policy on exactly this account holding Workers Scripts
# Write and Account Secrets Store Read (more account-scoped permissions become
# extra_permissions). In a .tfquery.hcl file, for `terraform query` (Terraform 1.14 or later).
list "cfsecrets_deploy_token" "ci" {
  provider = cfsecrets
}
