package discourse

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/discourseemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

const (
	testKey  = "discourse-emulated-api-key-4831"
	testUser = "system"
	testSite = "https://forum.example.test"
)

var fast = options{retry: httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, rate: 1e6}

type fixture struct {
	data *discourseemu.Data
	emu  *discourseemu.Server
}

func newFixture(t testing.TB, topics, posts int) *fixture {
	t.Helper()
	return newFixtureOf(t, discourseemu.Generate(topics, posts))
}

func newFixtureOf(t testing.TB, d *discourseemu.Data) *fixture {
	t.Helper()
	e := discourseemu.New(d)
	e.AddKey(testKey)
	t.Cleanup(e.Close)
	return &fixture{data: d, emu: e}
}

func (f *fixture) connector(t testing.TB, key string) *Connector {
	t.Helper()
	return f.connectorWith(t, key, fast)
}

// connectorWith opens a connector with the given pacing and retries; the
// zero options are New's.
func (f *fixture) connectorWith(t testing.TB, key string, o options) *Connector {
	t.Helper()
	return f.connectorAs(t, key, testUser, o, false)
}

// connectorAs opens a connector acting as user, asking for permissions
// when want is set.
func (f *fixture) connectorAs(t testing.TB, key, user string, o options, want bool) *Connector {
	t.Helper()
	s := Settings{BaseURL: testSite}
	s.SetDefaults()
	c, err := newConnector(s, Credentials{APIKey: tributary.NewSecret(key), Username: user},
		tributary.Env{AllowPrivateNetwork: true, WantPermissions: want, HTTPClient: &http.Client{Transport: f.emu.Transport()}}, o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func expected(d *discourseemu.Data, start, end time.Time, skip int) []string {
	var ids []string
	for _, tp := range d.Topics {
		if tp.ID == skip || tp.Bumped.Before(start) || !end.IsZero() && !tp.Bumped.Before(end) {
			continue
		}
		ids = append(ids, testSite+"/t/"+strconv.Itoa(tp.ID))
	}
	slices.Sort(ids)
	return ids
}

// conformanceData is the kit's forum: 35 topics of two posts, over more
// than one latest.json page, but for two long ones whose posts take one
// and two more posts.json requests.
func conformanceData() *discourseemu.Data {
	d := discourseemu.Generate(35, 2)
	d.AddPosts(d.Topics[3], 19)
	d.AddPosts(d.Topics[20], 43)
	return d
}

// harness runs the kit in a synctest bubble with the connector's own
// pacing (one request a second) and retry policy, so that waits for the
// pace, Retry-After and backoff take no real time.
func harness(faults func(*discourseemu.Server)) (connectortest.Harness, *[]*discourseemu.Server) {
	probe := conformanceData()
	failing := probe.Topics[7].ID
	var emus []*discourseemu.Server
	open := func(t testing.TB, key string) tributary.Connector {
		f := newFixtureOf(t, conformanceData())
		f.emu.FailEvery("/t/"+strconv.Itoa(failing)+".json", 1, discourseemu.NotFound)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		return f.connectorAs(t, key, testUser, options{}, true)
	}
	ts := probe.Topics
	w := func(a, b time.Time) connectortest.Window {
		return connectortest.Window{Start: a, End: b, WantIDs: expected(probe, a, b, failing)}
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, testKey) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "wrong-key") },
		WantIDs:        expected(probe, time.Time{}, time.Time{}, failing),
		WantFailureIDs: []string{testSite + "/t/" + strconv.Itoa(failing)},
		Windows:        []connectortest.Window{w(ts[10].Bumped, ts[22].Bumped), w(ts[30].Bumped, time.Time{}), w(time.Time{}, ts[5].Bumped)},
		IDMatches:      regexp.MustCompile(`^https://forum\.example\.test/t/[0-9]+$`).MatchString,
		Requests:       func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, testKey)
			emus[len(emus)-1].FailEvery("/groups/support-team/members.json", 1, discourseemu.BadGateway)
			return c
		},
		Synctest: true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := harness(nil)
	connectortest.Run(t, h)
}

func TestConformanceWithFaults(t *testing.T) {
	h, emus := harness(func(s *discourseemu.Server) {
		for k, f := range map[int]emulator.Fault{11: discourseemu.RateLimited, 13: emulator.ConnectionReset,
			17: emulator.TruncatedBody, 19: emulator.InternalError} {
			s.FailEvery("*", k, f)
		}
	})
	connectortest.Run(t, h)
	n := 0
	for _, e := range *emus {
		n += e.Faults()
	}
	if n < 20 {
		t.Errorf("only %d faults injected", n)
	}
}

func TestRefetch(t *testing.T) {
	f := newFixture(t, 5, 22)
	c := f.connector(t, testKey)
	good := testSite + "/t/" + strconv.Itoa(f.data.Topics[2].ID)
	gone := testSite + "/t/99999"
	foreign := "https://elsewhere.test/t/1"
	r := connectortest.CollectRefetch(t, t.Context(), c, good, gone, foreign)
	if d := r.ByID[good]; len(d) != 1 || d[0].Document == nil || len(d[0].Document.Sections) != 22 || d[0].Document.ParentID == "" {
		t.Errorf("refetch of a topic gave %+v", d)
	}
	if d := r.ByID[gone]; len(d) != 1 || d[0].Deletion != gone {
		t.Errorf("refetch of a deleted topic gave %+v", d)
	}
	if d := r.ByID[foreign]; len(d) != 1 || d[0].Failure == nil {
		t.Errorf("refetch of a foreign id gave %+v", d)
	}
}

func TestAccessFromCategories(t *testing.T) {
	f := newFixture(t, 6, 1)
	s := Settings{BaseURL: testSite}
	s.SetDefaults()
	c, err := newConnector(s, Credentials{APIKey: tributary.NewSecret(testKey), Username: testUser},
		tributary.Env{AllowPrivateNetwork: true, WantPermissions: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}, fast)
	if err != nil {
		t.Fatal(err)
	}
	got := connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	if got.Err != nil || len(got.Documents) != 6 {
		t.Fatalf("got %d documents, %v", len(got.Documents), got.Err)
	}
	for _, d := range got.Documents {
		a := d.ExternalAccess
		restricted := d.ParentID == testSite+"/c/3"
		if a == nil || restricted && (a.Public || !slices.Equal(a.GroupIDs, []string{"group:staff"})) || !restricted && !a.Public {
			t.Errorf("%s in %s: access %+v", d.ID, d.ParentID, a)
		}
	}
}
