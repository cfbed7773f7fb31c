output "store_id" {
  description = "The id of the account's Secrets Store."
  value       = local.store_id
}

output "secret_names" {
  description = "The secret names by base name, e.g. { stripe_key = \"stripe_key_staging\" }."
  value       = { for key, secret in cfsecrets_secret.this : key => secret.name }
}

output "bindings" {
  description = "The binding names on the Worker, by base name."
  value       = { for key, binding in cfsecrets_worker_binding.this : key => binding.name }
}

output "deploy_token_id" {
  description = "The deploy token's id (not its value)."
  value       = cfsecrets_deploy_token.this.id
}

output "deploy_token_value" {
  description = "The deploy token for CI, e.g. as CLOUDFLARE_API_TOKEN of the app repo's deploy job."
  value       = cfsecrets_deploy_token.this.value
  sensitive   = true
}

output "wrangler_toml" {
  description = "[[env.<environment>.secrets_store_secrets]] tables for wrangler.toml."
  value       = data.cfsecrets_wrangler_config.this.toml
}
