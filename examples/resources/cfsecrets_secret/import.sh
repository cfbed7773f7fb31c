# Import by <account_id>/<store_id>/<secret_id> or by <account_id>/<store_id>/<name>.
# Terraform cannot read a value back: if the configuration sets value_wo_version, the first apply
# after the import writes value_wo; without it, the value stays as it is until you add one.
terraform import cfsecrets_secret.stripe_key 0123456789abcdef0123456789abcdef/9a7806061c88ada191ed06f989cc3dac/stripe_key
