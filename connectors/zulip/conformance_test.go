package zulip

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/zulipemu"
)

var idPattern = regexp.MustCompile(`^http://zulip\.test/#narrow/channel/\d+/topic/[^/]+$`)

func conformanceHarness(opts zulipemu.Options, faults func(*zulipemu.Server)) (connectortest.Harness, *[]*zulipemu.Server) {
	ref := zulipemu.Generate(smallGen)
	s := testSettings()
	s.PageSize = 2
	var emus []*zulipemu.Server
	open := func(t testing.TB, key string) tributary.Connector {
		f := newFixture(t, smallGen, opts)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		env := f.env()
		env.WantPermissions = true
		c, err := New(s, Credentials{Email: "user0@example.com", APIKey: tributary.NewSecret(key)}, env)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := topicTimes(ref)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(ref, start, end)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, "key0") },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "revoked") },
		WantIDs:        expectedIDs(ref, time.Time{}, time.Time{}),
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3]),
			window(times[len(times)*2/3], times[len(times)-1]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, "key0")
			emus[len(emus)-1].FailEvery("GET /api/v1/streams/{id}/members", 1, zulipemu.BadGateway)
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(zulipemu.Options{}, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing some
// requests: 429s naming a Retry-After, 500s and 502s, reset connections and
// truncated bodies, under a limit of 60 requests a minute.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(zulipemu.Options{RequestsPerMinute: 60}, func(s *zulipemu.Server) {
		for k, fault := range map[int]emulator.Fault{7: {Status: http.StatusTooManyRequests, RetryAfter: 10 * time.Second},
			11: emulator.ConnectionReset, 13: emulator.TruncatedBody, 17: emulator.InternalError, 19: zulipemu.BadGateway} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	total := 0
	for _, e := range *emus {
		total += e.Faults()
	}
	if total == 0 {
		t.Error("no fault was injected")
	}
}
