package connectortest

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records what a check reports instead of
// failing the real test, so the kit's tests can assert that a check fails,
// and for the right reason. Everything it does not record (Context,
// Cleanup, TempDir, Name) goes to the real test it embeds.
type recorder struct {
	testing.TB
	mu      sync.Mutex
	errs    []string
	logs    []string
	skipped string
	failed  bool
}

func (r *recorder) Helper() {}

func (r *recorder) record(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, msg)
	r.failed = true
}

func (r *recorder) Error(args ...any)                 { r.record(fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.record(fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any)                 { r.record(fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.record(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Fail()    { r.mu.Lock(); r.failed = true; r.mu.Unlock() }
func (r *recorder) FailNow() { r.Fail(); runtime.Goexit() }
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}
func (r *recorder) Log(args ...any) { r.log(fmt.Sprint(args...)) }
func (r *recorder) Logf(format string, args ...any) {
	r.log(fmt.Sprintf(format, args...))
}
func (r *recorder) log(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, msg)
}
func (r *recorder) Skip(args ...any) { r.skip(fmt.Sprint(args...)) }
func (r *recorder) Skipf(format string, args ...any) {
	r.skip(fmt.Sprintf(format, args...))
}
func (r *recorder) SkipNow() { r.skip("skipped") }
func (r *recorder) skip(msg string) {
	r.mu.Lock()
	r.skipped = msg
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) Skipped() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.skipped != ""
}

// errors returns every error recorded, one a line.
func (r *recorder) errors() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs, "\n")
}

// runCheck runs the named check against h with a recorder on its own
// goroutine (so that Fatal and Skip end only the check) and returns the
// recorder.
func runCheck(t *testing.T, h Harness, name string) *recorder {
	t.Helper()
	i := slices.IndexFunc(checks(), func(c check) bool { return c.name == name })
	if i < 0 {
		t.Fatalf("no check named %q", name)
	}
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		checks()[i].run(r, &h)
	}()
	<-done
	return r
}
