package dropbox

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// conformanceGen is a team's Dropbox, read with a team token as one
// member's (team_member, Dropbox-API-Select-User), so that group sync
// runs too; the member's own files are read (team_space off).
var conformanceGen = dropboxemu.GenerateOptions{Folders: 3, FilesPerFolder: 3, Seed: 3, Team: true}

var idPattern = regexp.MustCompile(`^https://www\.dropbox\.com/home/.+`)

func lower(p string) string { return strings.ToLower(p) }

func conformanceHarness(faults func(*dropboxemu.Server)) (connectortest.Harness, *[]*dropboxemu.Server) {
	probe := dropboxemu.Generate(conformanceGen)
	failing := addSpecials(probe)
	var emus []*dropboxemu.Server
	open := func(t testing.TB, good bool, fault func(*dropboxemu.Server)) tributary.Connector {
		f := newFixture(t, conformanceGen, dropboxemu.Options{}, true)
		f.emu.AddTeamToken(teamToken)
		if fault != nil {
			fault(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 6
		s.TeamMember, s.TeamSpace = "ana@acme.test", false
		cr := Credentials{AccessToken: tributary.NewSecret(teamToken)}
		if !good {
			cr.AccessToken = tributary.NewSecret("sl.revoked-token-9")
		}
		env := f.env()
		env.WantPermissions = true
		return f.connector(t, s, cr, env)
	}
	times := modTimes(probe)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(probe, failing, start, end, false)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true, faults) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false, faults) },
		// The second group's members are refused: the listing fails midway.
		GroupsFault: func(t testing.TB) tributary.Connector {
			return open(t, true, func(s *dropboxemu.Server) {
				s.FailEvery("POST /2/team/groups/members/list", 2, emulator.Fault{Status: http.StatusForbidden})
			})
		},
		WantIDs:        expectedIDs(probe, failing, time.Time{}, time.Time{}, false),
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
// bodies cut short. Every document still arrives.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *dropboxemu.Server) {
		for k, fault := range map[int]emulator.Fault{13: emulator.ConnectionReset, 11: emulator.InternalError,
			17: {Status: http.StatusTooManyRequests, RetryAfter: time.Second}} {
			s.FailEvery("*", k, fault)
		}
		// Bodies cut short on every route but files/export: an export cut
		// short with a matching Content-Length cannot be told from a whole
		// one (Dropbox gives exports no content_hash). Downloads are
		// checked against content_hash, JSON by decoding.
		for _, route := range []string{"POST /2/files/list_folder", "POST /2/files/list_folder/continue", "POST /2/users/get_current_account",
			"POST /2/files/download", "POST /2/sharing/list_file_members", "POST /2/files/list_folder/get_latest_cursor"} {
			s.FailEvery(route, 7, emulator.TruncatedBody)
		}
	})
	// Retry-After waits pass in the bubble's time.
	h.Synctest = true
	connectortest.Run(t, h)
	faults := 0
	for _, e := range *emus {
		faults += e.Faults()
	}
	t.Logf("%d faults injected", faults)
	if faults < 50 {
		t.Errorf("only %d faults were injected", faults)
	}
}
