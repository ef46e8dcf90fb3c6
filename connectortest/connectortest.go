package connectortest

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
)

// Harness describes a connector under test and what its fixture holds.
// Only New and WantIDs are required; every other field turns on a check or
// makes one stricter, and a check that cannot run without it says so with
// t.Skip.
type Harness struct {
	// New returns a fresh connector. Every check calls it once, with the
	// check's own t, so a harness may start an emulator per check and stop
	// it with t.Cleanup, or share one emulator across checks.
	New func(t testing.TB) tributary.Connector

	// WantIDs are the ids of every document a full load must yield, in any
	// order. Documents the fixture makes fail belong in WantFailureIDs, not
	// here.
	WantIDs []string

	// WantFailureIDs, when set, are the ids a full load must report as
	// *tributary.Failure values (the failure's DocumentID, or its EntityID
	// for a failure that is not one document).
	WantFailureIDs []string

	// Windows are poll windows with the documents each must yield exactly.
	// They are checked against Poll, LoadSlim and the checkpoint stream.
	Windows []Window

	// BadCredentials, when set, returns a connector whose credentials the
	// source rejects: its Validate must fail with
	// tributary.ErrCredentialExpired and its loads must fail the same way.
	BadCredentials func(t testing.TB) tributary.Connector

	// IDMatches, when set, reports whether an id follows the scheme of the
	// connector's document ids; failures' document ids must satisfy it.
	// When nil, a failure's document id must start with the prefix that
	// WantIDs share, cut back to the last separator ("https://wiki/pages/").
	IDMatches func(id string) bool

	// Requests, when set, returns how much upstream work (requests, file
	// opens, pages read) has been done so far for c. A harness backed by an
	// emulator may ignore c and return the emulator's running count; the
	// kit only compares counts taken one after another. It turns on the
	// checks that no work happens before iteration starts, that ranging
	// twice fetches twice, that Validate probes rather than lists, and
	// that resuming from the last checkpoint does not start over.
	Requests func(c tributary.Connector) int

	// Events are pushed events with their expected effect, checked against
	// HandleEvent when the connector is a tributary.EventConnector.
	Events []Event

	// IgnoreGoroutines names the entry functions of goroutines that may
	// outlive a range loop without being a leak (pools of shared clients,
	// an emulator's workers), as printed in a goroutine stack: a prefix
	// such as "example.com/pool." matches every function it starts.
	// Goroutines of the standard library's HTTP client and server (idle
	// connections, dials, handlers) are always ignored, except the read
	// loop of a connection that waits for a response body the connector
	// never read nor closed.
	IgnoreGoroutines []string

	// Timeout bounds one range loop over one iterator; a connector that
	// takes longer is reported as hanging. Zero means 10 seconds, or with
	// Synctest 24 hours of the bubble's time, which passes at once when
	// every goroutine of the check waits.
	Timeout time.Duration

	// GroupsFault, when set, returns a connector whose source fails partway
	// through the group listing (after the first group or page of
	// members): its Groups must end with an error.
	GroupsFault func(t testing.TB) tributary.Connector

	// Synctest runs each check inside testing/synctest.Test, so the waits of
	// a fixture that injects faults (retry backoff, Retry-After, rate
	// limits) take no real time. Harness.New is then called inside the
	// check's bubble, and the connector must reach its emulator through an
	// in-memory transport: a goroutine blocked on a real socket is not
	// durably blocked, so the bubble's clock would not move. A goroutine
	// leaked by any check then also makes synctest.Test panic with a
	// deadlock that lists it.
	Synctest bool
}

// Window is a poll window [Start, End) and the ids of the documents that
// changed in it.
type Window struct {
	Start, End time.Time
	WantIDs    []string
}

// Event is a pushed event and what HandleEvent must yield for it.
type Event struct {
	// Name labels the case in failure messages.
	Name  string
	Event tributary.Event
	// WantIDs are the documents the event must upsert, WantDeletions the
	// ids it must delete; both in any order.
	WantIDs       []string
	WantDeletions []string
}

func (h *Harness) timeout() time.Duration {
	switch {
	case h.Timeout > 0:
		return h.Timeout
	case h.Synctest:
		return 24 * time.Hour // of the bubble's time, which jumps when all wait
	}
	return 10 * time.Second
}

// check is one named conformance check.
type check struct {
	name string
	run  func(t testing.TB, h *Harness)
}

// checks returns the explicit list of subtests Run runs, in order.
func checks() []check {
	return []check{
		{"Validate", checkValidate},
		{"ValidateBadCredentials", checkBadCredentials},
		{"Load", checkLoad},
		{"LoadTwice", checkLoadTwice},
		{"ConcurrentLoads", checkConcurrentLoads},
		{"RangeTwice", checkRangeTwice},
		{"NoWorkBeforeIteration", checkNoWorkBeforeIteration},
		{"PollAllTime", checkPollAllTime},
		{"PollWindows", checkPollWindows},
		{"WindowBoundaries", checkWindowBoundaries},
		{"Slim", checkSlim},
		{"Checkpoints", checkCheckpoints},
		{"CheckpointResume", checkCheckpointResume},
		{"InvalidCheckpoint", checkInvalidCheckpoint},
		{"Hierarchy", checkHierarchy},
		{"EarlyBreak", checkEarlyBreak},
		{"Cancel", checkCancel},
		{"NoGoroutineLeak", checkNoGoroutineLeak},
		{"FailureIDs", checkFailureIDs},
		{"NoMutationAfterYield", checkNoMutationAfterYield},
		{"Events", checkEvents},
		{"Probe", checkProbe},
		{"NormalizeURL", checkNormalizeURL},
		{"Groups", checkGroups},
		{"Refetch", checkRefetch},
		{"Blobs", checkBlobs},
	}
}

// Run runs every conformance check against the connector h describes, each
// as a subtest of t with a fresh connector from h.New. Run a single check
// with go test -run 'TestConformance/Load$'.
//
// Run must not be called from a parallel test, nor while other tests of
// the package run in parallel: the goroutine leak check counts every
// goroutine of the process.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.New == nil {
		t.Fatal("connectortest: Harness.New is nil")
	}
	if len(h.WantIDs) == 0 {
		t.Fatal("connectortest: Harness.WantIDs is empty; give the fixture some documents")
	}
	if err := h.check(); err != nil {
		t.Fatalf("connectortest: %v", err)
	}
	for _, c := range checks() {
		t.Run(c.name, func(t *testing.T) {
			if h.Synctest {
				synctest.Test(t, func(t *testing.T) { c.run(t, &h) })
				return
			}
			c.run(t, &h)
		})
	}
}

// check reports a harness that contradicts itself: a window wanting an id
// that a full load does not yield.
func (h *Harness) check() error {
	all := set(h.WantIDs)
	for i, w := range h.Windows {
		for _, id := range w.WantIDs {
			if !all[id] {
				return fmt.Errorf("Harness.Windows[%d] wants %q, which is not in WantIDs", i, id)
			}
		}
	}
	return nil
}

// newConnector returns a fresh connector from h, failing the check when the
// harness returns nil.
func newConnector(t testing.TB, h *Harness) tributary.Connector {
	t.Helper()
	c := h.New(t)
	if c == nil {
		t.Fatal("Harness.New returned a nil connector")
	}
	return c
}
