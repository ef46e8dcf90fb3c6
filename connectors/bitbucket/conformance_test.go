package bitbucket

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: two workspaces of two repositories, every other one private, with
// pull requests in every state, comments (deleted, inline and replies
// among them), ties of update times, and small pages so that there are
// many checkpoints.
var conformanceGen = bitbucketemu.GenerateOptions{Workspaces: 2, Repositories: 2, PullRequests: 8, Comments: 2, PrivateEvery: 2, Seed: 8}

var (
	conformanceWorkspaces = []string{"acme"}
	conformanceRepos      = []string{"globex/repo-001"}
)

var idPattern = regexp.MustCompile(`^http://bitbucket\.test/[a-z0-9-]+/[a-z0-9-]+/pull-requests/\d+$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. Every check runs in a
// testing/synctest bubble with its own emulator, served in memory, so the
// HTTP stack's real backoff passes in fake time. It also returns the
// emulators the checks start, for counting faults.
func conformanceHarness(faults func(*bitbucketemu.Server)) (connectortest.Harness, *[]*bitbucketemu.Server) {
	ref := &fixture{data: bitbucketemu.Generate(conformanceGen)}
	all := ref.expectedIDs(conformanceWorkspaces, conformanceRepos, time.Time{}, time.Time{})
	// The second pull request of acme/repo-000 fails: its comments answer
	// 404.
	r0 := ref.data.Repositories[0]
	failing := bitbucketemu.PullRequestURL(testWeb, r0, r0.PullRequests[1])
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == failing })
	}
	var emus []*bitbucketemu.Server
	open := func(t testing.TB, password string) tributary.Connector {
		f := newFixture(t, conformanceGen, bitbucketemu.Options{})
		f.emu.Update(func(d *bitbucketemu.Data) {
			p := d.Repositories[0].PullRequests[1]
			p.Comments = append(p.Comments, &bitbucketemu.Comment{ID: 1 << 40, Body: "x", User: d.Users[1], CreatedOn: p.CreatedOn, UpdatedOn: p.CreatedOn})
		})
		f.emu.FailEvery("/2.0/repositories/acme/repo-000/pullrequests/2/comments", 1, bitbucketemu.NotFound)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings(conformanceWorkspaces, conformanceRepos...)
		s.PageLen = 4
		s.MemberEmails = []string{"ana@example.com", "bo@example.com", "chen@example.com", "nobody@example.com"}
		env := f.env()
		env.WantPermissions = true
		c, err := New(s, Credentials{Username: testUser, AppPassword: tributary.NewSecret(password)}, env)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := ref.data.UpdateTimes()
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(ref.expectedIDs(conformanceWorkspaces, conformanceRepos, start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testPassword) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "ATBBrevoked") },
		WantIDs:        without(all),
		WantFailureIDs: []string{failing},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testPassword)
			emus[len(emus)-1].FailEvery("GET /2.0/workspaces/{ws}/permissions/repositories/{slug}", 1, bitbucketemu.BadGateway)
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
// one request in four: 429s without Retry-After (as Bitbucket sends
// them), 500s and 502s, reset connections and truncated bodies. Every
// document still arrives, with the connector's own retry policy and real
// waits, which the checks' synctest bubbles pass in fake time.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *bitbucketemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: bitbucketemu.RateLimited, 13: emulator.ConnectionReset,
			17: emulator.TruncatedBody, 19: emulator.InternalError, 23: bitbucketemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 100, "status 429", "status 500", "status 502", "reset", "truncate")
}
