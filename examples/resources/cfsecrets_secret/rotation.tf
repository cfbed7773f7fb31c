# Zero-downtime rotation, the way the Secrets Store docs describe it:
#   1. add stripe_key_v2 next to stripe_key and apply;
#   2. point the Worker's binding at stripe_key_v2 (cfsecrets_worker_binding.secret_name) and
#      apply; Workers that redeploy read the new key;
#   3. keep stripe_key through a grace period (until every caller uses v2);
#   4. delete the stripe_key block and apply.
variable "stripe_key_v2" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "cfsecrets_secret" "stripe_key_v2" {
  store_id         = cfsecrets_store.main.id
  name             = "stripe_key_v2"
  value_wo         = var.stripe_key_v2
  value_wo_version = 1
  scopes           = ["workers"]
  comment          = "Replaces stripe_key"
}
