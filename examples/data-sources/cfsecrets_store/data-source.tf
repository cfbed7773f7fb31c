# The account's only store, e.g. one created in the dashboard or by Wrangler.
data "cfsecrets_store" "main" {}

output "store_id" {
  value = data.cfsecrets_store.main.id
}
