package sharepoint

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
// of: two sites with two libraries each, nested folders, pages, sharing
// of every kind, and small pages so that there are many checkpoints.
var conformanceGen = graphemu.GenerateOptions{Sites: 2, DrivesPerSite: 2, FilesPerDrive: 6, Folders: 3, PagesPerSite: 2, Seed: 7}

var idPattern = regexp.MustCompile(`^https://graph\.microsoft\.com/v1\.0/(drives/b![A-Za-z0-9_-]+/items/[A-Z0-9]+|sites/[a-z.]+,[0-9a-f-]+,[0-9a-f-]+/pages/[0-9a-f-]+)$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. It also returns the
// emulators the checks start, for counting faults.
func conformanceHarness(faults func(*graphemu.Server)) (connectortest.Harness, *[]*graphemu.Server) {
	probe := graphemu.Generate(conformanceGen)
	failing := addSpecials(probe)
	var emus []*graphemu.Server
	open := func(t testing.TB, good bool) tributary.Connector {
		f := newFixture(t, conformanceGen, graphemu.Options{PageSize: 8})
		f.emu.Update(func(d *graphemu.Data) { addSpecials(d) })
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 6
		s.AnonymousLinksPublic = true
		s.OrganizationLinksOpen = true
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
	times := modTimes(probe)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(probe, failing, start, end)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false) },
		WantIDs:        expectedIDs(probe, failing, time.Time{}, time.Time{}),
		WantFailureIDs: failing,
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
		Timeout: time.Minute,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: Graph's 429 and SharePoint's throttling 503 (both
// with Retry-After), 500s, reset connections and truncated bodies. Every
// document still arrives, and no throttling answer is a failure.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *graphemu.Server) {
		for k, fault := range map[int]emulator.Fault{13: emulator.ConnectionReset, 19: emulator.InternalError,
			29: {Status: http.StatusTooManyRequests}} {
			s.FailEvery("*", k, fault)
		}
		for _, route := range []string{"GET /v1.0/drives/{drive}/root/delta", "GET /v1.0/sites/{rest...}",
			"GET /v1.0/drives/{drive}/items/{item}/permissions", "GET " + graphemu.DownloadPath, "POST " + graphemu.TokenPath} {
			s.FailEvery(route, 7, emulator.TruncatedBody)
		}
		s.FailEveryCode("*", 11, graphemu.Throttled)
		s.FailEveryCode("*", 23, graphemu.Unavailable)
	})
	h.Synctest, h.Timeout = true, 0 // Retry-After waits take no time
	connectortest.Run(t, h)
	faults := 0
	for _, e := range *emus {
		faults += e.Faults()
	}
	t.Logf("%d kit faults injected, besides the throttling answers", faults)
	if faults < 50 {
		t.Errorf("only %d faults were injected", faults)
	}
}
