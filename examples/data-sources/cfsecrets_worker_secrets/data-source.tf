# The legacy Workers secrets (`wrangler secret put`) of a Worker, by name: what is left to
# migrate to Secrets Store. Values are never returned.
data "cfsecrets_worker_secrets" "checkout" {
  script_name = "checkout"
}

output "checkout_secrets_to_migrate" {
  value = data.cfsecrets_worker_secrets.checkout.names
}
