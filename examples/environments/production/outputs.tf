output "wrangler_toml" {
  description = "Paste into the app repo's wrangler.toml (or generate it in CI)."
  value       = module.worker_secrets.wrangler_toml
}

output "deploy_token_id" {
  description = "The deploy token's id (not its value)."
  value       = module.worker_secrets.deploy_token_id
}

output "deploy_token" {
  description = "The least-privilege token for `wrangler deploy` of this environment: hand it to the app repo's deploy job with `terraform output -raw deploy_token`."
  value       = module.worker_secrets.deploy_token_value
  sensitive   = true
}
