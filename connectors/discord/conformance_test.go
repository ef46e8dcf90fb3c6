package discord

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/discordemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

var conformanceGen = discordemu.GenerateOptions{Guilds: 2, Messages: 6, Days: 2, Threads: 2, ThreadMessages: 2, ForumPosts: 1, Members: 3, Seed: 8}

var idPattern = regexp.MustCompile(`^https://discord\.com/channels/\d+/\d+(#\d{4}-\d{2}-\d{2})?$`)

// brokenThread is the thread of the fixture whose messages cannot be read
// (one comes without an id): its document is a failure.
func brokenThread(d *discordemu.Data) (*discordemu.Guild, *discordemu.Channel) {
	g := d.Guilds[1]
	return g, g.Threads[0]
}

// conformanceHarness runs each check in a testing/synctest bubble with its
// own emulator in memory, so backoffs, Retry-After and the buckets' resets
// pass in fake time. Pages are small (3 messages) so that days span pages
// and checkpoints fall inside channels.
func conformanceHarness(opts discordemu.Options, faults func(*discordemu.Server)) (connectortest.Harness, *[]*discordemu.Server) {
	ref := discordemu.Generate(conformanceGen)
	bg, bt := brokenThread(ref)
	bt.Messages[1].Broken = true
	var emus []*discordemu.Server
	open := func(t testing.TB, token string) tributary.Connector {
		f := newFixture(t, conformanceGen, opts)
		_, th := brokenThread(f.data)
		th.Messages[1].Broken = true
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 3
		c, err := New(s, Credentials{BotToken: tributary.NewSecret(token)}, f.env())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ts := times(ref)
	window := func(start, end time.Time) connectortest.Window {
		return connectortest.Window{Start: start, End: end, WantIDs: expectedIDs(ref, start, end)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testToken) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "revoked.bot.token") },
		WantIDs:        expectedIDs(ref, time.Time{}, time.Time{}),
		WantFailureIDs: []string{threadURL(discordemu.ID(bg.ID), discordemu.ID(bt.ID))},
		Windows: []connectortest.Window{
			window(ts[len(ts)/4], ts[len(ts)/2]),
			window(ts[0], ts[len(ts)/3]),
			window(ts[len(ts)*2/3], ts[len(ts)-1]),
		},
		IDMatches: idPattern.MatchString,
		Requests:  func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		Synctest:  true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(discordemu.Options{}, nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: the kit's 429 with a whole-second Retry-After, 500s,
// 502s, reset connections and truncated bodies, and Discord's own 429s (a
// per-route one of 0.75 s on every 11th message page and a global one of 0.333 s, told in decimal
// retry_after), under buckets of 3 requests a second and a global limit of
// 6 a second, below the client's pace of 40, so the global limit refuses
// requests too. The buckets are waited out by their headers; only the
// kit's concurrent ranges run into them (TestEmptyBucketWaitedOut shows
// a single reader never does).
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(discordemu.Options{RouteLimit: 3, GlobalPerSecond: 6}, func(s *discordemu.Server) {
		for k, fault := range map[int]emulator.Fault{11: {Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second},
			13: emulator.ConnectionReset, 17: emulator.TruncatedBody, 19: emulator.InternalError, 23: {Status: http.StatusBadGateway}} {
			s.FailEvery("*", k, fault)
		}
		s.ThrottleEvery("GET "+discordemu.Prefix+"/channels/{channel}/messages", 11, 750*time.Millisecond, discordemu.ScopeUser)
		s.ThrottleEvery("*", 29, 333*time.Millisecond, discordemu.ScopeGlobal)
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 50, "status 429", "status 500", "status 502", "reset", "truncate")
	throttled := map[string]int{}
	for _, e := range *emus {
		for k, v := range e.Throttled() {
			throttled[k] += v
		}
	}
	for _, k := range []string{"scheduled user", "scheduled global", "global"} {
		if throttled[k] == 0 {
			t.Errorf("no %s 429 was served", k)
		}
	}
	t.Logf("429s: %v", throttled)
}
