# Every secret of the store, including those made with Wrangler or the dashboard. In a
# .tfquery.hcl file; `terraform query -generate-config-out=adopt.tf` (Terraform 1.14 or later)
# writes an import block and a resource block for each.
list "cfsecrets_secret" "existing" {
  provider = cfsecrets
  config {
    store_id = "9a7806061c88ada191ed06f989cc3dac"
  }
}

# Only the secrets Workers may read whose name or comment mentions stripe.
list "cfsecrets_secret" "stripe_for_workers" {
  provider = cfsecrets
  config {
    store_id = "9a7806061c88ada191ed06f989cc3dac"
    search   = "stripe"
    scopes   = ["workers"]
  }
}
