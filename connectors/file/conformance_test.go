package file

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

func TestConformance(t *testing.T) {
	tr := newTree(t)
	// Two files changed later than the rest make two poll windows; the
	// link to README.md takes its target's time.
	touch := func(rel string, at time.Time) {
		require.NoError(t, os.Chtimes(filepath.Join(tr.root, filepath.FromSlash(rel)), at, at))
	}
	t1, t2, t3 := baseTime.Add(time.Hour), baseTime.Add(2*time.Hour), baseTime.Add(3*time.Hour)
	touch("README.md", t1)
	touch("reports/q1.pdf", t2)
	touch("archives/bundle.zip", t2)
	bundle := docID("share", "archives/bundle.zip")
	failures := make([]string, 0, len(tr.failures))
	for id := range tr.failures {
		failures = append(failures, id)
	}
	connectortest.Run(t, connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return tr.connector(t) },
		WantIDs:        tr.docs,
		WantFailureIDs: failures,
		Windows: []connectortest.Window{
			{Start: t1, End: t2, WantIDs: []string{docID("share", "README.md"), docID("share", "links/readme-link.md")}},
			{Start: t2, End: t3, WantIDs: []string{docID("share", "reports/q1.pdf"), entryID(bundle, "a.txt"),
				entryID(bundle, "sub/b.md"), entryID(entryID(bundle, "inner.zip"), "c.txt")}},
			{Start: t3, End: t3.Add(time.Hour)},
		},
		IDMatches: func(id string) bool { return strings.HasPrefix(id, "file://share/") },
		Requests:  func(c tributary.Connector) int { return int(c.(*Connector).opened.Load()) },
		Events: []connectortest.Event{
			{Name: "changed file", Event: tributary.Event{Type: tributary.EventChanged, Key: filepath.Join(tr.root, "docs", "config.json")},
				WantIDs: []string{docID("share", "docs/config.json")}},
			{Name: "changed archive", Event: tributary.Event{Type: tributary.EventChanged, Key: filepath.Join(tr.root, "archives", "bundle.zip")},
				WantIDs: []string{entryID(bundle, "a.txt"), entryID(bundle, "sub/b.md"), entryID(entryID(bundle, "inner.zip"), "c.txt")}},
			{Name: "removed file", Event: tributary.Event{Type: tributary.EventRemoved, Key: filepath.Join(tr.root, "gone.txt")},
				WantDeletions: []string{docID("share", "gone.txt")}},
		},
	})
}
