package googledrive

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: a shared drive with nested folders, three users' My Drives with
// sharing of every kind, and small pages so that there are many
// checkpoints.
var conformanceGen = googleemu.GenerateOptions{Users: 3, SharedDrives: 1, FilesPerDrive: 9, Folders: 3, FilesPerUser: 6, Seed: 5}

var idPattern = regexp.MustCompile(`^https://drive\.google\.com/file/d/[A-Za-z0-9_-]+/view$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. It also returns the
// emulators the checks start, for counting faults.
func conformanceHarness(faults func(*googleemu.Server)) (connectortest.Harness, *[]*googleemu.Server) {
	probe := googleemu.Generate(conformanceGen)
	failing := addSpecials(probe)
	var emus []*googleemu.Server
	open := func(t testing.TB, good bool) tributary.Connector {
		f := newFixture(t, conformanceGen, googleemu.Options{})
		f.emu.Update(func(d *googleemu.Data) { addSpecials(d) })
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 7
		s.IncludeSharedWithMe = true
		s.FolderIDs = []string{"1ExtFolder"}
		cr := f.credentials()
		if !good {
			other := googleemu.New(googleemu.Generate(conformanceGen), googleemu.Options{})
			cr.ServiceAccountKey = tributary.NewSecret(string(other.AddServiceAccount("revoked@emulated-project.iam.gserviceaccount.com", DefaultTokenURI, allScopes...)))
			other.Close()
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
			window(times[0], times[len(times)/3].Add(time.Millisecond)),
			window(times[len(times)/2].Add(-30*time.Second), time.Time{}),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, true)
			emus[len(emus)-1].FailEvery("GET /admin/directory/v1/groups/{key}/members", 1, emulator.Fault{Status: http.StatusBadGateway})
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
// one request in four: Drive's 403 userRateLimitExceeded and
// rateLimitExceeded, 429s, 500s, reset connections and truncated bodies.
// Every document still arrives, and no rate limit is a failure.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *googleemu.Server) {
		for k, fault := range map[int]emulator.Fault{13: emulator.ConnectionReset, 19: emulator.InternalError,
			29: {Status: http.StatusTooManyRequests}} {
			s.FailEvery("*", k, fault)
		}
		// Bodies cut short, with a Content-Length that says so, on every
		// route but files.export: a text export cut short with a matching
		// Content-Length cannot be told from a whole one by any client
		// (Drive gives exports no checksum). Downloads are checked against
		// md5Checksum, JSON by decoding.
		for _, route := range []string{"GET /drive/v3/files", "GET /drive/v3/files/{id}", "GET /drive/v3/files/{id}/permissions",
			"GET /drive/v3/drives/{id}", "GET /admin/directory/v1/users", "GET /admin/directory/v1/groups/{key}/members"} {
			s.FailEvery(route, 7, emulator.TruncatedBody)
		}
		s.FailEveryReason("*", 11, googleemu.UserRateLimitExceeded)
		s.FailEveryReason("*", 23, googleemu.RateLimitExceeded)
	})
	connectortest.Run(t, h)
	faults := 0
	for _, e := range *emus {
		faults += e.Faults()
	}
	t.Logf("%d kit faults injected, besides the rate-limit 403s", faults)
	if faults < 50 {
		t.Errorf("only %d faults were injected", faults)
	}
}
