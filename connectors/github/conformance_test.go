package github

import (
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: two repositories, one private, with issues, pull requests, comments
// and small pages so that there are many checkpoints.
var conformanceGen = githubemu.GenerateOptions{Repos: 2, Items: 24, PullShare: 0.4, PrivateEvery: 2, Comments: 2, Seed: 8}

// failingItem is the item whose comments always fail to load.
const failingItem = "https://github.com/acme/repo-001/issues/"

var idPattern = regexp.MustCompile(`^https://github\.com/acme/repo-00[01]/(issues|pull)/\d+$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. Every check runs in a
// testing/synctest bubble with its own emulator, served in memory, so the
// HTTP stack's real backoff and the emulator's Retry-After pass in fake
// time. It also returns the emulators the checks start, for counting
// faults.
func conformanceHarness(faults func(*githubemu.Server)) (connectortest.Harness, *[]*githubemu.Server) {
	probe := githubemu.Generate(conformanceGen)
	repos := []string{"acme/repo-000", "acme/repo-001"}
	ref := &fixture{data: probe}
	all := ref.expectedIDs(repos, time.Time{}, time.Time{}, anyItem)
	// The first issue of repo-001 fails: its comments answer 404.
	var failing string
	for _, it := range probe.Repos[1].Items {
		if !it.PR {
			failing = failingItem + itoa(it.Number)
			break
		}
	}
	want := slices.DeleteFunc(slices.Clone(all), func(id string) bool { return id == failing })
	var emus []*githubemu.Server
	open := func(t testing.TB, token string) tributary.Connector {
		f := newFixture(t, conformanceGen, githubemu.Options{})
		f.emu.FailEvery("/repos/acme/repo-001/issues/"+failing[len(failingItem):]+"/comments", 1, githubemu.NotFound)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings(repos...)
		s.PerPage = 5
		s.IncludeComments = true
		env := f.env()
		env.WantPermissions = true
		c, err := New(s, Credentials{Token: tributary.NewSecret(token), WebhookSecret: tributary.NewSecret(testWebhookSecret)}, env)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := updateTimes(probe)
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testToken) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "ghp_revoked") },
		WantIDs:        want,
		WantFailureIDs: []string{failing},
		Windows: []connectortest.Window{
			window(ref, repos, times[len(times)/4], times[len(times)/2], failing),
			window(ref, repos, times[0], times[len(times)/3], failing),
		},
		Events:    conformanceEvents(probe),
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testToken)
			emus[len(emus)-1].FailEvery("GET /orgs/{org}/teams/{team_slug}/members", 1, githubemu.BadGateway)
			return c
		},
		Synctest: true,
	}, &emus
}

// conformanceEvents are signed deliveries about items of repo-000: an
// edited issue or pull request to upsert, a deleted one to remove.
func conformanceEvents(d *githubemu.Data) []connectortest.Event {
	emu := githubemu.New(d, githubemu.Options{})
	r := d.Repo("acme/repo-000")
	var events []connectortest.Event
	for _, c := range []struct {
		n      int
		action string
	}{{1, "edited"}, {2, "closed"}, {3, "deleted"}} {
		it := r.Items[c.n-1]
		h, body := emu.Webhook(r, it, c.action, testWebhookSecret)
		ev := connectortest.Event{Name: c.action + " " + itemURL(r.FullName(), it),
			Event: tributary.Event{Type: tributary.EventWebhook, Header: h, Body: body}}
		if c.action == "deleted" {
			ev.WantDeletions = []string{itemURL(r.FullName(), it)}
		} else {
			ev.WantIDs = []string{itemURL(r.FullName(), it)}
		}
		events = append(events, ev)
	}
	return events
}

// updateTimes returns every item's update time, oldest first.
func updateTimes(d *githubemu.Data) []time.Time {
	var ts []time.Time
	for _, r := range d.Repos {
		for _, it := range r.Items {
			ts = append(ts, it.UpdatedAt)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

func window(f *fixture, repos []string, start, end time.Time, failing string) connectortest.Window {
	ids := f.expectedIDs(repos, start, end, anyItem)
	return connectortest.Window{Start: start, End: end,
		WantIDs: slices.DeleteFunc(ids, func(id string) bool { return id == failing })}
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: 429s and secondary limits naming a Retry-After,
// 500s and 502s, reset connections and truncated bodies. Every document
// still arrives, with the connector's own retry policy and real waits,
// which the checks' synctest bubbles pass in fake time.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *githubemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: githubemu.BadGateway,
			29: githubemu.SecondaryLimit} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 100, "status 429", "status 403", "status 500", "status 502", "reset", "truncate")
}
