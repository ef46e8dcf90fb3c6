package gitlab

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: a group with two subgroups (one nested level each), projects of all
// three visibilities with issues, merge requests, notes and wiki pages, and
// small pages so that there are many checkpoints.
var conformanceGen = gitlabemu.GenerateOptions{Subgroups: 1, Nested: true, Projects: 1, Issues: 9, MergeRequests: 5,
	Notes: 3, WikiPages: 2, PrivateEvery: 3, Seed: 8}

var (
	conformanceGroups   = []string{"acme"}
	conformanceProjects = []string{"acme/team-00/project-001"}
)

var idPattern = regexp.MustCompile(`^http://gitlab\.test/acme(/[a-z0-9-]+)+/-/(issues/\d+|merge_requests/\d+|wikis/.+)$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. Every check runs in a
// testing/synctest bubble with its own emulator, served in memory, so the
// HTTP stack's real backoff and the emulator's Retry-After pass in fake
// time. It also returns the emulators the checks start, for counting
// faults.
func conformanceHarness(faults func(*gitlabemu.Server)) (connectortest.Harness, *[]*gitlabemu.Server) {
	ref := &fixture{data: gitlabemu.Generate(conformanceGen)}
	all := ref.expectedIDs(conformanceGroups, conformanceProjects, time.Time{}, time.Time{})
	// The second issue of the first project fails: its notes answer 404.
	p0 := ref.data.Projects[0]
	failing := gitlabemu.ItemURL(testBase, p0, p0.Issues[1])
	notesPath := fmt.Sprintf("/api/v4/projects/%d/issues/2/notes", p0.ID)
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == failing })
	}
	var emus []*gitlabemu.Server
	open := func(t testing.TB, token string) tributary.Connector {
		f := newFixture(t, conformanceGen, gitlabemu.Options{})
		f.emu.Update(func(d *gitlabemu.Data) {
			d.Projects[0].Issues[1].Notes = append(d.Projects[0].Issues[1].Notes, gitlabemu.Note{ID: 1 << 40, Body: "x", Author: d.Users[1]})
		})
		f.emu.FailEvery(notesPath, 1, gitlabemu.NotFound)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings(conformanceGroups, conformanceProjects...)
		s.PerPage = 3
		env := f.env()
		env.WantPermissions = true
		c, err := New(s, Credentials{Token: tributary.NewSecret(token)}, env)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := itemTimes(ref.data)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(ref.expectedIDs(conformanceGroups, conformanceProjects, start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testToken) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "glpat-revoked") },
		WantIDs:        without(all),
		WantFailureIDs: []string{failing},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testToken)
			emus[len(emus)-1].FailEvery("GET /api/v4/groups/{id}/members/all", 1, gitlabemu.BadGateway)
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
// one request in four: 429s naming a Retry-After, 500s and 502s, reset
// connections and truncated bodies. Every document still arrives, with the
// connector's own retry policy and real waits, which the checks' synctest
// bubbles pass in fake time.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *gitlabemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: gitlabemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 100, "status 429", "status 500", "status 502", "reset", "truncate")
}
