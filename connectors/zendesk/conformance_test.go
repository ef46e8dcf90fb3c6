package zendesk

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of, with small pages so that there are many checkpoints.
var conformanceGen = zendeskemu.GenerateOptions{Categories: 2, Sections: 2, Articles: 2, Locales: []string{"en-us", "fr"},
	Tickets: 14, Comments: 3, Deleted: 2, RestrictedEvery: 3, DraftEvery: 7, Seed: 8, Start: past}

var idPattern = regexp.MustCompile(`^http://zendesk\.test/(hc/[a-z-]+/articles/\d+|agent/tickets/\d+)$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. Every check runs in a
// testing/synctest bubble with its own emulator, served in memory, so the
// HTTP stack's real backoff, the emulator's Retry-After and the export's
// ten requests a minute pass in fake time.
func conformanceHarness(opts zendeskemu.Options, faults func(*zendeskemu.Server)) (connectortest.Harness, *[]*zendeskemu.Server) {
	ref := &fixture{data: zendeskemu.Generate(conformanceGen)}
	s := ref.settings("en-us", "fr")
	s.PageSize = 3
	s.ExportPageSize = 4
	// The second ticket fails: its comments answer 404.
	failing := ticketID(testBase, 2)
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == failing })
	}
	var emus []*zendeskemu.Server
	open := func(t testing.TB, token string) tributary.Connector {
		f := newFixture(t, conformanceGen, opts)
		f.emu.FailEvery("/api/v2/tickets/2/comments", 1, zendeskemu.NotFound)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		env := f.env()
		env.WantPermissions = true
		c, err := New(s, Credentials{Email: adminEmail, APIToken: tributary.NewSecret(token)}, env)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := itemTimes(ref.data)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(ref.expectedIDs(s, start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testToken) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "revoked-token") },
		WantIDs:        without(ref.expectedIDs(s, time.Time{}, time.Time{})),
		WantFailureIDs: []string{failing},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
			window(times[len(times)*2/3], times[len(times)-1]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testToken)
			emus[len(emus)-1].FailEvery("GET /api/v2/groups/{id}/memberships", 1, zendeskemu.BadGateway)
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(zendeskemu.Options{}, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: 429s naming a Retry-After, 500s and 502s, reset
// connections and truncated bodies, under a plan's limit of 100 requests
// a minute besides the export's ten. Every document still arrives.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(zendeskemu.Options{RequestsPerMinute: 100}, func(s *zendeskemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: zendeskemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	tally := emulator.TallyOf(*emus)
	if tally.Limited() == 0 {
		t.Error("the rate limits never refused a request")
	}
	tally.Require(t, 100, "status 429", "status 500", "status 502", "reset", "truncate")
}
