// Command bench measures what the provider costs at scale and writes BENCHMARKS.md (`make bench`).
//
// For each N (-n, default 10,100,1000) it generates a configuration of N cfsecrets_secret in one
// store, N/10 cfsecrets_worker_binding spread over a few Workers (deployed beforehand through
// the mock's API) and one cfsecrets_deploy_token, and runs `terraform apply`, `terraform plan`
// (refresh) and `terraform destroy` against the cloudflare-mock command started as a child process with 50 ms of
// latency and Cloudflare's rate limit (1,200 requests per 5 minutes). It does so twice: with the
// provider as shipped (shared listings, batched creates, merged binding edits) and with the
// hidden per-resource-GET mode (CFSECRETS_PER_RESOURCE_READS=1), and times the same N as
// terraform_data resources, which cost Terraform no provider and no API, as the baseline.
// Per command it records the wall time, the API requests and 429s (from the mock's request log,
// cleared between commands) and the provider's peak RSS (rss.go). Then it runs one apply over
// the mock's limit to show that the provider still finishes, slower.
//
// Terraform never reaches a registry: a CLI configuration with dev_overrides points it at the
// provider built from this checkout, and no `terraform init` is run.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/cfclient"
	"github.com/cfsecrets/terraform-provider-cfsecrets/internal/tfcli"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == wrapperFlag {
		os.Exit(runProviderWrapper(os.Args[2:]))
	}
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	sizes      []int
	out        string
	terraform  string
	latency    time.Duration
	workers    int
	cap        time.Duration
	micro      string
	overLimitN int
	keep       bool
	modes      map[string]bool
	results    string
	render     string
	quietLoad  float64
	quietWait  time.Duration
	resume     bool
}

func parseFlags(args []string) (options, error) {
	var o options
	flags := flag.NewFlagSet("bench", flag.ContinueOnError)
	sizes := flags.String("n", "10,100,1000", "comma-separated numbers of secrets to benchmark")
	flags.StringVar(&o.out, "out", "BENCHMARKS.md", "where to write the report")
	flags.StringVar(&o.terraform, "terraform", cmp.Or(os.Getenv("TERRAFORM"), "terraform"), "the terraform CLI (>= 1.11)")
	flags.DurationVar(&o.latency, "latency", 50*time.Millisecond, "the mock's latency per API request")
	flags.IntVar(&o.workers, "workers", 5, "Workers the bindings are spread over")
	flags.DurationVar(&o.cap, "cap", 10*time.Minute, "longest one terraform command may run before it is stopped and reported as capped")
	flags.StringVar(&o.micro, "micro", "", "file holding `go test -bench` output to include in the report")
	flags.IntVar(&o.overLimitN, "over-limit-n", 1000, "secrets in the over-the-limit apply (0 skips it)")
	flags.BoolVar(&o.keep, "keep", false, "keep the working directories (printed at the end)")
	flags.StringVar(&o.results, "results", "bin/bench-results.json", "where to keep the raw results as JSON (empty: nowhere)")
	flags.StringVar(&o.render, "render", "", "render -out from a -results file of an earlier run, without running anything")
	flags.BoolVar(&o.resume, "resume", false, "keep the modes an interrupted run saved in -results and run only the rest")
	flags.Float64Var(&o.quietLoad, "quiet-load", 1.5, "before each mode, wait until the 1-minute load average is below this (0: never wait)")
	flags.DurationVar(&o.quietWait, "quiet-wait", 30*time.Second, "the longest wait for -quiet-load; then the mode runs anyway")
	modes := flags.String("modes", "coalesced,per-resource,baseline", "which of coalesced, per-resource and baseline to run")
	if err := flags.Parse(args); err != nil {
		return o, err
	}
	o.modes = map[string]bool{}
	for _, mode := range strings.Split(*modes, ",") {
		switch mode = strings.TrimSpace(mode); mode {
		case "coalesced", "per-resource", "baseline":
			o.modes[mode] = true
		default:
			return o, fmt.Errorf("-modes: unknown mode %q", mode)
		}
	}
	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-n: %q is not a positive number", field)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.workers < 1 {
		return o, fmt.Errorf("-workers must be at least 1")
	}
	return o, nil
}

// Modes of one N.
const (
	modeCoalesced   = "coalesced"
	modePerResource = "per-resource GET"
	modeBaseline    = "terraform_data"
	modeOverLimit   = "over the limit"
	// modeOverLimitRef is the over-the-limit configuration within the limit, for comparison.
	modeOverLimitRef = "within the limit, bucket wide open"
)

// result is one mode at one N: an apply from nothing, a plan with refresh, then (for the
// provider's modes) a destroy.
type result struct {
	Mode       string
	N          int
	Apply      timedRun
	Plan       timedRun
	Destroy    timedRun
	ApplyReq   requestStats
	PlanReq    requestStats
	DestroyReq requestStats
	// Problems lists what went wrong: a failed or capped command, a plan that was not empty, a
	// check of the mock's state that failed. Empty means the run was correct.
	Problems []string
	// LongWaits counts provider log lines about waits of 5 s or more (client-side rate limit, or
	// Retry-After).
	LongWaits  int
	PlanRan    bool
	DestroyRan bool
}

func (r *result) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// bench is the state of one benchmark run.
type bench struct {
	opts      options
	repo      string
	tmp       string
	provider  string // the real provider binary
	mockBin   string
	pluginDir string // dev_overrides: the wrapper script
	cliConfig string
	cli       tfcli.CLI
	started   time.Time
}

func run(args []string) error {
	opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	if opts.render != "" {
		r, err := readReport(opts.render)
		if err != nil {
			return err
		}
		if opts.micro != "" {
			micro, err := os.ReadFile(opts.micro)
			if err != nil {
				return fmt.Errorf("-micro: %w", err)
			}
			r.Micro = string(micro)
		}
		return r.write(opts.out)
	}
	b := &bench{opts: opts, started: time.Now()}
	if b.repo, err = repoRoot(); err != nil {
		return err
	}
	if b.cli, err = tfcli.Detect(context.Background(), opts.terraform); err != nil {
		return err
	}
	if b.tmp, err = os.MkdirTemp("", "cfsecrets-bench-"); err != nil {
		return err
	}
	if !opts.keep {
		defer func() { _ = os.RemoveAll(b.tmp) }()
	}
	if err := b.build(); err != nil {
		return err
	}

	report := &report{
		Started:   b.started,
		Machine:   describeMachine(b.cli, b.repo),
		Latency:   opts.latency,
		Workers:   opts.workers,
		Cap:       opts.cap,
		Sizes:     opts.sizes,
		MockLimit: "1200 requests per 5m per token",
	}
	if opts.micro != "" {
		micro, err := os.ReadFile(opts.micro)
		if err != nil {
			return fmt.Errorf("-micro: %w", err)
		}
		report.Micro = string(micro)
	}

	if opts.resume && opts.results != "" {
		if earlier, err := readReport(opts.results); err == nil {
			report.Results, report.OverLimit = earlier.Results, earlier.OverLimit
			logf("resuming: %d results kept from %s", len(report.Results), opts.results)
		}
	}

	quota := slices.Max(append(opts.sizes, opts.overLimitN)) + 100
	mock, err := startMock(b.mockBin, "-latency", opts.latency.String(), "-secrets-quota", strconv.Itoa(quota),
		"-rate-limit", "1200", "-rate-limit-window", "5m")
	if err != nil {
		return err
	}
	defer mock.stop()
	logf("mock at %s (latency %s, quota %d, 1200 requests per 5m)", mock.root, opts.latency, quota)

	for _, n := range opts.sizes {
		s := shape{n: n, workers: opts.workers}
		if opts.modes["baseline"] && report.find(modeBaseline, n) == nil {
			baseline, err := b.runBaseline(n)
			if err != nil {
				return err
			}
			report.Results = append(report.Results, baseline)
			if err := b.save(report); err != nil { // partial results survive an interruption
				return err
			}
		}
		for _, perResource := range []bool{false, true} {
			if !opts.modes[map[bool]string{false: "coalesced", true: "per-resource"}[perResource]] || report.find(modeFor(perResource), n) != nil {
				continue
			}
			r, err := b.runProvider(mock, s, perResource, providerSettings{}, modeFor(perResource))
			if err != nil {
				return err
			}
			report.Results = append(report.Results, r)
			if err := b.save(report); err != nil {
				return err
			}
		}
	}
	// The over-the-limit apply's reference: the same provider settings, within the real limit.
	overSettings := providerSettings{RequestsPerSecond: 1000, Burst: 1200}
	var overReference result
	if report.OverLimit != nil {
		overReference = report.OverLimit.Reference
	}
	if opts.overLimitN > 0 && report.OverLimit == nil {
		overReference, err = b.runProvider(mock, shape{n: opts.overLimitN, workers: opts.workers}, false, overSettings, modeOverLimitRef)
		if err != nil {
			return err
		}
	}
	mock.stop()

	if opts.overLimitN > 0 && report.OverLimit == nil {
		if err := b.save(report); err != nil {
			return err
		}
		const limit, window = 100, 10 * time.Second
		over, err := startMock(b.mockBin, "-latency", opts.latency.String(), "-secrets-quota", strconv.Itoa(quota),
			"-rate-limit", strconv.Itoa(limit), "-rate-limit-window", window.String())
		if err != nil {
			return err
		}
		logf("over-the-limit mock at %s (%d requests per %s)", over.root, limit, window)
		r, err := b.runProvider(over, shape{n: opts.overLimitN, workers: opts.workers}, false, overSettings, modeOverLimit)
		over.stop()
		if err != nil {
			return err
		}
		report.OverLimit = &overLimit{Result: r, Reference: overReference, Limit: limit, Window: window, Settings: overSettings}
	}
	report.Finished = time.Now()
	if err := b.save(report); err != nil {
		return err
	}
	logf("wrote %s in %s", opts.out, time.Since(b.started).Round(time.Second))
	if opts.keep {
		logf("working directories kept in %s", b.tmp)
	}
	return nil
}

// save writes the report and, when asked, the raw results.
func (b *bench) save(r *report) error {
	if b.opts.results != "" {
		if err := os.MkdirAll(filepath.Dir(b.opts.results), 0o755); err != nil {
			return err
		}
		if err := r.writeJSON(b.opts.results); err != nil {
			return err
		}
	}
	return r.write(b.opts.out)
}

func modeFor(perResource bool) string {
	if perResource {
		return modePerResource
	}
	return modeCoalesced
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: %s %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// repoRoot is the module root: the nearest directory upwards holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run bench inside the repository (no go.mod found)")
		}
		dir = parent
	}
}

// build compiles the provider and the mock from this checkout and lays out the wrapper.
func (b *bench) build() error {
	realDir := filepath.Join(b.tmp, "provider")
	b.pluginDir = filepath.Join(b.tmp, "plugin")
	for _, dir := range []string{realDir, b.pluginDir} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
	}
	b.provider = filepath.Join(realDir, "terraform-provider-cfsecrets")
	b.mockBin = filepath.Join(b.tmp, "cloudflare-mock")
	for _, target := range [][2]string{{b.provider, "."}, {b.mockBin, "./internal/cmd/cloudflare-mock"}} {
		logf("go build -o %s %s", target[0], target[1])
		cmd := exec.Command("go", "build", "-o", target[0], target[1])
		cmd.Dir = b.repo
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", target[1], err, out)
		}
	}
	if err := writeWrapper(b.pluginDir, b.provider); err != nil {
		return err
	}
	// dev_overrides: Terraform runs the provider without `terraform init` and never asks a registry.
	b.cliConfig = filepath.Join(b.tmp, "terraformrc")
	return os.WriteFile(b.cliConfig, []byte(b.cli.DevOverridesConfig(tfcli.LocalProvider{Source: tfcli.Provider, Dir: b.pluginDir})), 0o644)
}

// workspace makes an empty working directory with the benchmark's base environment.
func (b *bench) workspace(name string, extraEnv ...string) (*workspace, error) {
	dir := filepath.Join(b.tmp, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Nothing from the caller's shell may change what is measured.
	env := append(tfcli.IsolatedEnv(os.Environ(), b.cliConfig),
		// The provider's INFO lines tell of long rate-limit waits; Terraform's own log stays off.
		"TF_LOG_PROVIDER=INFO",
		"TF_LOG_PATH="+filepath.Join(dir, "provider.log"),
	)
	return &workspace{bin: b.cli.Path, dir: dir, env: append(env, extraEnv...), cap: b.opts.cap}, nil
}

// waitQuiet waits, before a mode starts, for other work on the machine (a previous mode's
// processes, other people's builds) to calm down, so that wall times measure this mode. The load
// at the end of every command is in the report either way.
func (b *bench) waitQuiet() {
	if b.opts.quietLoad <= 0 {
		return
	}
	deadline := time.Now().Add(b.opts.quietWait)
	load := loadAverage()
	if load < b.opts.quietLoad {
		return
	}
	logf("load average %.1f: waiting up to %s for it to fall below %.1f", load, b.opts.quietWait, b.opts.quietLoad)
	for load >= b.opts.quietLoad && time.Now().Before(deadline) {
		time.Sleep(5 * time.Second)
		load = loadAverage()
	}
	logf("load average %.1f: going on", load)
}

func (b *bench) runBaseline(n int) (result, error) {
	b.waitQuiet()
	r := result{Mode: modeBaseline, N: n}
	w, err := b.workspace(fmt.Sprintf("n%d-baseline", n))
	if err != nil {
		return r, err
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(baselineConfig(n)), 0o644); err != nil {
		return r, err
	}
	logf("N=%d %s: apply", n, r.Mode)
	if r.Apply, err = w.terraform("apply", "-auto-approve"); err != nil {
		return r, err
	}
	if r.Apply.ExitCode != 0 {
		return r, fmt.Errorf("terraform_data apply failed:\n%s", tail(r.Apply.Output, 30))
	}
	logf("N=%d %s: plan", n, r.Mode)
	if r.Plan, err = w.terraform("plan", "-detailed-exitcode"); err != nil {
		return r, err
	}
	r.PlanRan = true
	if r.Plan.ExitCode != 0 {
		r.problem("plan exited %d, want 0 (no changes)", r.Plan.ExitCode)
	}
	logf("N=%d %s: apply %s, plan %s", n, r.Mode, r.Apply.Wall.Round(time.Millisecond), r.Plan.Wall.Round(time.Millisecond))
	return r, nil
}

// runProvider runs apply then plan of the cfsecrets configuration on a mock reset to empty.
func (b *bench) runProvider(mock *mockProcess, s shape, perResource bool, settings providerSettings, mode string) (result, error) {
	b.waitQuiet()
	r := result{Mode: mode, N: s.n}
	ctx := context.Background()
	if err := mock.control().Reset(ctx); err != nil {
		return r, err
	}
	if err := mock.deployWorkers(ctx, s.workerNames()); err != nil {
		return r, err
	}
	if _, err := mock.takeRequests(ctx); err != nil {
		return r, err
	}
	extra := append(mock.env(), "TF_VAR_"+valueVariable+"="+benchValue)
	if perResource {
		extra = append(extra, "CFSECRETS_PER_RESOURCE_READS=1")
	}
	name := fmt.Sprintf("n%d-%s", s.n, strings.NewReplacer(" ", "-", "_", "-").Replace(mode))
	w, err := b.workspace(name, extra...)
	if err != nil {
		return r, err
	}
	if err := os.WriteFile(filepath.Join(w.dir, "main.tf"), []byte(providerConfig(s, settings)), 0o644); err != nil {
		return r, err
	}

	logf("N=%d %s: apply", s.n, mode)
	if r.Apply, err = w.terraform("apply", "-auto-approve"); err != nil {
		return r, err
	}
	log, err := mock.takeRequests(ctx)
	if err != nil {
		return r, err
	}
	r.ApplyReq = summarise(log)
	logf("N=%d %s: apply %s, %d requests, %d 429s, peak RSS %d MiB", s.n, mode, r.Apply.Wall.Round(time.Millisecond),
		r.ApplyReq.Total, r.ApplyReq.TooMany, r.Apply.RSSKiB/1024)
	switch {
	case r.Apply.Capped:
		r.problem("apply stopped at the %s cap", b.opts.cap)
	case r.Apply.ExitCode != 0:
		r.problem("apply exited %d: %s", r.Apply.ExitCode, firstError(r.Apply.Output))
	}
	if len(r.Problems) == 0 {
		logf("N=%d %s: plan", s.n, mode)
		if r.Plan, err = w.terraform("plan", "-detailed-exitcode"); err != nil {
			return r, err
		}
		r.PlanRan = true
		if log, err = mock.takeRequests(ctx); err != nil {
			return r, err
		}
		r.PlanReq = summarise(log)
		logf("N=%d %s: plan %s, %d requests, %d 429s, peak RSS %d MiB", s.n, mode, r.Plan.Wall.Round(time.Millisecond),
			r.PlanReq.Total, r.PlanReq.TooMany, r.Plan.RSSKiB/1024)
		switch {
		case r.Plan.Capped:
			r.problem("plan stopped at the %s cap", b.opts.cap)
		case r.Plan.ExitCode == 2:
			r.problem("plan after apply was not empty (exit 2): %s", planSummary(r.Plan.Output))
		case r.Plan.ExitCode != 0:
			r.problem("plan exited %d: %s", r.Plan.ExitCode, firstError(r.Plan.Output))
		}
	}
	if !r.Apply.Capped {
		if err := verify(ctx, mock, s); err != nil {
			r.problem("the mock's state after apply is wrong: %v", err)
		}
	}
	if len(r.Problems) == 0 {
		if err := b.destroy(&r, w, mock); err != nil {
			return r, err
		}
	}
	r.LongWaits = countLongWaits(filepath.Join(w.dir, "provider.log"))
	for _, p := range r.Problems {
		logf("N=%d %s: PROBLEM: %s", s.n, mode, p)
	}
	return r, nil
}

// destroy runs `terraform destroy` of what the apply made and records its requests.
func (b *bench) destroy(r *result, w *workspace, mock *mockProcess) error {
	logf("N=%d %s: destroy", r.N, r.Mode)
	var err error
	if r.Destroy, err = w.terraform("destroy", "-auto-approve"); err != nil {
		return err
	}
	r.DestroyRan = true
	log, err := mock.takeRequests(context.Background())
	if err != nil {
		return err
	}
	r.DestroyReq = summarise(log)
	logf("N=%d %s: destroy %s, %d requests, %d 429s", r.N, r.Mode, r.Destroy.Wall.Round(time.Millisecond),
		r.DestroyReq.Total, r.DestroyReq.TooMany)
	switch {
	case r.Destroy.Capped:
		r.problem("destroy stopped at the %s cap", b.opts.cap)
	case r.Destroy.ExitCode != 0:
		r.problem("destroy exited %d: %s", r.Destroy.ExitCode, firstError(r.Destroy.Output))
	}
	return nil
}

// verify checks through the API that the apply did what the configuration says: exactly the N
// secrets, and each Worker holding its bindings to the right secrets. Its own requests leave the
// mock's log with it, so the command that follows is charged only with what it sends.
func verify(ctx context.Context, mock *mockProcess, s shape) error {
	err := checkApplied(ctx, mock, s)
	if _, takeErr := mock.takeRequests(ctx); takeErr != nil {
		return errors.Join(err, takeErr)
	}
	return err
}

func checkApplied(ctx context.Context, mock *mockProcess, s shape) error {
	client := mock.client()
	stores, err := client.ListStores(ctx, mock.accountID)
	if err != nil {
		return err
	}
	if len(stores) != 1 {
		return fmt.Errorf("%d stores, want 1", len(stores))
	}
	secrets, err := client.ListSecrets(ctx, mock.accountID, stores[0].ID, cfclient.SecretFilter{})
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, sec := range secrets {
		names[sec.Name] = true
	}
	if len(secrets) != s.n || len(names) != s.n {
		return fmt.Errorf("%d secrets (%d names), want %d", len(secrets), len(names), s.n)
	}
	for i := 0; i < s.n; i++ {
		if !names[secretName(i)] {
			return fmt.Errorf("secret %s is missing", secretName(i))
		}
	}
	workers := s.workerNames()
	bound := 0
	for w, script := range workers {
		bindings, err := client.ScriptBindings(ctx, mock.accountID, script)
		if err != nil {
			return err
		}
		byName := map[string]string{}
		for _, binding := range bindings {
			byName[binding.Name] = binding.SecretName
		}
		for i := w; i < s.bindings(); i += len(workers) {
			name := fmt.Sprintf("SECRET_%04d", i)
			if byName[name] != secretName(bindingSecret(i)) {
				return fmt.Errorf("binding %s of Worker %s reads %q, want %q", name, script, byName[name], secretName(bindingSecret(i)))
			}
			bound++
		}
		if want := (s.bindings() - w + len(workers) - 1) / len(workers); len(bindings) != want {
			return fmt.Errorf("the Worker %s has %d bindings, want %d", script, len(bindings), want)
		}
	}
	if bound != s.bindings() {
		return fmt.Errorf("%d bindings checked, want %d", bound, s.bindings())
	}
	return nil
}

// countLongWaits counts the provider's log lines about waits of 5 s or more.
func countLongWaits(path string) int {
	content, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n := 0
	for _, line := range strings.Split(string(content), "\n") {
		if strings.Contains(line, "waiting for the client-side rate limit") || strings.Contains(line, "asked us to slow down") {
			n++
		}
	}
	return n
}

// firstError is the first "Error:" line of terraform's output.
func firstError(output string) string {
	for _, line := range strings.Split(output, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "Error:") {
			return strings.TrimSpace(line)
		}
	}
	return tail(output, 5)
}

// planSummary is the "Plan: ..." line of terraform's output.
func planSummary(output string) string {
	for _, line := range strings.Split(output, "\n") {
		if strings.HasPrefix(line, "Plan:") {
			return line
		}
	}
	return tail(output, 5)
}
