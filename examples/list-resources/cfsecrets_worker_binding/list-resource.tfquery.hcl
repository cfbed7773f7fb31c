# The Secrets Store bindings of the checkout Worker, e.g. those `wrangler deploy` made from its
# wrangler.toml. In a .tfquery.hcl file, for `terraform query` (Terraform 1.14 or later).
list "cfsecrets_worker_binding" "checkout" {
  provider = cfsecrets
  config {
    script_name = "checkout"
  }
}
