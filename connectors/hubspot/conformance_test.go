package hubspot

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/hubspotemu"
)

var conformanceGen = hubspotemu.GenerateOptions{Companies: 7, Contacts: 9, Deals: 6, Tickets: 5, Notes: 2, Emails: 2, Archived: 1, Seed: 8}

var idPattern = regexp.MustCompile(`^https://app\.hubspot\.com/contacts/7700123/record/0-[1235]/\d+$`)

// conformanceHarness runs each check in a testing/synctest bubble with its
// own emulator in memory, so backoffs, the rolling ten-second budget and
// the searches' budget pass in fake time. The notes of one record cannot
// be read (their batch read answers 404 once): that record is a failure.
func conformanceHarness(opts hubspotemu.Options, faults func(*hubspotemu.Server)) (connectortest.Harness, *[]*hubspotemu.Server) {
	ref := &fixture{data: hubspotemu.Generate(conformanceGen)}
	s := ref.settings()
	s.PageSize = 4
	read := s
	broken := ref.data.Objects[TypeDeals][2]
	var emus []*hubspotemu.Server
	open := func(t testing.TB, token string) tributary.Connector {
		f := newFixture(t, conformanceGen, opts)
		f.data.Objects[TypeDeals][2].Broken = true
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
	times := ref.times(read)
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == recordID(broken) })
	}
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(ref.expectedIDs(read, start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testToken) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "pat-na1-revoked") },
		WantIDs:        without(ref.expectedIDs(read, time.Time{}, time.Time{})),
		WantFailureIDs: []string{recordID(broken)},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
			window(times[len(times)*2/3], times[len(times)-1]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testToken)
			emus[len(emus)-1].FailEvery("GET /crm/v3/owners", 1, hubspotemu.BadGateway)
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(hubspotemu.Options{}, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four (429s, 500s, 502s, reset connections, truncated
// bodies) under a budget of 40 requests per ten seconds, below the
// client's pace, so the rolling limit refuses requests too.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(hubspotemu.Options{TenSecondly: 40}, func(s *hubspotemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: hubspotemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	tally := emulator.TallyOf(*emus)
	if tally.Limited() == 0 {
		t.Error("the rate limits never refused a request")
	}
	tally.Require(t, 50, "status 429", "status 500", "status 502", "reset", "truncate")
}
