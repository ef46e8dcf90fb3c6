// Package cputime reads the processor time the process has used, for
// benchmarks that compare two phases: other work on a shared machine moves
// a phase's processor time far less than its wall time.
package cputime

import "time"

// Process returns the processor time, user and system, that the process
// has used on all its threads; zero where the platform does not tell.
func Process() time.Duration { return process() }
