package teams

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: two teams with a private and a shared channel besides their standard
// General, threads with replies, mentions, attachments and a system
// event, and small pages so that there are many checkpoints.
var conformanceGen = graphemu.TeamsOptions{Teams: 2, Channels: 2, Threads: 3, Replies: 2, Seed: 11}

var idPattern = regexp.MustCompile(`^https://graph\.microsoft\.com/v1\.0/teams/[0-9a-f-]{36}/channels/19:[0-9a-f]+@thread\.tacv2/messages/[0-9]+$`)

// breakOne makes one thread's replies unreadable and posts a system
// event, which is no thread.
func breakOne(d *graphemu.Data) {
	ch := d.Teams[0].Channels[0]
	ch.Messages[1].Broken = true
	d.Post(ch.TeamID, ch.ID, &graphemu.Message{Type: "systemEventMessage", HTML: "<systemEventMessage/>", Created: ch.Messages[0].Created.Add(time.Minute)})
}

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. It also returns the
// emulators the checks start, for counting faults.
func conformanceHarness(faults func(*graphemu.Server)) (connectortest.Harness, *[]*graphemu.Server) {
	probe := graphemu.GenerateTeams(conformanceGen)
	breakOne(probe)
	var emus []*graphemu.Server
	open := func(t testing.TB, good bool) tributary.Connector {
		f := newFixture(t, conformanceGen, graphemu.Options{PageSize: 4})
		f.emu.Update(breakOne)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 2
		cr := f.credentials()
		if !good {
			cr.ClientSecret = tributary.NewSecret("a-revoked-secret")
		}
		env := f.env()
		env.WantPermissions = true
		c, err := newConnector(s, cr, env, fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := activityTimes(probe)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(probe, start, end)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false) },
		WantIDs:        expectedIDs(probe, time.Time{}, time.Time{}),
		WantFailureIDs: brokenIDs(probe),
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3].Add(time.Second)),
			window(times[len(times)/2].Add(-30*time.Second), time.Time{}),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, true)
			emus[len(emus)-1].FailEvery("GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user", 1, emulator.Fault{Status: http.StatusBadGateway})
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: Graph's 429 and the throttling 503 (both with
// Retry-After), 500s, reset connections and truncated bodies, under a
// rate limit that refuses requests past five a second. The waits pass in
// fake time. Every thread still arrives, and no throttling answer is a
// failure.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *graphemu.Server) {
		for k, fault := range map[int]emulator.Fault{13: emulator.ConnectionReset, 19: emulator.InternalError,
			29: {Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second}} {
			s.FailEvery("*", k, fault)
		}
		for _, route := range []string{"GET /v1.0/teams/{team}/channels/{channel}/messages/delta", "GET /v1.0/teams/{team}/channels",
			"GET /v1.0/teams/{team}/channels/{channel}/messages/{message}/replies", "POST /v1.0/$batch", "POST " + graphemu.TokenPath} {
			s.FailEvery(route, 7, emulator.TruncatedBody)
		}
		s.FailEveryCode("*", 11, graphemu.Throttled)
		s.FailEveryCode("*", 23, graphemu.Unavailable)
	})
	connectortest.Run(t, h)
	tally := emulator.TallyOf(*emus)
	tally.Require(t, 50, "status 429", "status 500", "reset", "truncate")
	for _, code := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		if tally.Statuses[code] == 0 {
			t.Errorf("Graph's throttling answer %d never happened", code)
		}
	}
}
