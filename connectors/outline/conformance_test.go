package outline

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

// conformanceGen is the fixture every conformance check gets a fresh copy
// of: three collections (one for members only, one read-only) of nested
// documents, some with memberships of their own, besides drafts, archived
// and deleted documents; small pages make many checkpoints.
var conformanceGen = outlineemu.GenerateOptions{Collections: 3, PrivateEvery: 3, ReadOnlyEvery: 3, Documents: 6, Hidden: true, Seed: 8}

var idPattern = regexp.MustCompile(`^https://outline\.test/doc/[A-Za-z0-9]{10}$`)

// conformanceHarness describes the fixture; faults, when set, configures
// the emulator's fault schedule for each check. The fifth document is
// always answered without its update time, so it is a failure. Every
// check runs in a testing/synctest bubble with its own emulator, so the
// stack's real backoff and Retry-After pass in fake time. It also returns
// the emulators the checks start, for counting faults.
func conformanceHarness(faults func(*outlineemu.Server)) (connectortest.Harness, *[]*outlineemu.Server) {
	ref := outlineemu.Generate(conformanceGen)
	broken := ref.Documents[4]
	ref.Documents[4].Broken = true
	var emus []*outlineemu.Server
	open := func(t testing.TB, key string) tributary.Connector {
		f := newFixture(t, conformanceGen, outlineemu.Options{})
		f.emu.Update(func(d *outlineemu.Data) { d.Documents[4].Broken = true })
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 5
		env := f.env()
		env.WantPermissions = true
		c, err := newConnector(s, Credentials{APIKey: tributary.NewSecret(key)}, env, options{rate: 1e6})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := updateTimes(ref)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(ref, start, end)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testKey) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "ol_api_revoked") },
		WantIDs:        expectedIDs(ref, time.Time{}, time.Time{}),
		WantFailureIDs: []string{idOf(broken)},
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
			window(times[len(times)/2], time.Time{}),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testKey)
			emus[len(emus)-1].FailEvery("/api/groups.memberships", 1, outlineemu.BadGateway)
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
// connections and truncated bodies. Every document still arrives.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *outlineemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: outlineemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 100, "status 429", "status 500", "status 502", "reset", "truncate")
}
