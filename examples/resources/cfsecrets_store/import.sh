# Import the account's existing store by <account_id>/<store_id>.
terraform import cfsecrets_store.main 0123456789abcdef0123456789abcdef/9a7806061c88ada191ed06f989cc3dac
