data "cfsecrets_store" "main" {}

# Every secret of the store that Workers can read, never with a value.
data "cfsecrets_secrets" "for_workers" {
  store_id = data.cfsecrets_store.main.id
  scopes   = ["workers"]
}

output "worker_secret_names" {
  value = data.cfsecrets_secrets.for_workers.secrets[*].name
}
