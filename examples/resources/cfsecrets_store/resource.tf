# One store per account while Secrets Store is in beta.
resource "cfsecrets_store" "main" {
  name = "default_secrets_store"

  # Destroying the store also deletes every secret in it.
  force_destroy = false
}
