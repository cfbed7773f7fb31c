variable "environment" {
  description = "The environment, e.g. staging or production. It suffixes every secret name (one store per account holds every environment's secrets) and names the Wrangler environment in the rendered config."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_-]+$", var.environment))
    error_message = "The environment must be lowercase letters, digits, _ or -, e.g. staging."
  }
}

variable "worker_name" {
  description = "The Worker script that reads the secrets, e.g. checkout-staging (what `wrangler deploy --env staging` deploys). It must be deployed before the bindings are applied."
  type        = string
}

variable "create_store" {
  description = "Whether this configuration creates the account's Secrets Store. An account holds one store: set true in exactly one configuration per account; every other one (false) reads the store with the cfsecrets_store data source."
  type        = bool
  default     = false
}

variable "secrets" {
  description = <<-EOT
    The secrets to create and bind, keyed by base name (the secret is named <key>_<environment>):
      binding - the name the Worker reads, as `await env.<binding>.get()`
      version - value_wo_version: bump it together with the new value to rotate in place
      comment - optional note shown in the dashboard
  EOT
  type = map(object({
    binding = string
    version = number
    comment = optional(string)
  }))
}

variable "secret_values" {
  description = "The secret values, keyed like `secrets`. Ephemeral: Terraform keeps them in no state, plan or log; feed them from ephemeral variables (TF_VAR_...) or ephemeral resources."
  type        = map(string)
  ephemeral   = true
}

variable "deploy_token_allowed_ips" {
  description = "CIDR ranges the deploy token works from (your CI runners' egress). Null means anywhere."
  type        = set(string)
  default     = null
}

variable "deploy_token_rotation" {
  description = "Change any value (e.g. a date) to roll the deploy token's value in place."
  type        = map(string)
  default     = {}
}
