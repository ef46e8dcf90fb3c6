package cputime_test

import (
	"runtime"
	"testing"

	"github.com/tributary-dev/tributary/internal/cputime"
)

func TestProcessCountsWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no processor time on", runtime.GOOS)
	}
	before := cputime.Process()
	x := 0
	for i := range 50_000_000 {
		x ^= i * i
	}
	after := cputime.Process()
	if after <= before {
		t.Fatalf("processor time did not move over a busy loop (%v to %v, %d)", before, after, x)
	}
}
