package emulator

import (
	"net/http"
	"testing"
)

type fakeLog []Request

func (l fakeLog) Requests() []Request { return l }

func TestTally(t *testing.T) {
	logs := []fakeLog{
		{{Status: 200}, {Status: 429}, {Fault: "status 429", Status: 429}},
		{{Fault: "reset"}, {Fault: "reset"}, {Status: http.StatusOK}},
	}
	got := TallyOf(logs)
	if got.Total != 3 || got.Limited() != 1 || got.Statuses[200] != 2 || got.Faults["reset"] != 2 || got.Faults["status 429"] != 1 {
		t.Fatalf("tally = %+v", got)
	}
	got.Require(t, 3, "reset", "status 429")

	// Require reports a short run and a missing kind.
	rec := &recorder{TB: t}
	got.Require(rec, 4, "truncate")
	if rec.errors != 2 {
		t.Fatalf("Require reported %d problems, want 2", rec.errors)
	}
}

type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Errorf(string, ...any) { r.errors++ }
func (r *recorder) Helper()               {}
