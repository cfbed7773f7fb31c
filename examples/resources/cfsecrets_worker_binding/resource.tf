# Adds one binding to a deployed Worker (deploy it first, e.g. with `wrangler deploy`). The
# Worker's code and its other bindings stay as they are, so Wrangler can keep managing those.
resource "cfsecrets_worker_binding" "stripe_key" {
  script_name = "checkout"
  name        = "STRIPE_KEY" # the Worker reads it with: await env.STRIPE_KEY.get()
  store_id    = cfsecrets_store.main.id
  secret_name = cfsecrets_secret.stripe_key.name # the secret needs the "workers" scope
}
