# Import by <account_id>/<token_id>. Cloudflare shows a token's value only when it is created or
# rolled, so `value` stays null after an import until a rotation_triggers change rolls it.
terraform import cfsecrets_deploy_token.ci 0123456789abcdef0123456789abcdef/ed17574386854bf78a67040be0a770b0
