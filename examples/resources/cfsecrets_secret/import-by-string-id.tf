# By name (or by secret id): <account_id>/<store_id>/<name>.
import {
  to = cfsecrets_secret.stripe_key
  id = "0123456789abcdef0123456789abcdef/9a7806061c88ada191ed06f989cc3dac/stripe_key"
}
