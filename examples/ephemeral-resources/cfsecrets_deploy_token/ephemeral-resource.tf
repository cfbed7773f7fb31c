# A least-privilege token that exists only while this run needs it: created when the run opens
# it, deleted when the run ends, and expiring after ttl even if the run is killed. Its value is
# in no state or plan file.
ephemeral "cfsecrets_deploy_token" "run" {
  name = "terraform-bindings"
  ttl  = "30m"
}

# Bindings need no more than the deploy permissions, so manage them with the short-lived token
# instead of the provider's broad one.
provider "cfsecrets" {
  alias     = "deploy"
  api_token = ephemeral.cfsecrets_deploy_token.run.value
}

resource "cfsecrets_worker_binding" "stripe_key" {
  provider = cfsecrets.deploy

  script_name = "checkout"
  name        = "STRIPE_KEY"
  store_id    = cfsecrets_store.main.id
  secret_name = "stripe_key"
}
