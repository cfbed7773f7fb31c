terraform {
  required_version = ">= 1.11" # write-only secret values
  required_providers {
    cfsecrets = {
      source = "cfsecrets/cfsecrets"
    }
  }
}

# The account's single store: created here when this configuration owns it, read otherwise.
resource "cfsecrets_store" "this" {
  count = var.create_store ? 1 : 0
}

data "cfsecrets_store" "this" {
  count = var.create_store ? 0 : 1
}

locals {
  store_id = var.create_store ? cfsecrets_store.this[0].id : data.cfsecrets_store.this[0].id
  # One store holds every environment's secrets, so each name carries its environment.
  secret_names = { for key in keys(var.secrets) : key => "${key}_${var.environment}" }
}

resource "cfsecrets_secret" "this" {
  for_each = var.secrets

  store_id         = local.store_id
  name             = local.secret_names[each.key]
  value_wo         = var.secret_values[each.key]
  value_wo_version = each.value.version
  scopes           = ["workers"]
  comment          = each.value.comment
}

# One binding per secret on the environment's Worker. Wrangler-managed bindings and the Worker's
# code stay as they are.
resource "cfsecrets_worker_binding" "this" {
  for_each = var.secrets

  script_name = var.worker_name
  name        = each.value.binding
  store_id    = local.store_id
  secret_name = cfsecrets_secret.this[each.key].name
}

# What CI deploys this Worker with: Workers Scripts Edit + Account Secrets Store Read, nothing more.
resource "cfsecrets_deploy_token" "this" {
  name              = "${var.worker_name}-deploy"
  allowed_ips       = var.deploy_token_allowed_ips
  rotation_triggers = var.deploy_token_rotation
}

# The secrets_store_secrets section for the app repo's wrangler.toml, matching the bindings above.
# Built from the configuration rather than from the resources, so a plan that repairs drift does
# not also defer this read.
data "cfsecrets_wrangler_config" "this" {
  environments = {
    (var.environment) = [
      for key, secret in var.secrets : {
        binding     = secret.binding
        store_id    = local.store_id
        secret_name = local.secret_names[key]
      }
    ]
  }
}
