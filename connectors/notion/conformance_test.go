package notion

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: nested pages (some inside toggles; four with nested blocks, a table
// and synced blocks), two databases with rows, and small pages of results
// so that there are many checkpoints.
var conformanceGen = notionemu.GenerateOptions{Pages: 10, Databases: 2, Rows: 3, Plain: true, Rich: 3, Seed: 8}

var idPattern = regexp.MustCompile(`^https://www\.notion\.so/[0-9a-f]{32}$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. The blocks of the sixth
// page always fail to load (404), so that page is a failure. It also
// returns the emulators the checks start, for counting faults.
func conformanceHarness(faults func(*notionemu.Server)) (connectortest.Harness, *[]*notionemu.Server) {
	probe := notionemu.Generate(conformanceGen)
	failing := probe.Pages[5]
	drop := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == docID(failing) })
	}
	var emus []*notionemu.Server
	open := func(t testing.TB, good bool) tributary.Connector {
		f := newFixture(t, conformanceGen, notionemu.Options{})
		f.emu.FailEvery("/v1/blocks/"+failing.ID+"/children", 1, notionemu.NotFound)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 4
		cr := f.credentials()
		if !good {
			cr.Token = tributary.NewSecret("ntn_revoked")
		}
		c, err := newConnector(s, cr, f.env(), fast)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := editTimes(probe)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: drop(expectedIDs(probe, start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false) },
		WantIDs:        drop(expectedIDs(probe, time.Time{}, time.Time{})),
		WantFailureIDs: []string{docID(failing)},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3].Add(time.Second)),
			window(times[len(times)/2].Add(-30*time.Second), time.Time{}),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		Timeout:   time.Minute,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: 429s, 500s and 502s, reset connections and
// truncated bodies. Every document still arrives. The kit's checks cannot
// run in a synctest bubble, so the 429s here name no Retry-After and the
// stack's backoff is cut to a millisecond; TestRateLimitRetryAfter covers
// Retry-After in fake time.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *notionemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests}, 13: emulator.ConnectionReset,
			17: emulator.TruncatedBody, 19: emulator.InternalError, 23: notionemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	faults := 0
	for _, e := range *emus {
		faults += e.Faults()
	}
	if faults < 50 {
		t.Errorf("only %d faults were injected", faults)
	}
	t.Logf("%d faults injected", faults)
}

// TestConformanceInFakeTime runs the kit in synctest bubbles against an
// emulator held to Notion's limit (three requests a second, bursts of
// ten) that also answers every ninth request with 429 and Retry-After:
// the client's default pace and retry policy, with their real waits,
// deliver everything.
func TestConformanceInFakeTime(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("runs the kit a third time; runs without -short and -race")
	}
	probe := notionemu.Generate(conformanceGen)
	h, _ := conformanceHarness(nil)
	h.Synctest = true
	h.Timeout = 0
	h.New = func(t testing.TB) tributary.Connector {
		f := newFixture(t, conformanceGen, notionemu.Options{RateLimit: true, Burst: 10})
		f.emu.FailEvery("/v1/blocks/"+probe.Pages[5].ID+"/children", 1, notionemu.NotFound)
		f.emu.FailEvery("*", 9, notionemu.RateLimited)
		s := f.settings()
		s.RequestsPerSecond = 0 // Notion's three a second
		c, err := New(s, f.credentials(), f.env())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	h.BadCredentials = func(t testing.TB) tributary.Connector {
		f := newFixture(t, conformanceGen, notionemu.Options{RateLimit: true, Burst: 10})
		c, err := New(f.settings(), Credentials{Token: tributary.NewSecret("ntn_revoked")}, f.env())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	h.Requests = nil
	connectortest.Run(t, h)
}
