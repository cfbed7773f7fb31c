# Every account-level permission group, to find the exact name for a token's extra_permissions.
data "cfsecrets_permission_groups" "account" {
  scope = "com.cloudflare.api.account"
}

output "workers_permission_groups" {
  value = sort([for g in data.cfsecrets_permission_groups.account.permission_groups : g.name if startswith(g.name, "Workers ")])
}

# Or check that one name exists.
data "cfsecrets_permission_groups" "kv_write" {
  name = "Workers KV Storage Write"
}
