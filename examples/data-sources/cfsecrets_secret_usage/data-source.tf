data "cfsecrets_store" "main" {}

# Before rotating or deleting stripe_key: which Workers read it, under which binding name?
data "cfsecrets_secret_usage" "stripe_key" {
  store_id    = data.cfsecrets_store.main.id
  secret_name = "stripe_key"
}

output "stripe_key_readers" {
  value = [for u in data.cfsecrets_secret_usage.stripe_key.usages : "${u.script_name} reads it as env.${u.binding_name}"]
}
