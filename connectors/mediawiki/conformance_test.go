package mediawiki

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

// conformanceGen is a small private wiki: pages in three namespaces,
// redirects, several categories per page (more than one answer's worth,
// so prop continuation happens) and small batches.
var conformanceGen = mediawikiemu.GenerateOptions{Pages: 14, Redirects: 3, Categories: 4, Revisions: 3, Seed: 5}

var conformanceNS = []int{0, 12}

// breakParse, when set, is a page whose rendering fails.
var breakParse int

func conformanceHarness(faults func(*mediawikiemu.Server)) (connectortest.Harness, *[]*mediawikiemu.Server) {
	probe := mediawikiemu.Generate(conformanceGen)
	var emus []*mediawikiemu.Server
	open := func(t testing.TB, good bool) tributary.Connector {
		f := newFixture(t, conformanceGen, mediawikiemu.Options{Private: true, MaxCategories: 3})
		if faults != nil {
			faults(f.emu)
		}
		if breakParse != 0 {
			f.emu.BreakParse(breakParse)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.Namespaces = conformanceNS
		s.PageSize = 4
		cr := f.credentials()
		if !good {
			cr.Password = tributary.NewSecret("revoked")
		}
		env := f.env()
		env.WantPermissions = true
		c, err := newConnector(Source, s, cr, env, fast)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	times := lastTimes(probe, conformanceNS)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(probe, conformanceNS, start, end)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, true) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, false) },
		WantIDs:        expectedIDs(probe, conformanceNS, time.Time{}, time.Time{}),
		Windows: []connectortest.Window{
			window(times[len(times)/4], times[len(times)/2]),
			window(times[0], times[len(times)/3].Add(time.Second)),
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

// TestConformanceWithFaults runs the kit with about one request in four
// failing: 429s, 500s and 502s, resets and truncated bodies.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *mediawikiemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests}, 13: emulator.ConnectionReset,
			17: emulator.TruncatedBody, 19: emulator.InternalError, 23: mediawikiemu.BadGateway} {
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
}

// TestConformanceParsedHTML runs the kit reading rendered pages, one of
// which always fails to render: it is a failure under its id.
func TestConformanceParsedHTML(t *testing.T) {
	probe := mediawikiemu.Generate(conformanceGen)
	broken := probe.Pages[2]
	brokenID := "https://wiki.test/wiki/" + titleKey(broken.Title)
	drop := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == brokenID })
	}
	h, _ := conformanceHarness(nil)
	newer := h.New
	h.New = func(t testing.TB) tributary.Connector {
		c := newer(t).(*Connector)
		c.settings.Content = ContentHTML
		return c
	}
	h.BadCredentials = nil
	h.WantIDs = drop(h.WantIDs)
	h.WantFailureIDs = []string{brokenID}
	for i := range h.Windows {
		h.Windows[i].WantIDs = drop(h.Windows[i].WantIDs)
	}
	breakParse = broken.ID
	t.Cleanup(func() { breakParse = 0 })
	connectortest.Run(t, h)
}
