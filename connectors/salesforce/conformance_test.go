package salesforce

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

var conformanceGen = salesforceemu.GenerateOptions{Accounts: 7, Contacts: 8, Opportunities: 6, Cases: 6, Articles: 5, Deleted: 1, Tied: 4, Seed: 8}

var idPattern = regexp.MustCompile(`^https://acme\.my\.salesforce\.com/lightning/r/(Account|Contact|Opportunity|Case|KnowledgeArticleVersion)/[a-zA-Z0-9]{18}/view$`)

// conformanceHarness runs each check in a testing/synctest bubble with its
// own emulator in memory, answering batches of 3 records, so that every
// object takes several locators; backoffs pass in fake time. One
// opportunity's SystemModstamp is malformed: that record is a failure.
func conformanceHarness(opts salesforceemu.Options, faults func(*salesforceemu.Server)) (connectortest.Harness, *[]*salesforceemu.Server) {
	if opts.BatchSize == 0 {
		opts.BatchSize = 3
	}
	ref := &fixture{data: salesforceemu.Generate(conformanceGen)}
	s := ref.settings()
	broken := ref.data.Objects[salesforceemu.Opportunity].Records[2]
	broken.Broken = true
	var emus []*salesforceemu.Server
	open := func(t testing.TB, key int) tributary.Connector {
		f := newFixture(t, conformanceGen, opts)
		f.data.Objects[salesforceemu.Opportunity].Records[2].Broken = true
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		c, err := New(s, creds(key), f.env())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := ref.times(s)
	brokenID := docID(salesforceemu.Opportunity, broken)
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == brokenID })
	}
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(ref.expectedIDs(s, start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, 0) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, 1) },
		WantIDs:        without(ref.expectedIDs(s, time.Time{}, time.Time{})),
		WantFailureIDs: []string{brokenID},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
			window(times[len(times)*2/3], times[len(times)-1]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, 0)
			emus[len(emus)-1].FailEvery("GET /services/data/{version}/query/{locator}", 1, emulator.InternalError)
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(salesforceemu.Options{}, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: 429s with Retry-After, 500s, 503s, reset
// connections and truncated bodies.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(salesforceemu.Options{}, func(s *salesforceemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: emulator.ServiceUnavailable} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 50, "status 429", "status 500", "status 503", "reset", "truncate")
}
