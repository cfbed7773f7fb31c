package main

import "strings"

// linesContaining picks the lines of terraform's output that hold any of the markers.
func linesContaining(output string, markers ...string) []string {
	var picked []string
	for _, line := range strings.Split(output, "\n") {
		for _, m := range markers {
			if strings.Contains(line, m) {
				picked = append(picked, strings.TrimRight(line, " "))
				break
			}
		}
	}
	return picked
}

// applySummary is what an apply did, resource by resource, and optionally its outputs.
func applySummary(output string, withOutputs bool) []string {
	lines := linesContaining(output, "Creation complete", "Modifications complete", "Destruction complete", "Apply complete!")
	if _, outputs, found := strings.Cut(output, "\nOutputs:\n"); found && withOutputs {
		lines = append(lines, "Outputs:")
		lines = append(lines, strings.Split(strings.TrimRight(outputs, "\n"), "\n")...)
	}
	return lines
}
