//go:build unix

package tributary_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used so far, in user and
// system mode, on all its threads.
func processCPU() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
