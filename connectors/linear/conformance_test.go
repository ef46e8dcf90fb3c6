package linear

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: three teams (one private), projects across teams, issues with
// comments, documents in and out of projects, and small pages so that
// there are many checkpoints.
var conformanceGen = linearemu.GenerateOptions{Teams: 3, Private: 1, Projects: 4, Issues: 24, Comments: 2, Documents: 5, Ties: 3, Seed: 5}

var idPattern = regexp.MustCompile(`^https://linear\.app/acme/(issue/[A-Z]+-\d+|project/[0-9a-f]{12}|document/[0-9a-f]{12})$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. Every check runs in a
// testing/synctest bubble with its own emulator, served in memory. The
// first issue has more comments than come inline, and reading the rest
// fails as if the issue had been deleted meanwhile: it is the fixture's
// failure.
func conformanceHarness(faults func(*linearemu.Server)) (connectortest.Harness, *[]*linearemu.Server) {
	ref := linearemu.Generate(conformanceGen)
	addComments(ref)
	failing := ref.IssueID(ref.Issues[0])
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == failing })
	}
	var emus []*linearemu.Server
	open := func(t testing.TB, key string) tributary.Connector {
		f := newFixture(t, conformanceGen, linearemu.Options{})
		f.emu.Update(addComments)
		f.emu.FailOperation("IssueComments", -1, linearemu.CodeInvalidInput, http.StatusOK)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := testSettings()
		s.PageSize = 4
		env := f.env()
		env.WantPermissions = true
		c, err := New(s, Credentials{APIKey: tributary.NewSecret(key)}, env)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := updateTimes(ref)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(expectedIDs(ref, start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testKey) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "lin_api_revoked") },
		WantIDs:        without(expectedIDs(ref, time.Time{}, time.Time{})),
		WantFailureIDs: []string{failing},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testKey)
			emus[len(emus)-1].FailOperation("TeamMembers", -1, linearemu.CodeForbidden, http.StatusBadRequest)
			return c
		},
		Synctest: true,
	}, &emus
}

// addComments gives the first issue more comments than a page of issues
// carries inline.
func addComments(d *linearemu.Data) {
	is := d.Issues[0]
	for i := range inlineComments + 5 {
		at := is.CreatedAt.Add(time.Duration(i+10) * time.Second)
		is.Comments = append(is.Comments, &linearemu.Comment{ID: "c0ffee00-0000-4000-8000-" + pad(i), Body: "more", User: d.Users[1], CreatedAt: at, UpdatedAt: at})
	}
}

func pad(i int) string {
	s := "000000000000" + string(rune('a'+i%26))
	return s[len(s)-12:]
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: 429s naming a Retry-After, 500s and 503s, reset
// connections, truncated bodies and slow answers, and Linear's own
// RATELIMITED answers under HTTP 400 and 200. Every document still
// arrives.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *linearemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: emulator.ServiceUnavailable,
			31: emulator.Slow(20 * time.Second)} {
			s.FailEvery("*", k, fault)
		}
		s.FailOperationEvery("*", 7, linearemu.CodeRateLimited, http.StatusBadRequest)
		s.FailOperationEvery("*", 29, linearemu.CodeRateLimited, http.StatusOK)
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 100, "status 429", "status 500", "status 503", "reset", "truncate", "delay 20s")
	limited := 0
	for _, e := range *emus {
		limited += e.RateLimited()
	}
	if limited < 50 {
		t.Errorf("only %d RATELIMITED answers were sent", limited)
	}
	t.Logf("RATELIMITED answers: %d", limited)
}
