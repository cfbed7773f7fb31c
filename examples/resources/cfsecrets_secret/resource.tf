# Secret values come from ephemeral variables (e.g. TF_VAR_stripe_key in CI), so they never
# land in state, in a plan file, or in the configuration.
variable "stripe_key" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "cfsecrets_secret" "stripe_key" {
  store_id = cfsecrets_store.main.id
  name     = "stripe_key"
  value_wo = var.stripe_key
  # Bump to send a new value_wo (rotate in place).
  value_wo_version = 1
  scopes           = ["workers"]
  comment          = "Stripe live key for the checkout Worker"
}
