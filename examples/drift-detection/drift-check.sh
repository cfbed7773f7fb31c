#!/bin/sh
# drift-check.sh: a read-only `terraform plan` per environment that fails when something was
# changed outside Terraform.
#
#   usage: drift-check.sh DIR [DIR ...]    e.g. drift-check.sh environments/production
#
# For each DIR it runs `terraform init` and `terraform plan -detailed-exitcode -lock=false`
# (read-only: no state lock, nothing written) and prints the plan summary of every DIR that
# drifted, also to the GitHub Actions job summary when $GITHUB_STEP_SUMMARY is set.
#
# Exit status: 0 no drift; 2 drift in at least one DIR; 1 a command failed (that wins over 2).
# Needs what the plans need: CLOUDFLARE_API_TOKEN (read-only is enough: Account Secrets Store
# Read, Workers Scripts Read, Account API Tokens Read), CLOUDFLARE_ACCOUNT_ID, the backend's
# credentials and the TF_VAR_... values of the ephemeral variables. TERRAFORM overrides the CLI
# (TERRAFORM=tofu for OpenTofu).
set -u

terraform=${TERRAFORM:-terraform}
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# report prints a finding, as an annotation on the run when inside GitHub Actions.
report() {
  if [ "${GITHUB_ACTIONS:-}" = true ]; then
    echo "::error title=$1::$2"
  else
    echo "$1: $2"
  fi
}

# summary prints the plan from its first change on: the changes, the Plan: line, the warnings
# that say what changed outside Terraform. OpenTofu names itself where Terraform does.
summary() {
  awk '/^(Terraform|OpenTofu) will perform the following actions:/ { shown = 1; next } shown' "$1"
}

for dir in "$@"; do
  if ! "$terraform" -chdir="$dir" init -input=false -no-color >"$log" 2>&1; then
    report "$terraform init failed" "$dir"
    cat "$log"
    status=1
    continue
  fi
  "$terraform" -chdir="$dir" plan -detailed-exitcode -lock=false -input=false -no-color >"$log" 2>&1
  code=$?
  case $code in
    0)
      echo "$dir: no drift"
      ;;
    2)
      report "Drift detected" "$dir was changed outside Terraform; apply it to repair"
      summary "$log"
      if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        {
          echo "### Drift in \`$dir\`"
          echo '```'
          summary "$log"
          echo '```'
        } >>"$GITHUB_STEP_SUMMARY"
      fi
      [ "$status" -eq 1 ] || status=2
      ;;
    *)
      report "$terraform plan failed" "$dir (exit code $code)"
      cat "$log"
      status=1
      ;;
  esac
done
exit "$status"
