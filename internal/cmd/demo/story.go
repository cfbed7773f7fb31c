package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/tfcli"
)

// environment is one root configuration of examples/environments and the Worker it binds to.
type environment struct {
	Name   string
	Dir    string // relative to the work directory, as printed
	Worker string
	// Values are the secret values, fed to Terraform as TF_VAR_<name> like CI would.
	Values map[string]string
}

// The values are made up; the demo proves they reach the mock and nowhere else.
var (
	staging = environment{
		Name: "staging", Dir: "environments/staging", Worker: "checkout-staging",
		Values: map[string]string{
			"stripe_key":   "sk_test_demo_staging_7Hq2mX9",
			"database_url": "postgres://checkout:staging-demo-pw@db.staging.internal/checkout",
		},
	}
	production = environment{
		Name: "production", Dir: "environments/production", Worker: "checkout-production",
		Values: map[string]string{
			"stripe_key":   "sk_live_demo_production_Qw81Zr",
			"database_url": "postgres://checkout:production-demo-pw@db.prod.internal/checkout",
		},
	}
	environments = []environment{staging, production}
)

const (
	// pastedInDashboard is the value someone rotates production's Stripe key to by hand.
	pastedInDashboard = "sk_live_pasted_in_the_dashboard"
	// widenedWith is the permission someone adds to production's deploy token by hand.
	widenedWith = "Workers KV Storage Write"
	// leastPrivilege is what a deploy token holds, as permissionNames lists it.
	leastPrivilege = "Account Secrets Store Read, Workers Scripts Write"
)

// readOnly is what the scheduled drift check needs: it reads, never writes.
var readOnly = []string{"Account Secrets Store Read", "Workers Scripts Read", "Account API Tokens Read"}

// demo holds what the steps share.
type demo struct {
	out     io.Writer
	cli     tfcli.CLI
	work    string // the copy of examples/ the commands run in
	mirror  *mirror
	mock    *mockAPI
	tokenID string // production's deploy token, widened in step 2
}

// run is the whole demo. It returns an error when any step does not behave as described.
func run(ctx context.Context, out io.Writer, terraform string) error {
	started := time.Now()
	d := &demo{out: out}

	var err error
	if d.cli, err = tfcli.Detect(ctx, terraform); err != nil {
		return err
	}
	d.heading("Setup: build the provider, start the mock Cloudflare API, point %s at the build", d.cli.Name)
	d.say("%s at %s (it looks providers up on %s)", d.cli, d.cli.Path, d.cli.RegistryHost())
	root, err := repoRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "cfsecrets-demo-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()

	d.say("$ cd %s", root)
	mirror, buildCmd, err := buildMirror(ctx, d.cli, root, tmp)
	if err != nil {
		return err
	}
	d.mirror = mirror
	d.say("$ %s", strings.Replace(buildCmd, mirror.Binary, relTo(tmp, mirror.Binary), 1))
	d.say("  built into a filesystem mirror (registry layout) in %s", tmp)
	d.say("TF_CLI_CONFIG_FILE=%s, the only way %s installs providers here (no registry, no network):", mirror.ConfigFile, d.cli.Name)
	d.show(strings.Split(strings.TrimSpace(mirror.Config), "\n"))

	d.mock, err = startMock()
	if err != nil {
		return err
	}
	defer d.mock.stop()
	d.say("The mock Cloudflare API listens in this process (what `make mock` prints, for your own shell):")
	d.show(d.mock.env())

	d.work = filepath.Join(tmp, "examples")
	for _, dir := range []string{"environments", "modules", "drift-detection"} {
		if err := copyTree(filepath.Join(root, "examples", dir), filepath.Join(d.work, dir)); err != nil {
			return fmt.Errorf("copying examples/%s: %w", dir, err)
		}
	}
	d.say("Commands run in %s, a copy of examples/, so the checkout stays clean.", d.work)

	for _, step := range []func(context.Context) error{d.applyBoth, d.changeOutOfBand, d.planFindsDrift, d.applyRepairs} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	d.heading("Done in %s", time.Since(started).Round(time.Second))
	d.say("Every out-of-band change was caught by a plan and put back by an apply. Next: the guides in")
	d.say("docs/guides, the module in examples/modules/worker-secrets, and examples/drift-detection.")
	return nil
}

// Step 1.
func (d *demo) applyBoth(ctx context.Context) error {
	d.heading("Step 1 of 4: deploy each environment's Worker, then apply staging and production")
	d.say("Both environments call one module, examples/modules/worker-secrets. Staging creates the account's")
	d.say("single Secrets Store; production reads it with the cfsecrets_store data source.")
	for _, env := range environments {
		d.say("")
		d.say("wrangler deploy --env %s  (simulated through the API: module Worker %s, bindings: ENVIRONMENT)", env.Name, env.Worker)
		if err := d.mock.deployWorker(ctx, env.Worker, plainText("ENVIRONMENT", env.Name)); err != nil {
			return err
		}
		for _, name := range sortedKeys(env.Values) {
			d.say("export TF_VAR_%s=%s  (ephemeral: sent to Cloudflare, kept in no state, plan or log)", name, mask(env.Values[name]))
		}
		res, err := d.run(ctx, env, []int{0}, "init")
		if err != nil {
			return err
		}
		d.show(linesContaining(res.Output, "- worker_secrets in", "Installed cfsecrets/cfsecrets", "successfully initialized"))
		if res, err = d.run(ctx, env, []int{0}, "apply", "-auto-approve"); err != nil {
			return err
		}
		d.show(applySummary(res.Output, true))
		if err := d.checkStateHoldsNoValue(env); err != nil {
			return err
		}
		if res, err = d.run(ctx, env, []int{0}, "plan", "-detailed-exitcode"); err != nil {
			return err
		}
		d.show(linesContaining(res.Output, "No changes."))
		_, described, err := d.mock.bindings(ctx, env.Worker)
		if err != nil {
			return err
		}
		d.say("Worker %s now binds: %s", env.Worker, described)
	}
	return nil
}

// Step 2.
func (d *demo) changeOutOfBand(ctx context.Context) error {
	d.heading("Step 2 of 4: change things outside Terraform, through the Cloudflare API")
	secret, err := d.mock.secret(ctx, "stripe_key_production")
	if err != nil {
		return err
	}
	rotated, err := d.mock.rotateSecret(ctx, secret, pastedInDashboard)
	if err != nil {
		return fmt.Errorf("rotating %s: %w", secret.Name, err)
	}
	d.say("In the dashboard, someone pastes a new value into secret %s:", secret.Name)
	d.say("  PATCH .../secrets_store/stores/%s/secrets/%s  {\"value\": %q}", secret.StoreID, secret.ID, mask(pastedInDashboard))
	d.say("  modified: %s -> %s (Cloudflare never returns a value; this timestamp is the only trace)", secret.Modified, rotated.Modified)

	res, err := d.run(ctx, production, []int{0}, "output", "-raw", "deploy_token_id")
	if err != nil {
		return err
	}
	d.tokenID = strings.TrimSpace(res.Output)
	d.show([]string{d.tokenID})
	widened, err := d.mock.widenToken(ctx, d.tokenID, widenedWith)
	if err != nil {
		return err
	}
	d.say("")
	d.say("Someone gives production's deploy token %q one more permission in the dashboard:", widened.Name)
	d.say("  it now holds: %s", permissionNames(widened))

	storeID := secret.StoreID
	d.say("")
	d.say("A developer runs `wrangler deploy --env staging` from a branch whose wrangler.toml lacks STRIPE_KEY:")
	err = d.mock.deployWorker(ctx, staging.Worker,
		plainText("ENVIRONMENT", staging.Name),
		cfclient.NewSecretsStoreBinding("DATABASE_URL", storeID, "database_url_staging"))
	if err != nil {
		return err
	}
	_, described, err := d.mock.bindings(ctx, staging.Worker)
	if err != nil {
		return err
	}
	d.say("  Worker %s now binds: %s", staging.Worker, described)
	return nil
}

// Step 3.
func (d *demo) planFindsDrift(ctx context.Context) error {
	d.heading("Step 3 of 4: the scheduled drift check's `%s plan -detailed-exitcode` exits 2", d.cli.Command())
	token, err := d.mock.createToken(ctx, "drift-check", readOnly...)
	if err != nil {
		return fmt.Errorf("creating the drift check's read-only token: %w", err)
	}
	d.say("examples/drift-detection/drift-check.sh runs `%s plan -detailed-exitcode -lock=false` per", d.cli.Command())
	d.say("environment, as the scheduled workflow there does, with a read-only token: %s.", strings.Join(readOnly, ", "))
	expect := map[string][]string{
		staging.Name: {`module.worker_secrets.cfsecrets_worker_binding.this["stripe_key"] will be created`},
		production.Name: {
			`module.worker_secrets.cfsecrets_secret.this["stripe_key"] will be updated in-place`,
			"Warning: Secret changed outside Terraform",
			`Secret "stripe_key_production"`,
			`module.worker_secrets.cfsecrets_deploy_token.this will be updated in-place`,
			`- "` + widenedWith + `"`,
		},
	}
	script := "drift-detection/drift-check.sh"
	shown := script
	if d.cli.Command() != "terraform" { // the script runs `terraform` unless TERRAFORM names another CLI
		shown = "TERRAFORM=" + d.cli.Command() + " " + script
	}
	for _, env := range environments {
		res, err := d.command(ctx, env, token.Value, []int{2}, shown+" "+env.Dir, "sh", script, env.Dir)
		if err != nil {
			return err
		}
		d.show(strings.Split(strings.TrimRight(res.Output, "\n"), "\n"))
		for _, want := range expect[env.Name] {
			if !strings.Contains(res.Output, want) {
				return fmt.Errorf("the %s plan does not show %q:\n%s", env.Name, want, res.Output)
			}
		}
	}
	return nil
}

// Step 4.
func (d *demo) applyRepairs(ctx context.Context) error {
	d.heading("Step 4 of 4: apply puts the configuration back; the next plan is empty (exit code 0)")
	for _, env := range environments {
		res, err := d.run(ctx, env, []int{0}, "apply", "-auto-approve")
		if err != nil {
			return err
		}
		d.show(applySummary(res.Output, false))
	}
	for _, env := range environments {
		res, err := d.run(ctx, env, []int{0}, "plan", "-detailed-exitcode", "-lock=false")
		if err != nil {
			return err
		}
		d.show(linesContaining(res.Output, "No changes."))
	}

	secret, err := d.mock.secret(ctx, "stripe_key_production")
	if err != nil {
		return err
	}
	holds, err := d.mock.holdsValue(ctx, secret.ID, production.Values["stripe_key"])
	if err != nil {
		return err
	}
	if !holds {
		return fmt.Errorf("after the repair, secret %s does not hold the value from TF_VAR_stripe_key", secret.Name)
	}
	d.say("Checked through the mock (by SHA-256 only): %s holds the value from TF_VAR_stripe_key again.", secret.Name)
	bindings, described, err := d.mock.bindings(ctx, staging.Worker)
	if err != nil {
		return err
	}
	if b, ok := bindings["STRIPE_KEY"]; !ok || b.SecretName != "stripe_key_staging" {
		return fmt.Errorf("after the repair, Worker %s binds %s", staging.Worker, described)
	}
	d.say("Worker %s binds again: %s", staging.Worker, described)
	token, err := d.mock.dashboard().GetAccountToken(ctx, d.mock.AccountID, d.tokenID)
	if err != nil {
		return err
	}
	if held := permissionNames(token); held != leastPrivilege {
		return fmt.Errorf("after the repair, deploy token %q holds %s, want %s", token.Name, held, leastPrivilege)
	}
	d.say("Deploy token %q holds least privilege again: %s", token.Name, leastPrivilege)
	return nil
}

// run runs one terraform command in env's directory with the admin token.
func (d *demo) run(ctx context.Context, env environment, want []int, args ...string) (result, error) {
	full := append([]string{"-chdir=" + env.Dir, args[0], "-no-color"}, args[1:]...)
	return d.command(ctx, env, d.mock.Token, want, d.cli.Command()+" "+strings.Join(full, " "), d.cli.Path, full...)
}

// command runs a command in the work directory with env's secret values and the API token,
// printed as a person would type it (shown), and fails unless it exits with one of want.
func (d *demo) command(ctx context.Context, env environment, token string, want []int, shown, name string, args ...string) (result, error) {
	d.say("")
	d.say("$ %s", shown)
	extra := []string{
		"CLOUDFLARE_BASE_URL=" + d.mock.BaseURL,
		"CLOUDFLARE_ACCOUNT_ID=" + d.mock.AccountID,
		"CLOUDFLARE_API_TOKEN=" + token,
		"TERRAFORM=" + d.cli.Path,
	}
	for name, value := range env.Values {
		extra = append(extra, "TF_VAR_"+name+"="+value)
	}
	res, err := runCommand(ctx, d.work, terraformEnv(d.mirror, extra...), name, args...)
	if err != nil {
		return res, err
	}
	if !slices.Contains(want, res.ExitCode) {
		return res, fmt.Errorf("%s exited %d, want %v:\n%s", shown, res.ExitCode, want, res.Output)
	}
	d.say("  (exit code %d, %s)", res.ExitCode, res.Took.Round(100*time.Millisecond))
	return res, nil
}

// checkStateHoldsNoValue proves the point of write-only attributes on the state file itself.
func (d *demo) checkStateHoldsNoValue(env environment) error {
	state, err := os.ReadFile(filepath.Join(d.work, env.Dir, "terraform.tfstate"))
	if err != nil {
		return err
	}
	for name, value := range env.Values {
		if strings.Contains(string(state), value) {
			return fmt.Errorf("the %s state file holds the value of %s", env.Name, name)
		}
	}
	d.say("%s/terraform.tfstate holds neither secret value (write-only: value_wo is never stored).", env.Dir)
	return nil
}

func (d *demo) heading(format string, args ...any) {
	title := fmt.Sprintf(format, args...)
	_, _ = fmt.Fprintf(d.out, "\n%s\n%s\n", title, strings.Repeat("=", len(title)))
}

func (d *demo) say(format string, args ...any) {
	_, _ = fmt.Fprintf(d.out, format+"\n", args...)
}

// show prints command output, indented so it stands apart from the narration.
func (d *demo) show(lines []string) {
	for _, line := range lines {
		_, _ = fmt.Fprintf(d.out, "    %s\n", line)
	}
}

// mask shows that a value is set without showing it.
func mask(value string) string {
	return fmt.Sprintf("<%d characters, not shown>", len(value))
}

func relTo(base, path string) string {
	if rel, err := filepath.Rel(base, path); err == nil {
		return filepath.Join("$TMP", rel)
	}
	return path
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
