package connectortest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/tributary-dev/tributary"
)

// foreignURL is an address no connector's documents have.
const foreignURL = "https://foreign.invalid/connectortest/page?id=1#top"

// maxNormalized bounds how many documents NormalizeURL checks.
const maxNormalized = 50

// checkProbe: a Prober reports each capability once, indexing first, in
// agreement with Validate; rejected credentials fail indexing; and a probe
// that could not finish (here: a context already cancelled, as a timeout
// would leave it) is never reported as ProbeFailed.
func checkProbe(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	p, ok := c.(tributary.Prober)
	if !ok {
		t.Skip("the connector is not a tributary.Prober")
	}
	got := p.Probe(t.Context())
	checkProbeShape(t, "Probe", got)
	if len(got) > 0 && got[0].Capability == tributary.CapIndexing {
		if err := c.Validate(t.Context()); (err == nil) != (got[0].Status == tributary.ProbePassed) {
			t.Errorf("Probe reports indexing %s but Validate returned %v", got[0].Status, err)
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, r := range p.Probe(ctx) {
		if r.Status == tributary.ProbeFailed {
			t.Errorf("Probe with a cancelled context reports %s as failed (%v); a probe that could not finish is indeterminate", r.Capability, r.Err)
		}
	}
	if h.BadCredentials == nil {
		return
	}
	bad, ok := h.BadCredentials(t).(tributary.Prober)
	if !ok {
		t.Errorf("the BadCredentials connector is not a tributary.Prober")
		return
	}
	res := bad.Probe(t.Context())
	checkProbeShape(t, "Probe with bad credentials", res)
	if len(res) > 0 && res[0].Status != tributary.ProbeFailed {
		t.Errorf("Probe with bad credentials reports indexing %s; want failed", res[0].Status)
	}
}

// checkProbeShape checks the results of one Probe call.
func checkProbeShape(t testing.TB, label string, rs []tributary.ProbeResult) {
	t.Helper()
	if len(rs) == 0 || rs[0].Capability != tributary.CapIndexing {
		t.Errorf("%s: results %v do not start with %s", label, rs, tributary.CapIndexing)
		return
	}
	known := []tributary.Capability{tributary.CapIndexing, tributary.CapAccessSync, tributary.CapGroupSync}
	seen := map[tributary.Capability]bool{}
	for _, r := range rs {
		switch {
		case !slices.Contains(known, r.Capability):
			t.Errorf("%s: unknown capability %q", label, r.Capability)
		case seen[r.Capability]:
			t.Errorf("%s: %s reported twice", label, r.Capability)
		}
		seen[r.Capability] = true
		switch r.Status {
		case tributary.ProbePassed:
			if r.Err != nil {
				t.Errorf("%s: %s passed with an error: %v", label, r.Capability, r.Err)
			}
		case tributary.ProbeFailed, tributary.ProbeIndeterminate:
			if r.Err == nil {
				t.Errorf("%s: %s is %s without an error saying why", label, r.Capability, r.Status)
			}
		default:
			t.Errorf("%s: %s has unknown status %q", label, r.Capability, r.Status)
		}
	}
}

// checkNormalizeURL: a URLNormalizer maps each loaded document's id, and
// the link of its first section when no other document has that link (an
// archive's entries may all link to the archive), to that id, and refuses
// an address of no source with ErrForeignURL or ErrNotSupported.
func checkNormalizeURL(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	n, ok := c.(tributary.URLNormalizer)
	if !ok {
		t.Skip("the connector is not a tributary.URLNormalizer")
	}
	ctx := t.Context()
	type doc struct{ id, link string }
	var docs []doc
	links := map[string]int{}
	for d, err := range tributary.Load(ctx, c) {
		if _, isFailure := tributary.AsFailure(err); isFailure {
			continue
		}
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		x := doc{id: d.ID}
		if i := slices.IndexFunc(d.Sections, func(s tributary.Section) bool { return s.Link != "" }); i >= 0 {
			x.link = d.Sections[i].Link
			links[x.link]++
		}
		docs = append(docs, x)
	}
	if len(docs) == 0 {
		t.Fatal("Load yielded no document to normalise the URL of")
	}
	for _, d := range docs[:min(len(docs), maxNormalized)] {
		urls := []string{d.id}
		if d.link != "" && d.link != d.id && links[d.link] == 1 {
			urls = append(urls, d.link)
		}
		for _, u := range urls {
			got, err := n.NormalizeURL(ctx, u)
			if err != nil || got != d.id {
				t.Errorf("NormalizeURL(%q) = %q, %v; want the document's id %q", u, got, err, d.id)
			}
		}
	}
	id, err := n.NormalizeURL(ctx, foreignURL)
	if !errors.Is(err, tributary.ErrForeignURL) && !errors.Is(err, tributary.ErrNotSupported) {
		t.Errorf("NormalizeURL(%q) = %q, %v; want an error matching tributary.ErrForeignURL or ErrNotSupported", foreignURL, id, err)
	}
}
