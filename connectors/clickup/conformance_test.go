package clickup

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/clickupemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

var conformanceGen = clickupemu.GenerateOptions{Lists: 1, Tasks: 12, Subtasks: 2, Comments: 2, Closed: 2, Archived: 1, Seed: 8}

var idPattern = regexp.MustCompile(`^https://app\.clickup\.com/t/[0-9a-z]+$`)

// conformanceHarness runs each check in a testing/synctest bubble with its
// own emulator in memory, so backoffs and the per-minute budget pass in
// fake time. The comments of one task cannot be read: that task is a
// failure.
func conformanceHarness(opts clickupemu.Options, faults func(*clickupemu.Server)) (connectortest.Harness, *[]*clickupemu.Server) {
	ref := &fixture{data: clickupemu.Generate(conformanceGen)}
	s := ref.settings()
	if opts.PerMinute > 0 {
		s.RequestsPerMinute = opts.PerMinute * 20 // faster than the budget, which refuses then
	}
	broken := ref.tasks()[5]
	var emus []*clickupemu.Server
	open := func(t testing.TB, token string) tributary.Connector {
		f := newFixture(t, conformanceGen, opts)
		for _, k := range f.tasks() {
			k.Broken = k.ID == broken.ID
		}
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		c, err := New(s, Credentials{APIToken: tributary.NewSecret(token)}, f.env())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := ref.times()
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == TaskID(broken.ID) })
	}
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(ref.expectedIDs(start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testToken) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "pk_81000_REVOKED") },
		WantIDs:        without(ref.expectedIDs(time.Time{}, time.Time{})),
		WantFailureIDs: []string{TaskID(broken.ID)},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
			window(times[len(times)*2/3], times[len(times)-1]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testToken)
			emus[len(emus)-1].FailEvery("GET /api/v2/group", 1, clickupemu.BadGateway)
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(clickupemu.Options{PageSize: 2}, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four (429s with Retry-After, 500s, 502s, reset
// connections, truncated bodies) under a budget of 30 requests a minute,
// far below the client's own pace: the stack then paces by the
// X-RateLimit headers (TestRateLimitSharedToken shows a refusal waited
// out until X-RateLimit-Reset).
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(clickupemu.Options{PerMinute: 30, PageSize: 2}, func(s *clickupemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: clickupemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 50, "status 429", "status 500", "status 502", "reset", "truncate")
}
