# Secret values are ephemeral: set them as TF_VAR_stripe_key and TF_VAR_database_url (e.g. from
# the CI secret store). Terraform writes them to no state, plan or log.
variable "stripe_key" {
  description = "The Stripe API key the checkout Worker uses."
  type        = string
  ephemeral   = true
  sensitive   = true
}

variable "database_url" {
  description = "The connection string of the checkout database."
  type        = string
  ephemeral   = true
  sensitive   = true
}

# To rotate a value: set the new TF_VAR_... and bump its version (here or with -var).
variable "stripe_key_version" {
  description = "Bump to send a new stripe_key."
  type        = number
  default     = 1
}

variable "database_url_version" {
  description = "Bump to send a new database_url."
  type        = number
  default     = 1
}
