# Import by <account_id>/<script_name>/<binding_name>.
terraform import cfsecrets_worker_binding.stripe_key 0123456789abcdef0123456789abcdef/checkout/STRIPE_KEY
