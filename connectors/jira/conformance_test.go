package jira

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
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: two projects with issues and comments, and small pages so that there
// are many checkpoints.
var conformanceGen = jiraemu.GenerateOptions{Projects: 2, Issues: 14, Comments: 2, TimeZone: "America/New_York", Seed: 8}

var idPattern = regexp.MustCompile(`^https://acme\.atlassian\.test/browse/AA[AB]-\d+$`)

// conformanceHarness describes the fixture for a deployment; faults, when
// set, configures the emulator's fault schedule for each check. The
// comments of AAB-3 always fail to load, so that issue is a failure. It
// also returns the emulators the checks start, for counting faults.
func conformanceHarness(deployment string, faults func(*jiraemu.Server)) (connectortest.Harness, *[]*jiraemu.Server) {
	probe := jiraemu.Generate(conformanceGen)
	failing := testSite + "/browse/AAB-3"
	drop := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == failing })
	}
	var emus []*jiraemu.Server
	open := func(t testing.TB, good bool) tributary.Connector {
		f := newFixture(t, conformanceGen, jiraemu.Options{EmbeddedComments: 3})
		f.emu.Update(func(d *jiraemu.Data) { // more comments than the search carries
			is := d.Issue("AAB-3")
			for len(is.Comments) < 4 {
				is.Comments = append(is.Comments, &jiraemu.Comment{ID: fmt.Sprint("99", is.ID, len(is.Comments)), Author: d.Users[1],
					Body: jiraemu.Doc(jiraemu.Paragraph(jiraemu.Text("more"))), Created: is.Created, Updated: is.Created})
			}
		})
		for _, v := range []string{"2", "3"} {
			f.emu.FailEvery("/rest/api/"+v+"/issue/AAB-3/comment", 1, jiraemu.NotFound)
		}
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings(deployment, "AAA", "AAB")
		s.PageSize = 4
		cr := f.credentials(deployment)
		cr.WebhookSecret = tributary.NewSecret(testWebhookSecret)
		if !good {
			cr.APIToken, cr.PersonalAccessToken = tributary.NewSecret("revoked"), tributary.NewSecret("revoked")
		}
		env := f.env()
		env.WantPermissions = true
		c, err := newConnector(s, cr, env, fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := updateTimes(probe)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: drop(expectedIDs(probe, nil, start, end))}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false) },
		WantIDs:        drop(expectedIDs(probe, nil, time.Time{}, time.Time{})),
		WantFailureIDs: []string{failing},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3].Add(time.Second)),
			window(times[len(times)/2].Add(-30*time.Second), time.Time{}),
		},
		IDMatches: idPattern.MatchString,
		Events:    conformanceEvents(probe),
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, true)
			for _, v := range []string{"2", "3"} {
				emus[len(emus)-1].FailEvery("/rest/api/"+v+"/applicationrole", 1, emulator.Fault{Status: http.StatusBadGateway})
			}
			return c
		},
		Timeout: time.Minute,
	}, &emus
}

func TestConformanceCloud(t *testing.T) {
	h, _ := conformanceHarness(Cloud, nil)
	connectortest.Run(t, h)
}

func TestConformanceServer(t *testing.T) {
	h, _ := conformanceHarness(Server, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: 429s, 500s and 502s, reset connections and
// truncated bodies. Every document still arrives. The kit's checks cannot
// run in a synctest bubble, so the 429s here name no Retry-After and the
// stack's backoff is cut to a millisecond; TestRetryAfterStillDeliversEverything
// covers Retry-After in fake time.
func TestConformanceWithFaults(t *testing.T) {
	for _, deployment := range []string{Cloud, Server} {
		t.Run(deployment, func(t *testing.T) {
			h, emus := conformanceHarness(deployment, func(s *jiraemu.Server) {
				for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests}, 13: emulator.ConnectionReset,
					17: emulator.TruncatedBody, 19: emulator.InternalError, 23: jiraemu.BadGateway} {
					s.FailEvery("*", k, fault)
				}
			})
			connectortest.Run(t, h)
			faults := 0
			for _, e := range *emus {
				faults += e.Faults()
			}
			if faults < 50 {
				t.Errorf("only %d faults were injected", faults)
			}
			t.Logf("%d faults injected", faults)
		})
	}
}
