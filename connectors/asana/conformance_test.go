package asana

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/asanaemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

var conformanceGen = asanaemu.GenerateOptions{Projects: 3, Tasks: 4, Stories: 2, Shared: 1, Seed: 8}

var idPattern = regexp.MustCompile(`^https://app\.asana\.com/0/0/\d+$`)

// conformanceHarness runs each check in a testing/synctest bubble with its
// own emulator in memory, so backoffs and the per-minute budget pass in
// fake time. The stories of one task cannot be read (they answer 404, as
// if it were deleted while the run read it): that task is a failure. Pages hold 3 tasks, so that every project pages.
func conformanceHarness(opts asanaemu.Options, perMinute int, faults func(*asanaemu.Server)) (connectortest.Harness, *[]*asanaemu.Server) {
	ref := &fixture{data: asanaemu.Generate(conformanceGen)}
	s := ref.settings()
	s.PageSize = 3
	if perMinute > 0 {
		s.RequestsPerMinute = perMinute
	}
	broken := ref.data.Projects[1].Tasks[2]
	var emus []*asanaemu.Server
	open := func(t testing.TB, token string) tributary.Connector {
		f := newFixture(t, conformanceGen, opts)
		f.data.Tasks[broken].Broken = true
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		c, err := New(s, Credentials{AccessToken: tributary.NewSecret(token)}, f.env())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := ref.times()
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == TaskID(broken) })
	}
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(ref.expectedIDs(start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testToken) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "2/1/2:revoked") },
		WantIDs:        without(ref.expectedIDs(time.Time{}, time.Time{})),
		WantFailureIDs: []string{TaskID(broken)},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
			window(times[len(times)*2/3], times[len(times)-1]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testToken)
			emus[len(emus)-1].FailEvery("GET /api/1.0/teams/{gid}/users", 1, asanaemu.BadGateway)
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(asanaemu.Options{}, 0, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four (429s with Retry-After, 500s, 502s, reset
// connections, truncated bodies) under a budget of 60 requests a minute,
// below the client's pace of 120, so the rate limit refuses requests too.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(asanaemu.Options{PerMinute: 60}, 120, func(s *asanaemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: asanaemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	tally := emulator.TallyOf(*emus)
	if tally.Limited() == 0 {
		t.Error("the rate limit never refused a request")
	}
	tally.Require(t, 50, "status 429", "status 500", "status 502", "reset", "truncate")
}
