package blob

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/s3emu"
)

// pngHeader starts a PNG image: a format with no text.
const pngHeader = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"

// conformanceObjects is the fixture every conformance check gets a fresh
// copy of, with small pages so that there are many checkpoints.
func conformanceObjects() (objs []object, docs, failures []string, windows []connectortest.Window) {
	t1, t2, t3 := baseTime.Add(time.Hour), baseTime.Add(2*time.Hour), baseTime.Add(3*time.Hour)
	add := func(key, body string, at time.Time) {
		objs = append(objs, object{key: key, body: body, modified: at})
	}
	for i := range 12 {
		add("notes/note-"+itoa(10+i)+".md", "# Note "+itoa(i)+"\n\nSome words.", baseTime)
	}
	add("guide/intro.txt", "Welcome to the guide.", t1)
	add("guide/setup/install.html", "<html><head><title>Install</title></head><body><p>Run it.</p></body></html>", t1)
	add("guide/setup/data.json", `{"name": "setup", "steps": 3}`, t2)
	add("reports/q1.csv", "quarter,revenue\nq1,10\n", t2)
	add("reports/untitled", "plain words without an extension", t2)
	add("empty/", "", baseTime)                 // a folder marker
	add("tmp/scratch.txt", "left out", t2)      // excluded
	add("images/logo.png", pngHeader, baseTime) // binary content: left out
	add("images/photo", pngHeader, baseTime)    // told by content alone
	add("archives/bundle.zip", "PK\x03\x04"+strings.Repeat("\x00", 26), baseTime)
	add("archives/docs.zip", string(zipOf(archiveEntries{
		{"a.txt", "Alpha entry."}, {"sub/b.md", "# Beta\n\nEntry."}, {"logo.png", pngHeader},
		{"inner.zip", string(zipOf(archiveEntries{{"c.txt", "Gamma, nested."}}))},
	})), baseTime)
	add("archives/notes.tar.gz", string(tgzOf(archiveEntries{{"n.txt", "A note in a tarball."}})), baseTime)
	add("big/huge.txt", strings.Repeat("x", 5000), baseTime)
	for _, o := range objs {
		switch {
		case o.key == "empty/" || strings.HasPrefix(o.key, "tmp/") || strings.HasPrefix(o.key, "images/"):
		case o.key == "archives/docs.zip":
			docs = append(docs, id(o.key)+"!/a.txt", id(o.key)+"!/inner.zip!/c.txt", id(o.key)+"!/sub/b.md")
		case o.key == "archives/notes.tar.gz":
			docs = append(docs, id(o.key)+"!/n.txt")
		case strings.HasPrefix(o.key, "archives/"), strings.HasPrefix(o.key, "big/"):
			failures = append(failures, id(o.key))
		default:
			docs = append(docs, id(o.key))
		}
	}
	windows = []connectortest.Window{
		{Start: t1, End: t2, WantIDs: []string{id("guide/intro.txt"), id("guide/setup/install.html")}},
		{Start: t2, End: t3, WantIDs: []string{id("guide/setup/data.json"), id("reports/q1.csv"), id("reports/untitled")}},
		{Start: t3, End: t3.Add(time.Hour)},
	}
	return objs, docs, failures, windows
}

func conformanceHarness(faults func(*s3emu.Server)) (connectortest.Harness, *[]*s3emu.Server) {
	objs, docs, failures, windows := conformanceObjects()
	var emus []*s3emu.Server
	open := func(t testing.TB, key string) tributary.Connector {
		f := newFixture(t, objs)
		if faults != nil {
			faults(f.emu)
		}
		emus = append(emus, f.emu)
		s := f.settings()
		s.PageSize = 5
		s.Exclude = []string{"tmp/**"}
		s.MaxObjectSize = 4096
		cr := testCredentials()
		cr.AccessKeyID = key
		c, err := New(s, cr, f.env())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, s3emu.AccessKeyID) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "AKIAREVOKED") },
		WantIDs:        docs,
		WantFailureIDs: failures,
		Windows:        windows,
		IDMatches:      func(id string) bool { return strings.HasPrefix(id, "s3://"+testBucket+"/") },
		Requests:       func(tributary.Connector) int { return len(emus[len(emus)-1].Requests()) },
		Synctest:       true,
	}, &emus
}

func TestConformance(t *testing.T) {
	h, _ := conformanceHarness(nil)
	connectortest.Run(t, h)
}

// TestConformanceWithFaults runs the kit with the emulator failing about
// one request in four: 503 SlowDown, 500, reset connections and truncated
// bodies (a listing cut mid-XML, an object cut in half). Every document
// still arrives, through the HTTP stack's retries and the connector's
// fetching again of broken bodies, in fake time.
func TestConformanceWithFaults(t *testing.T) {
	h, emus := conformanceHarness(func(s *s3emu.Server) {
		for k, fault := range map[int]emulator.Fault{7: s3emu.SlowDown, 11: emulator.ConnectionReset,
			13: emulator.TruncatedBody, 17: emulator.InternalError, 19: {Status: http.StatusServiceUnavailable, RetryAfter: 5 * time.Second}} {
			s.FailEvery("*", k, fault)
		}
	})
	connectortest.Run(t, h)
	emulator.TallyOf(*emus).Require(t, 50, "status 503", "status 500", "reset", "truncate")
}
