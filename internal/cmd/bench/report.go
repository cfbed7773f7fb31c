package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// machine describes where the numbers were taken.
type machine struct {
	CPU, Kernel, Memory, Go, Terraform, Commit string
	CPUs                                       int
}

func describeMachine(terraform, repo string) machine {
	m := machine{CPUs: runtime.NumCPU(), CPU: "unknown", Kernel: runtime.GOOS, Memory: "unknown"}
	if model := procField("/proc/cpuinfo", "model name"); model != "" {
		m.CPU = model
	}
	if kib, err := strconv.ParseInt(strings.Fields(procField("/proc/meminfo", "MemTotal") + " 0")[0], 10, 64); err == nil && kib > 0 {
		m.Memory = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
	}
	if release, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(release))
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.Go = strings.TrimSpace(string(out))
	}
	m.Terraform = terraformVersion(terraform)
	// Read-only: which commit the working tree started from.
	cmd := exec.Command("git", "rev-parse", "--short", "HEAD")
	cmd.Dir = repo
	if out, err := cmd.Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	return m
}

// procField is the value of the first "name : value" line of a /proc file.
func procField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer func() { _ = f.Close() }()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		key, value, ok := strings.Cut(lines.Text(), ":")
		if ok && strings.TrimSpace(key) == name {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

type overLimit struct {
	Result    result
	Reference result // the same apply against the real limit
	Limit     int
	Window    time.Duration
	Settings  providerSettings
}

type report struct {
	Started, Finished time.Time
	Machine           machine
	Latency           time.Duration
	Workers           int
	Cap               time.Duration
	Sizes             []int
	MockLimit         string
	Results           []result
	OverLimit         *overLimit
	Micro             string
}

func (r *report) find(mode string, n int) *result {
	for i := range r.Results {
		if r.Results[i].Mode == mode && r.Results[i].N == n {
			return &r.Results[i]
		}
	}
	return nil
}

// Targets of issue 8, all at N = 1000.
const (
	targetN            = 1000
	targetPlanRequests = 15
	targetPlanRatio    = 2.0
	targetRSSBytes     = 150_000_000
)

type target struct {
	Name, Measured, Verdict string
	// Why explains a failure: the endpoints that dominate.
	Why string
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "**FAIL**"
}

func (r *report) targets() []target {
	coalesced, baseline := r.find(modeCoalesced, targetN), r.find(modeBaseline, targetN)
	notRun := func(name string) target {
		return target{Name: name, Measured: "not measured (N=1000 was not run)", Verdict: "—"}
	}
	var ts []target

	name := fmt.Sprintf("plan of N=%d secrets in one store: at most %d API requests", targetN, targetPlanRequests)
	switch {
	case coalesced == nil || !coalesced.PlanRan:
		ts = append(ts, notRun(name))
	default:
		store := secretsStoreRequests(coalesced.PlanReq)
		t := target{Name: name, Verdict: verdict(store <= targetPlanRequests),
			Measured: fmt.Sprintf("%d requests to the Secrets Store API; the whole plan, with the bindings' %d Workers and the deploy token, made %d",
				store, r.Workers, coalesced.PlanReq.Total)}
		if store > targetPlanRequests {
			t.Why = dominating(coalesced.PlanReq)
		}
		ts = append(ts, t)
	}

	name = fmt.Sprintf("plan of N=%d: wall time within %.0fx of the terraform_data baseline", targetN, targetPlanRatio)
	switch {
	case coalesced == nil || baseline == nil || !coalesced.PlanRan:
		ts = append(ts, notRun(name))
	default:
		times := coalesced.Plan.Wall.Seconds() / baseline.Plan.Wall.Seconds()
		measured := fmt.Sprintf("%s vs %s (%.2fx)", secs(coalesced.Plan.Wall), secs(baseline.Plan.Wall), times)
		if coalesced.Plan.CPU > 0 && r.Machine.CPUs > 0 {
			floor := r.terraformFloor(coalesced.Plan)
			measured += fmt.Sprintf("; Terraform's own CPU time alone needs %s (%s), see *Where the time goes*", secs(floor), ratio(floor, baseline.Plan.Wall))
		}
		ts = append(ts, target{Name: name, Verdict: verdict(times <= targetPlanRatio), Measured: measured})
	}

	name = fmt.Sprintf("apply creating N=%d secrets: at most N/5 = %d requests", targetN, targetN/5)
	if coalesced == nil {
		ts = append(ts, notRun(name))
	} else {
		store := secretsStoreRequests(coalesced.ApplyReq)
		t := target{Name: name, Verdict: verdict(store <= targetN/5 && len(coalesced.Problems) == 0),
			Measured: fmt.Sprintf("%d requests to the Secrets Store API; the whole apply, with the %d bindings and the deploy token, made %d",
				store, targetN/10, coalesced.ApplyReq.Total)}
		if store > targetN/5 {
			t.Why = dominating(coalesced.ApplyReq)
		}
		ts = append(ts, t)
	}

	name = fmt.Sprintf("destroy of N=%d secrets: at most N/5 + 5 = %d requests", targetN, targetN/5+5)
	if coalesced == nil || !coalesced.DestroyRan {
		ts = append(ts, notRun(name))
	} else {
		store := secretsStoreRequests(coalesced.DestroyReq)
		t := target{Name: name, Verdict: verdict(store <= targetN/5+5 && len(coalesced.Problems) == 0),
			Measured: fmt.Sprintf("%d requests to the Secrets Store API (%.2f per secret); the whole destroy made %d",
				store, float64(store)/float64(targetN), coalesced.DestroyReq.Total)}
		if store > targetN/5+5 {
			t.Why = dominating(coalesced.DestroyReq)
		}
		ts = append(ts, t)
	}

	name = fmt.Sprintf("apply creating N=%d: zero 429s with the mock enforcing 1,200 per 5 minutes", targetN)
	if coalesced == nil {
		ts = append(ts, notRun(name))
	} else {
		ts = append(ts, target{Name: name, Verdict: verdict(coalesced.ApplyReq.TooMany == 0),
			Measured: fmt.Sprintf("%d 429s", coalesced.ApplyReq.TooMany)})
	}

	name = "an apply that goes over the limit still finishes correctly, slower"
	if o := r.OverLimit; o == nil {
		ts = append(ts, target{Name: name, Measured: "not run (-over-limit-n 0)", Verdict: "—"})
	} else {
		res := o.Result
		ok := len(res.Problems) == 0 && res.ApplyReq.TooMany > 0
		measured := fmt.Sprintf("N=%d: %d 429s, apply %s", res.N, res.ApplyReq.TooMany, secs(res.Apply.Wall))
		if ref := o.Reference; ref.Apply.Wall > 0 {
			measured += fmt.Sprintf(" vs %s for the same apply within the limit", secs(ref.Apply.Wall))
			ok = ok && res.Apply.Wall > ref.Apply.Wall
		}
		if len(res.Problems) == 0 {
			measured += "; every secret and binding in place, the plan after it empty"
		} else {
			measured += "; " + strings.Join(res.Problems, "; ")
		}
		if res.ApplyReq.TooMany == 0 {
			measured += "; it never went over the limit"
		}
		ts = append(ts, target{Name: name, Measured: measured, Verdict: verdict(ok)})
	}

	name = fmt.Sprintf("provider peak RSS under 150 MB at N=%d", targetN)
	if coalesced == nil {
		ts = append(ts, notRun(name))
	} else {
		peak := max(coalesced.Apply.RSSKiB, coalesced.Plan.RSSKiB)
		perResource := ""
		if p := r.find(modePerResource, targetN); p != nil {
			perResource = fmt.Sprintf(" (per-resource mode: %s)", mb(max(p.Apply.RSSKiB, p.Plan.RSSKiB)))
		}
		ts = append(ts, target{Name: name, Verdict: verdict(peak > 0 && peak*1024 < targetRSSBytes),
			Measured: fmt.Sprintf("%s, the larger of apply and plan%s", mb(peak), perResource)})
	}
	return ts
}

// secretsStoreRequests counts the requests to the Secrets Store API (the store and its secrets,
// whoever sends them), leaving out the Workers' settings and the token requests, which the
// configuration adds beside its N secrets and which cost a constant per script and token.
func secretsStoreRequests(s requestStats) int {
	n := 0
	for ep, count := range s.ByEndpoint {
		if strings.Contains(ep, "/secrets_store/") {
			n += count
		}
	}
	return n
}

// dominating names the endpoints that account for most of a command's requests.
func dominating(s requestStats) string {
	var parts []string
	for i, e := range s.sorted() {
		if i == 3 {
			break
		}
		part := fmt.Sprintf("%d × `%s`", e.Count, e.Endpoint)
		if who := senders[e.Endpoint]; who != "" {
			part += " (" + who + ")"
		}
		parts = append(parts, part)
	}
	return "most requests: " + strings.Join(parts, "; ")
}

// renderTerraformFloor says how much of the coalesced plan's wall time Terraform itself accounts
// for (terraformFloor).
func (r *report) renderTerraformFloor(p func(string, ...any), n int) {
	res, base := r.find(modeCoalesced, n), r.find(modeBaseline, n)
	if res == nil || base == nil || !res.PlanRan || !base.PlanRan || res.Plan.CPU == 0 || r.Machine.CPUs == 0 {
		return
	}
	terraformCPU, floor := res.Plan.CPU-res.Plan.ProviderCPU, r.terraformFloor(res.Plan)
	p("")
	p("In the coalesced plan Terraform itself (CPU: all, less the provider) used %s of CPU for its %d", secs(terraformCPU), res.N+res.N/10+2)
	p("provider-managed resources (four RPCs each: validate, upgrade state, read, plan), against %s for the whole", secs(base.Plan.CPU))
	p("terraform_data plan. Spread over all %d CPUs that alone takes %s, %s the terraform_data plan's wall time,", r.Machine.CPUs, secs(floor), ratio(floor, base.Plan.Wall))
	p("before the provider does any work: a floor no speed-up inside the provider can lower.")
}

// terraformFloor is Terraform's own CPU time in a command (everything less the provider), spread
// over every CPU: the least wall time the command could take if the provider cost nothing.
func (r *report) terraformFloor(run timedRun) time.Duration {
	return (run.CPU - run.ProviderCPU) / time.Duration(r.Machine.CPUs)
}

func secs(d time.Duration) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func mb(kib int64) string {
	if kib == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f MB", float64(kib)*1024/1e6)
}

func ratio(d, base time.Duration) string {
	if d == 0 || base == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1fx", d.Seconds()/base.Seconds())
}

// loadRange is the lowest and highest load average seen at the end of a command.
func (r *report) loadRange() (low, high float64) {
	results := slices.Clone(r.Results)
	if r.OverLimit != nil {
		results = append(results, r.OverLimit.Result, r.OverLimit.Reference)
	}
	for _, res := range results {
		for _, run := range []timedRun{res.Apply, res.Plan} {
			if run.Load == 0 {
				continue
			}
			if low == 0 || run.Load < low {
				low = run.Load
			}
			high = max(high, run.Load)
		}
	}
	return low, high
}

// writeJSON keeps the raw results, so the report can be rendered again (-render) without
// running the benchmark again.
func (r *report) writeJSON(path string) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o644)
}

func readReport(path string) (*report, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

func (r *report) write(path string) error {
	var b strings.Builder
	r.render(&b)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func (r *report) render(b *strings.Builder) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format+"\n", args...) }
	p("# Benchmarks")
	p("")
	p("Written by `make bench` (`internal/cmd/bench`): regenerate it rather than editing it. One run on the machine")
	p("below; wall times on a 2-core machine move by 10–20 %% between runs, request counts barely at all.")
	if r.Finished.IsZero() {
		p("")
		p("**Incomplete: the run was stopped before it finished; what is below is what it had measured.**")
	}
	p("")
	p("## Targets (issue 8)")
	p("")
	p("| target | measured | result |")
	p("|---|---|---|")
	var whys []string
	for _, t := range r.targets() {
		p("| %s | %s | %s |", t.Name, t.Measured, t.Verdict)
		if t.Why != "" {
			whys = append(whys, fmt.Sprintf("- %s: %s.", t.Name, t.Why))
		}
	}
	if len(whys) > 0 {
		p("")
		p("Where the requests of a failed target go (the endpoint tables below have every one):")
		p("")
		for _, w := range whys {
			p("%s", w)
		}
	}

	p("")
	p("## Machine")
	p("")
	p("- %d CPUs: %s", r.Machine.CPUs, r.Machine.CPU)
	p("- memory: %s; %s", r.Machine.Memory, r.Machine.Kernel)
	p("- %s; %s", r.Machine.Go, r.Machine.Terraform)
	commit := ""
	if r.Machine.Commit != "" {
		commit = fmt.Sprintf(", provider built from %s plus any uncommitted changes", r.Machine.Commit)
	}
	duration := ""
	if !r.Finished.IsZero() {
		duration = fmt.Sprintf(", took %s", r.Finished.Sub(r.Started).Round(time.Second))
	}
	p("- run %s%s%s", r.Started.UTC().Format("2006-01-02 15:04 MST"), duration, commit)
	if low, high := r.loadRange(); high > 0 {
		p("- 1-minute load average at the end of each command: %.1f to %.1f (Terraform, the provider and the mock", low, high)
		p("  share the %d CPUs; anything above that is other work on the machine, which slows the wall times)", r.Machine.CPUs)
	}

	p("")
	p("## Method")
	p("")
	p("For each N, one configuration: N `cfsecrets_secret` in one `cfsecrets_store` (values from an ephemeral variable),")
	p("N/10 `cfsecrets_worker_binding` spread round-robin over %d Workers that were uploaded through the mock's API", r.Workers)
	p("beforehand, and one `cfsecrets_deploy_token`: N + N/10 + 2 resources, one block each. Against the")
	p("`cloudflare-mock` command run as a child process with `-latency %s` and `-rate-limit 1200 -rate-limit-window 5m`", r.Latency)
	p("(Cloudflare's limit, per token, real 429 code 971 with Retry-After), the benchmark runs `terraform apply`")
	p("on an empty account, then `terraform plan -detailed-exitcode` (which refreshes every resource), each with")
	p("Terraform's default `-parallelism` of 10 and a fresh provider process, and checks the plan is empty and")
	p("every secret and binding is in the mock. Each mode starts from `POST /__mock/reset` (empty state and")
	p("fresh rate-limit budgets), so apply and plan of one mode share one 5-minute budget, as they would in CI.")
	p("")
	p("- **coalesced**: the provider as shipped: reads of one store share one paged listing, reads of one")
	p("  script's bindings one settings GET, token reads one listing; creates that arrive together go out as")
	p("  one bulk POST; binding edits of one script are merged; client-side token bucket 3 req/s, burst 300.")
	p("- **per-resource GET**: the same binary with `CFSECRETS_PER_RESOURCE_READS=1` (read at configure time):")
	p("  every read is its own GET. Creates are still batched, so the difference is in the plan.")
	p("- **terraform_data**: N `terraform_data` resources, Terraform's built-in, no provider and no API: what")
	p("  Terraform itself costs for N resources. Ratios are to its apply and plan.")
	p("")
	p("Wall time is the whole `terraform` command (process start to exit). API requests and 429s come from")
	p("the mock's request log (`GET /__mock/requests`), read and cleared after each command; a request refused")
	p("with 429 counts as a request, and so does its retry. The plan target counts the requests to the Secrets")
	p("Store API (`/secrets_store/`, whoever sends them); the Workers' settings and the token requests are a")
	p("constant per script and token and are shown beside it. Provider peak RSS")
	p("is `ru_maxrss` from `wait4(2)`: Terraform is pointed (dev_overrides, no `terraform init`, no registry) at")
	p("a wrapper script that runs the real provider binary as its child and records the child's peak resident")
	p("set when it exits; the table shows the largest among the provider processes of the command. A command")
	p("still running after %s is stopped and marked capped. Before each mode the benchmark waits (up to", r.Cap)
	p("30 s) for the machine's 1-minute load average to fall below 1.5, so a mode is not timed while the")
	p("previous one's processes or other work are still busy.")

	p("")
	p("## Results")
	for _, n := range r.Sizes {
		base := r.find(modeBaseline, n)
		if base == nil {
			base = &result{}
		}
		p("")
		p("### N = %d (%d secrets, %s on %d Workers, 1 deploy token)", n, n, plural(n/10, "binding"), r.Workers)
		p("")
		p("| mode | apply | × baseline | plan | × baseline | requests / apply | requests / plan | 429s apply / plan | provider peak RSS apply / plan |")
		p("|---|---|---|---|---|---|---|---|---|")
		var notes []string
		for _, mode := range []string{modeCoalesced, modePerResource, modeBaseline} {
			res := r.find(mode, n)
			if res == nil {
				continue
			}
			p("%s", res.row(base))
			for _, problem := range res.Problems {
				notes = append(notes, fmt.Sprintf("- %s: %s", mode, problem))
			}
			if res.LongWaits > 0 {
				notes = append(notes, fmt.Sprintf("- %s: the provider logged %d waits of 5 s or more (client-side rate limit or Retry-After)", mode, res.LongWaits))
			}
		}
		if len(notes) > 0 {
			p("")
			for _, note := range notes {
				p("%s", note)
			}
		}
	}

	if largest := slices.Max(r.Sizes); r.find(modeBaseline, largest) != nil && r.find(modeBaseline, largest).Apply.CPU > 0 {
		p("")
		p("### Where the time goes at N = %d", largest)
		p("")
		p("CPU seconds (user + system) of each command, from `wait4(2)`: everything (terraform and the provider")
		p("processes it started and waited for), and the provider processes alone. On %d CPUs, CPU time near", r.Machine.CPUs)
		p("wall time × %d means the command was CPU-bound; far below it, that it was waiting (API latency, the rate limit).", r.Machine.CPUs)
		p("")
		p("| mode | command | wall | CPU: all | CPU: provider |")
		p("|---|---|---|---|---|")
		for _, mode := range []string{modeCoalesced, modePerResource, modeBaseline} {
			res := r.find(mode, largest)
			if res == nil {
				continue
			}
			for _, c := range []struct {
				name string
				run  timedRun
				ran  bool
			}{{"apply", res.Apply, true}, {"plan", res.Plan, res.PlanRan}} {
				if !c.ran || c.run.CPU == 0 {
					continue
				}
				provider := "—"
				if mode != modeBaseline {
					provider = secs(c.run.ProviderCPU)
				}
				p("| %s | %s | %s | %s | %s |", mode, c.name, secs(c.run.Wall), secs(c.run.CPU), provider)
			}
		}
		r.renderTerraformFloor(p, largest)
	}

	if o := r.OverLimit; o != nil {
		res := o.Result
		p("")
		p("## Over the limit")
		p("")
		p("The coalesced configuration at N = %d against a mock allowing only %d requests per %s (`-rate-limit %d",
			res.N, o.Limit, o.Window, o.Limit)
		p("-rate-limit-window %s`), with the provider's own bucket opened wide (`requests_per_second = %v`,", o.Window, o.Settings.RequestsPerSecond)
		p("`burst = %d`, `max_retries` at its default) so that the mock's 429s and their Retry-After are all that", o.Settings.Burst)
		p("slows it down.")
		p("")
		p("| mock limit | apply | requests | 429s | plan after it | requests | 429s | provider peak RSS apply / plan |")
		p("|---|---|---|---|---|---|---|---|")
		for _, row := range []struct {
			name string
			res  result
		}{{fmt.Sprintf("%d per %s", o.Limit, o.Window), res}, {"1200 per 5m (reference)", o.Reference}} {
			if row.res.Apply.Wall == 0 {
				continue
			}
			plan, planRequests, planTooMany := "not run", "—", "—"
			if row.res.PlanRan {
				plan = secs(row.res.Plan.Wall)
				planRequests, planTooMany = strconv.Itoa(row.res.PlanReq.Total), strconv.Itoa(row.res.PlanReq.TooMany)
			}
			p("| %s | %s | %d | %d | %s | %s | %s | %s / %s |", row.name, secs(row.res.Apply.Wall), row.res.ApplyReq.Total,
				row.res.ApplyReq.TooMany, plan, planRequests, planTooMany, mb(row.res.Apply.RSSKiB), mb(row.res.Plan.RSSKiB))
		}
		p("")
		for _, problem := range o.Reference.Problems {
			p("The reference run had a problem: %s.", problem)
		}
		if len(res.Problems) == 0 {
			p("The apply finished, every secret and binding is in the mock as configured, and the plan after it is empty.")
		} else {
			p("It did not finish correctly: %s.", strings.Join(res.Problems, "; "))
		}
		if res.LongWaits > 0 {
			p("The provider logged %d retry waits of 5 s or more (WARN \"Cloudflare asked us to slow down\").", res.LongWaits)
		}
		r.endpointTable(p, "apply over the limit", res.ApplyReq)
	}

	r.destroyTable(p)

	if largest := slices.Max(r.Sizes); r.find(modeCoalesced, largest) != nil {
		p("")
		p("## Requests by endpoint at N = %d", largest)
		p("")
		p("What sends each request is per the provider code when the benchmark was written.")
		for _, mode := range []string{modeCoalesced, modePerResource} {
			res := r.find(mode, largest)
			if res == nil {
				continue
			}
			r.endpointTable(p, mode+" apply", res.ApplyReq)
			if res.PlanRan {
				r.endpointTable(p, mode+" plan", res.PlanReq)
			}
			if res.DestroyRan {
				r.endpointTable(p, mode+" destroy", res.DestroyReq)
			}
		}
	}

	if r.Micro != "" {
		p("")
		p("## Go micro-benchmarks")
		p("")
		p("`go test -run '^$' -bench . -benchmem ./internal/cfclient/ ./internal/cloudflaremock/` (in-process, no latency):")
		p("")
		p("```")
		p("%s", strings.TrimRight(r.Micro, "\n"))
		p("```")
	}
}

func (r *report) endpointTable(p func(string, ...any), title string, s requestStats) {
	p("")
	p("**%s**: %d requests, %d 429s", title, s.Total, s.TooMany)
	p("")
	p("| requests | 429s | endpoint | sent by |")
	p("|---|---|---|---|")
	for _, e := range s.sorted() {
		p("| %d | %d | `%s` | %s |", e.Count, e.TooMany, e.Endpoint, senders[e.Endpoint])
	}
}

// row is the result's line of its N's table.
func (res *result) row(base *result) string {
	cell := func(run timedRun, ran bool, d time.Duration) string {
		switch {
		case !ran:
			return "not run"
		case run.Capped:
			return "capped at " + secs(d)
		}
		return secs(d)
	}
	applyRatio, planRatio := ratio(res.Apply.Wall, base.Apply.Wall), ratio(res.Plan.Wall, base.Plan.Wall)
	if res.Mode == modeBaseline {
		return fmt.Sprintf("| %s | %s | 1x | %s | 1x | — | — | — | — |", res.Mode, secs(res.Apply.Wall), cell(res.Plan, res.PlanRan, res.Plan.Wall))
	}
	planRequests, planTooMany := "—", "—"
	if res.PlanRan {
		planRequests, planTooMany = strconv.Itoa(res.PlanReq.Total), strconv.Itoa(res.PlanReq.TooMany)
	} else {
		planRatio = "—"
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s | %d | %s | %d / %s | %s / %s |", res.Mode,
		cell(res.Apply, true, res.Apply.Wall), applyRatio, cell(res.Plan, res.PlanRan, res.Plan.Wall), planRatio,
		res.ApplyReq.Total, planRequests, res.ApplyReq.TooMany, planTooMany, mb(res.Apply.RSSKiB), mb(res.Plan.RSSKiB))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// destroyTable shows, for every provider run that got as far as a destroy, what the destroy of
// everything the apply made cost: the destroy requests per secret.
func (r *report) destroyTable(p func(string, ...any)) {
	var rows []string
	for _, n := range r.Sizes {
		for _, mode := range []string{modeCoalesced, modePerResource} {
			res := r.find(mode, n)
			if res == nil || !res.DestroyRan {
				continue
			}
			store := secretsStoreRequests(res.DestroyReq)
			rows = append(rows, fmt.Sprintf("| %d | %s | %s | %d | %d | %.2f | %d |", n, mode, secs(res.Destroy.Wall),
				res.DestroyReq.Total, store, float64(store)/float64(n), res.DestroyReq.TooMany))
		}
	}
	if len(rows) == 0 {
		return
	}
	p("")
	p("## Destroy")
	p("")
	p("`terraform destroy` of everything the apply made. Deletes of one store's secrets go out as bulk")
	p("requests, like the creates; the destroy requests per secret count the Secrets Store requests.")
	p("")
	p("| N | mode | destroy | requests | Secrets Store requests | destroy requests per secret | 429s |")
	p("|---|---|---|---|---|---|---|")
	for _, row := range rows {
		p("%s", row)
	}
}
