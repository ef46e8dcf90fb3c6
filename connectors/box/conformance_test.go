package box

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/boxemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// conformanceGen is a small tree two folders deep, with folders shared
// with users and groups.
var conformanceGen = boxemu.GenerateOptions{Folders: 2, FilesPerFolder: 2, Depth: 2, Seed: 3}

var idPattern = regexp.MustCompile(`^https://app\.box\.com/file/[0-9]+(!/.+)?$`)

func conformanceHarness(faults func(*boxemu.Server)) (connectortest.Harness, *[]*boxemu.Server) {
	probe := boxemu.Generate(conformanceGen)
	failing := addSpecials(probe)
	var emus []*boxemu.Server
	open := func(t testing.TB, good bool, fault func(*boxemu.Server)) tributary.Connector {
		f := newFixture(t, conformanceGen, boxemu.Options{}, true)
		if fault != nil {
			fault(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 3
		s.PublicSharedLinks = true
		cr := Credentials{AccessToken: tributary.NewSecret(testToken)}
		if !good {
			cr.AccessToken = tributary.NewSecret("revoked-token-9")
		}
		env := f.env()
		env.WantPermissions = true
		return f.connector(t, s, cr, env)
	}
	times := modTimes(probe)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(probe, failing, start, end)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true, faults) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false, faults) },
		// The second group's memberships are refused: the listing fails midway.
		GroupsFault: func(t testing.TB) tributary.Connector {
			return open(t, true, func(s *boxemu.Server) {
				s.FailNext("/2.0/groups/2002/memberships", 100, emulator.Fault{Status: http.StatusForbidden})
			})
		},
		WantIDs:        expectedIDs(probe, failing, time.Time{}, time.Time{}),
		WantFailureIDs: failing,
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3].Add(time.Millisecond)),
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
// one request in four: 429s with Retry-After, 500s, reset connections and
// bodies cut short (listings, collaborations, downloads). Every document
// still arrives, and each kind of fault was served.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *boxemu.Server) {
		for k, fault := range map[int]emulator.Fault{13: emulator.ConnectionReset, 11: emulator.InternalError,
			17: {Status: http.StatusTooManyRequests, RetryAfter: time.Second}} {
			s.FailEvery("*", k, fault)
		}
		for _, route := range []string{"GET /2.0/folders/{id}/items", "GET /2.0/folders/{id}/collaborations",
			"GET /2.0/files/{id}/collaborations", "GET /d/1/{key}/download", "GET /2.0/users/me"} {
			s.FailEvery(route, 7, emulator.TruncatedBody)
		}
	})
	// Retry-After waits pass in the bubble's time.
	h.Synctest = true
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 1, "reset", "status 500", "status 429", "truncate")
}
