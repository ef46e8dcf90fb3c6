package connectortest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// maxListed bounds how many ids a failure message lists.
const maxListed = 10

// sameIDs reports, under label, the difference between the ids got and the
// ids want as sets, and every id got more than once. It returns whether
// they matched.
func sameIDs(t testing.TB, label string, got, want []string) bool {
	t.Helper()
	ok := true
	if dups := duplicates(got); len(dups) > 0 {
		t.Errorf("%s: yielded duplicate ids %s", label, list(dups))
		ok = false
	}
	missing, extra := diff(got, want)
	if len(missing) > 0 {
		t.Errorf("%s: missing %d of %d expected ids: %s", label, len(missing), len(uniq(want)), list(missing))
		ok = false
	}
	if len(extra) > 0 {
		t.Errorf("%s: yielded %d unexpected ids: %s", label, len(extra), list(extra))
		ok = false
	}
	return ok
}

// diff returns the ids of want not in got, and of got not in want, sorted.
func diff(got, want []string) (missing, extra []string) {
	g, w := set(got), set(want)
	for id := range w {
		if !g[id] {
			missing = append(missing, id)
		}
	}
	for id := range g {
		if !w[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	return missing, extra
}

func duplicates(ids []string) []string {
	seen := map[string]int{}
	var dups []string
	for _, id := range ids {
		seen[id]++
		if seen[id] == 2 {
			dups = append(dups, id)
		}
	}
	slices.Sort(dups)
	return dups
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func uniq(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// list formats ids for a message, quoting each and eliding past maxListed.
func list(ids []string) string {
	var b strings.Builder
	for i, id := range ids {
		if i == maxListed {
			fmt.Fprintf(&b, " and %d more", len(ids)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", id)
	}
	return b.String()
}

// checkDocuments reports documents that break the Document contract: an
// empty ID or SemanticID, a Source other than the connector's, a time that
// is not in UTC, the same *Document yielded twice.
func checkDocuments(t testing.TB, label string, source tributary.DocumentSource, docs []*tributary.Document) {
	t.Helper()
	seen := map[*tributary.Document]bool{}
	for i, d := range docs {
		name := fmt.Sprintf("%s: document %d (%q)", label, i+1, d.ID)
		if d.ID == "" {
			t.Errorf("%s has an empty ID", name)
		}
		if d.SemanticID == "" {
			t.Errorf("%s has an empty SemanticID", name)
		}
		if d.Source != source {
			t.Errorf("%s has Source %q, want the connector's Source() %q", name, d.Source, source)
		}
		checkUTC(t, name, "UpdatedAt", d.UpdatedAt)
		checkUTC(t, name, "CreatedAt", d.CreatedAt)
		if seen[d] {
			t.Errorf("%s: the same *Document value was yielded twice; yield a new one each time", name)
		}
		seen[d] = true
	}
}

func checkUTC(t testing.TB, name, field string, v time.Time) {
	t.Helper()
	if !v.IsZero() && v.Location() != time.UTC {
		t.Errorf("%s has %s %v in location %q; times must be in UTC", name, field, v, v.Location())
	}
}

// failureID returns the id a failure names: its DocumentID, else its
// EntityID.
func failureID(f *tributary.Failure) string {
	if f.DocumentID != "" {
		return f.DocumentID
	}
	return f.EntityID
}

func failureIDs(fs []*tributary.Failure) []string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = failureID(f)
	}
	return ids
}

// idPrefix returns the prefix all ids share, cut back to just after its
// last separator, or "" when they share none.
func idPrefix(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	p := ids[0]
	for _, id := range ids[1:] {
		n := 0
		for n < len(p) && n < len(id) && p[n] == id[n] {
			n++
		}
		p = p[:n]
	}
	if i := strings.LastIndexAny(p, "/:#?=&-_."); i >= 0 {
		return p[:i+1]
	}
	return ""
}
