import {
  to = cfsecrets_store.main
  id = "0123456789abcdef0123456789abcdef/9a7806061c88ada191ed06f989cc3dac"
}
