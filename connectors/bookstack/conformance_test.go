package bookstack

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/bookstackemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

var conformanceGen = bookstackemu.GenerateOptions{Shelves: 2, Books: 2, ChaptersPerBook: 1, PagesPerBook: 4, Tied: 3, Restricted: 1, Seed: 8}

var idPattern = regexp.MustCompile(`^http://wiki\.test/link/\d+$`)

// brokenPage is the page whose read answers without its content: a
// failure under its id.
const brokenPage = 5

// conformanceHarness runs each check in a testing/synctest bubble with its
// own emulator in memory, so backoffs and the per-minute budget pass in
// fake time. With perms, pages carry their access. A page size of 3 makes the listings page, and the tied pages
// read by id over several requests.
func conformanceHarness(opts bookstackemu.Options, perms bool, faults func(*bookstackemu.Server)) (connectortest.Harness, *[]*bookstackemu.Server) {
	ref := &fixture{data: bookstackemu.Generate(conformanceGen)}
	s := ref.settings()
	s.PageSize = 3
	var emus []*bookstackemu.Server
	open := func(t testing.TB, creds Credentials, wantPerms bool) tributary.Connector {
		f := newFixture(t, conformanceGen, opts)
		f.data.Page(brokenPage).Broken = true
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		env := f.env()
		env.WantPermissions = wantPerms
		c, err := New(s, creds, env)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := ref.times()
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == pageID(brokenPage) })
	}
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(ref.expectedIDs(start, end))}
	}
	bad := Credentials{TokenID: bookstackemu.AdminTokenID, TokenSecret: tributary.NewSecret("revoked-secret")}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, adminCredentials(), perms) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, bad, false) },
		WantIDs:        without(ref.expectedIDs(time.Time{}, time.Time{})),
		WantFailureIDs: []string{pageID(brokenPage)},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
			window(times[len(times)*2/3], times[len(times)-1]),
			window(times[0].Add(-500*time.Millisecond), times[0].Add(500*time.Millisecond)),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, adminCredentials(), perms)
			emus[len(emus)-1].FailEvery("GET /api/roles/{id}", 1, bookstackemu.BadGateway)
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(bookstackemu.Options{RateLimit: true}, true, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four (429s with Retry-After, 500s, 502s, reset
// connections, truncated bodies) under a budget of 30 requests a minute,
// below the client's pace, so the rate limit refuses requests too. Access
// is left out: TestConformance checks it, and each page's permissions
// would double the requests.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(bookstackemu.Options{RateLimit: true, RequestsPerMinute: 30}, false, func(s *bookstackemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: bookstackemu.RateLimited, 13: emulator.ConnectionReset,
			17: emulator.TruncatedBody, 19: emulator.InternalError, 23: bookstackemu.BadGateway} {
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
