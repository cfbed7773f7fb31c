import {
  to = cfsecrets_worker_binding.stripe_key
  id = "0123456789abcdef0123456789abcdef/checkout/STRIPE_KEY"
}
