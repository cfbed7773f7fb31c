package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// workspace is one Terraform working directory with its own environment.
type workspace struct {
	bin string
	dir string
	env []string
	cap time.Duration
}

// timedRun is one timed terraform command.
type timedRun struct {
	Wall     time.Duration
	ExitCode int
	Capped   bool // stopped at the cap
	Output   string
	// RSSKiB is the largest provider peak RSS among the processes the command started.
	RSSKiB    int64
	Providers int // provider processes recorded
	// Load is the 1-minute load average when the command ended: how busy the machine was.
	Load float64
	// CPU is the CPU time (user + system) wait4 reports for terraform, which includes the processes
	// it waited for (the providers); ProviderCPU is that of the provider processes alone.
	CPU, ProviderCPU time.Duration
}

// terraform runs `terraform <args>` in the workspace, stopping it (interrupt, then kill) at the cap.
func (w *workspace) terraform(args ...string) (timedRun, error) {
	rssLog := filepath.Join(w.dir, fmt.Sprintf("rss-%s-%d.log", args[0], time.Now().UnixNano()))
	ctx, cancel := context.WithTimeout(context.Background(), w.cap)
	defer cancel()
	full := append([]string{args[0], "-no-color", "-input=false"}, args[1:]...)
	cmd := exec.CommandContext(ctx, w.bin, full...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{}, w.env...), envRSSLog+"="+rssLog)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = time.Minute
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := timedRun{Wall: time.Since(start), Output: out.String()}
	r.RSSKiB, r.Providers, r.ProviderCPU = peakRSS(rssLog)
	r.Load = loadAverage()
	if cmd.ProcessState != nil {
		r.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		r.ExitCode = exitErr.ExitCode()
	default:
		return r, fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		r.Capped = true
	}
	return r, nil
}

// tail is the end of a command's output, for error messages.
func tail(s string, lines int) string {
	all := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// loadAverage is the 1-minute load average (0 where /proc is missing).
func loadAverage() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(raw))
	if len(fields) == 0 {
		return 0
	}
	load, _ := strconv.ParseFloat(fields[0], 64)
	return load
}
