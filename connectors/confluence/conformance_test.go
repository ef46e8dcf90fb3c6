package confluence

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// conformanceGen is the fixture every check gets a fresh copy of: two
// spaces of page trees with comments, attachments and restricted pages.
var conformanceGen = confluenceemu.GenerateOptions{Spaces: 2, Pages: 14, Comments: 2, Attachments: 1, RestrictEvery: 4, Seed: 8}

// conformanceHarness describes the fixture for a deployment whose account
// reads CQL dates in zone, and a connector told tz ("" for none); faults,
// when set, configures each check's emulator. The page whose comments always
// answer 404 is reported as a failure under its document id.
func conformanceHarness(flavor confluenceemu.Flavor, zone *time.Location, tz string, faults func(*confluenceemu.Server)) (connectortest.Harness, *[]*confluenceemu.Server) {
	opts := confluenceemu.Options{Flavor: flavor, UserZone: zone}
	probe := &fixture{data: confluenceemu.Generate(conformanceGen), flavor: flavor}
	failingPage := probe.data.Pages[len(probe.data.Pages)-3]
	failing := probe.site() + confluenceemu.PageWebUI(flavor, failingPage)
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == failing })
	}
	var emus []*confluenceemu.Server
	open := func(t testing.TB, good bool) tributary.Connector {
		f := newFixture(t, conformanceGen, opts)
		f.emu.FailEvery(f.emu.Prefix()+"/content/"+itoa(failingPage.ID)+"/child/comment", 1, confluenceemu.NotFound)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 4
		s.IncludeAttachments = true
		s.TimeZone = tz
		env := f.env()
		env.WantPermissions = true
		cred := f.credentials()
		cred.WebhookSecret = tributary.NewSecret(testWebhookSecret)
		if !good {
			cred = Credentials{Email: testEmail, APIToken: tributary.NewSecret("revoked")}
			if flavor == confluenceemu.DataCenter {
				cred = Credentials{PersonalAccessToken: tributary.NewSecret("revoked")}
			}
		}
		c, err := newConnector(s, cred, env, fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := pageTimes(probe.data)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: without(probe.expectedIDs(nil, start, end))}
	}
	prefix := probe.site() + "/"
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false) },
		WantIDs:        without(probe.expectedIDs(nil, time.Time{}, time.Time{})),
		WantFailureIDs: []string{failing},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
		},
		IDMatches: func(id string) bool { return strings.HasPrefix(id, prefix) },
		Events:    conformanceEvents(probe),
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, true)
			e := emus[len(emus)-1]
			e.FailEvery("GET "+e.Prefix()+"/group/member", 1, emulator.Fault{Status: http.StatusBadGateway})
			e.FailEvery("GET "+e.Prefix()+"/group/{groupName}/member", 1, emulator.Fault{Status: http.StatusBadGateway})
			return c
		},
		Timeout: time.Minute,
	}, &emus
}

func TestConformanceCloud(t *testing.T) {
	h, _ := conformanceHarness(confluenceemu.Cloud, nil, "", nil)
	connectortest.Run(t, h)
}

func TestConformanceDataCenter(t *testing.T) {
	h, _ := conformanceHarness(confluenceemu.DataCenter, nil, "UTC", nil)
	connectortest.Run(t, h)
}

// The account's zone is far west of UTC and the connector is not told:
// the widened CQL bounds still put every page on the right side of every
// window.
func TestConformanceUnknownZone(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	h, _ := conformanceHarness(confluenceemu.Cloud, la, "", nil)
	connectortest.Run(t, h)
}

// Told the account's zone, the connector searches again from the last
// update time read after each page; resuming from every checkpoint still
// gives every page once.
func TestConformanceKnownZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	h, _ := conformanceHarness(confluenceemu.Cloud, tokyo, "Asia/Tokyo", nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: 429s, 500s and 502s, reset connections and
// truncated bodies. Every document still arrives. The kit's checks cannot
// run in a synctest bubble, so the 429s here name no Retry-After and the
// stack's backoff is cut to a millisecond; TestRetryAfterIsHonoured covers
// Retry-After in fake time.
func TestConformanceWithFaults(t *testing.T) {
	for _, flavor := range []confluenceemu.Flavor{confluenceemu.Cloud, confluenceemu.DataCenter} {
		h, emus := conformanceHarness(flavor, nil, "UTC", func(s *confluenceemu.Server) {
			for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests}, 13: emulator.ConnectionReset,
				17: emulator.TruncatedBody, 19: emulator.InternalError, 23: confluenceemu.BadGateway} {
				s.FailEvery("*", k, fault)
			}
		})
		t.Run(map[confluenceemu.Flavor]string{confluenceemu.Cloud: "cloud", confluenceemu.DataCenter: "datacenter"}[flavor], func(t *testing.T) {
			connectortest.Run(t, h)
			faults := 0
			for _, e := range *emus {
				faults += e.Faults()
			}
			if faults < 100 {
				t.Errorf("only %d faults were injected", faults)
			}
			t.Logf("%d faults injected", faults)
		})
	}
}
