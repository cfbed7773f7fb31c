import {
  to = cfsecrets_deploy_token.ci
  id = "0123456789abcdef0123456789abcdef/ed17574386854bf78a67040be0a770b0"
}
