package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Peak memory of the provider
//
// Terraform starts the provider binary itself (possibly several times per command), so the
// benchmark cannot time or watch it directly. The dev_overrides directory Terraform is pointed
// at therefore holds not the provider but a two-line shell script that execs this very program
// in wrapper mode (wrapperFlag). The wrapper starts the real provider as its child with the same
// stdin, stdout, stderr, arguments and environment (so go-plugin's handshake line and Terraform's
// plugin environment pass through untouched), forwards signals, waits for it and then appends
// the child's ru_maxrss (and its CPU time) to the file named by envRSSLog.
//
// ru_maxrss from wait4(2) is the kernel's own record of the process's peak resident set size
// over its whole life (the same figure as VmHWM in /proc/<pid>/status, and what
// `/usr/bin/time -v` prints as "Maximum resident set size"), in KiB on Linux. It needs no
// polling, which would miss short peaks, and no external tool whose output format could change.
// It covers the provider process only: the wrapper's own memory is not in it.
//
// If Terraform kills the wrapper outright, Pdeathsig kills the provider too, and that instance
// is simply not recorded.

const (
	wrapperFlag = "-provider-wrapper"
	envRSSLog   = "CFSECRETS_BENCH_RSS_LOG"
)

// writeWrapper puts the wrapper script into dir under the provider binary's name.
func writeWrapper(dir, realProvider string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	script := fmt.Sprintf("#!/bin/sh\n# Runs the provider under the benchmark's peak-memory recorder (internal/cmd/bench/rss.go).\nexec %s %s %s \"$@\"\n",
		shellQuote(self), wrapperFlag, shellQuote(realProvider))
	return os.WriteFile(filepath.Join(dir, "terraform-provider-cfsecrets"), []byte(script), 0o755)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// runProviderWrapper is main in wrapper mode: args are the real provider and its arguments.
func runProviderWrapper(args []string) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "bench: "+wrapperFlag+" needs the provider binary")
		return 2
	}
	// Pdeathsig fires when the thread that started the child ends: keep this goroutine on it.
	runtime.LockOSThread()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench: starting the provider:", err)
		return 1
	}
	go func() {
		for s := range signals {
			_ = cmd.Process.Signal(s)
		}
	}()
	_ = cmd.Wait()
	if usage, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if path := os.Getenv(envRSSLog); path != "" {
			if f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err == nil {
				// Best effort, like the open above: a lost line only leaves this process out of
				// the figures.
				cpu := time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
				_, _ = fmt.Fprintf(f, "%d %d\n", usage.Maxrss, cpu.Milliseconds())
				_ = f.Close()
			}
		}
	}
	if code := cmd.ProcessState.ExitCode(); code >= 0 {
		return code
	}
	return 1
}

// peakRSS reads a wrapper log: the largest peak among the provider processes of one command, in
// KiB, how many processes were recorded and the CPU time they used in all.
func peakRSS(path string) (maxKiB int64, processes int, cpu time.Duration) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, 0
	}
	defer func() { _ = f.Close() }()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		if len(fields) == 0 {
			continue
		}
		kib, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		processes++
		maxKiB = max(maxKiB, kib)
		if len(fields) > 1 {
			if ms, err := strconv.ParseInt(fields[1], 10, 64); err == nil {
				cpu += time.Duration(ms) * time.Millisecond
			}
		}
	}
	return maxKiB, processes, cpu
}
