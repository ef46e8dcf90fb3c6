package connectortest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

func checkpointConnector(t testing.TB, h *Harness) (tributary.Connector, tributary.CheckpointConnector) {
	t.Helper()
	c := newConnector(t, h)
	cp, ok := c.(tributary.CheckpointConnector)
	if !ok {
		t.Skip("not a tributary.CheckpointConnector")
	}
	return c, cp
}

// checkCheckpoints: the checkpoint stream yields exactly the expected
// documents over all time and over each window, and every checkpoint it
// yields is a small versioned envelope.
func checkCheckpoints(t testing.TB, h *Harness) {
	c, cc := checkpointConnector(t, h)
	for _, w := range allTime(h) {
		label := "LoadFromCheckpoint" + w.label
		r := collectItems(t, h, label, cc.LoadFromCheckpoint(t.Context(), w.start, w.end, nil))
		if r.err != nil {
			t.Errorf("%s: ended with error: %v", label, r.err)
			continue
		}
		sameIDs(t, label, r.docIDs(0, -1), w.want)
		checkDocuments(t, label, c.Source(), r.docs())
		cps := r.checkpoints()
		if len(cps) == 0 && (len(r.docIDs(0, -1)) > 0 || len(r.failures(0, -1)) > 0) {
			t.Errorf("%s: yielded documents but no checkpoint; a CheckpointConnector yields checkpoints so that a run can resume", label)
		}
		for k, i := range cps {
			checkEnvelope(t, fmt.Sprintf("%s: checkpoint %d of %d", label, k+1, len(cps)), r.items[i].Checkpoint)
		}
	}
}

// envelope is the form tributary.EncodeCheckpoint gives every checkpoint.
type envelope struct {
	Kind    string          `json:"kind"`
	Version int             `json:"version"`
	State   json.RawMessage `json:"state"`
}

func decodeEnvelope(cp tributary.Checkpoint) (envelope, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(cp))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return env, err
	}
	if dec.More() {
		return env, errors.New("trailing data after the envelope")
	}
	return env, nil
}

func checkEnvelope(t testing.TB, label string, cp tributary.Checkpoint) {
	t.Helper()
	if len(cp) > tributary.MaxCheckpointSize {
		t.Errorf("%s is %d bytes, over tributary.MaxCheckpointSize (%d): checkpoints hold a position, never a set of ids", label, len(cp), tributary.MaxCheckpointSize)
	}
	env, err := decodeEnvelope(cp)
	switch {
	case err != nil:
		t.Errorf("%s is not a checkpoint made by tributary.EncodeCheckpoint: %v", label, err)
	case env.Kind == "":
		t.Errorf("%s has no kind; make it with tributary.EncodeCheckpoint", label)
	case len(env.State) == 0 || string(env.State) == "null":
		t.Errorf("%s has no state", label)
	}
}

// checkCheckpointResume: resuming from every checkpoint of the stream, the
// documents and failures yielded before the checkpoint together with those
// yielded after resuming are exactly the full stream's: nothing lost,
// nothing invented. Documents yielded again are logged, not failed. With
// Harness.Requests, resuming from the last checkpoint must do less work
// than the full stream: a checkpoint holds a position the source resumes from,
// not a count of items to skip.
func checkCheckpointResume(t testing.TB, h *Harness) {
	c, cc := checkpointConnector(t, h)
	for _, w := range allTime(h) {
		label := "LoadFromCheckpoint" + w.label
		before := requests(h, c)
		full := collectItems(t, h, label, cc.LoadFromCheckpoint(t.Context(), w.start, w.end, nil))
		fullWork := requests(h, c) - before
		if full.err != nil {
			t.Errorf("%s: ended with error: %v", label, full.err)
			continue
		}
		cps := full.checkpoints()
		for k, at := range cps {
			rlabel := fmt.Sprintf("%s resumed from checkpoint %d of %d (after item %d)", label, k+1, len(cps), at+1)
			before := requests(h, c)
			resumed := collectItems(t, h, rlabel, cc.LoadFromCheckpoint(t.Context(), w.start, w.end, full.items[at].Checkpoint))
			// Judged at the last checkpoint only, where resuming has least
			// left to do, so retries of a fixture's faults cannot tip it.
			if work := requests(h, c) - before; h.Requests != nil && k == len(cps)-1 && fullWork > 2 &&
				len(full.docIDs(0, at)) > 0 && work >= fullWork {
				t.Errorf("%s: did as much work (%d) as the full stream (%d): a checkpoint holds a position the source resumes from, not a count of items to skip", rlabel, work, fullWork)
			}
			if resumed.err != nil {
				t.Errorf("%s: ended with error: %v", rlabel, resumed.err)
				continue
			}
			compareResume(t, rlabel, "documents", full.docIDs(0, at), resumed.docIDs(0, -1), full.docIDs(0, -1))
			compareResume(t, rlabel, "failures", failureIDs(full.failures(0, at)),
				failureIDs(resumed.failures(0, -1)), failureIDs(full.failures(0, -1)))
		}
	}
}

// compareResume checks that before+after covers full exactly.
func compareResume(t testing.TB, label, what string, before, after, full []string) {
	t.Helper()
	union := append(append([]string(nil), before...), after...)
	missing, extra := diff(union, full)
	if len(missing) > 0 {
		t.Errorf("%s: lost %d %s: %s are neither before the checkpoint nor after resuming", label, len(missing), what, list(missing))
	}
	if len(extra) > 0 {
		t.Errorf("%s: yielded %d %s the full stream does not have: %s", label, len(extra), what, list(extra))
	}
	var again []string
	seen := set(before)
	for _, id := range after {
		if seen[id] {
			again = append(again, id)
		}
	}
	if len(again) > 0 {
		t.Logf("%s: yielded again %d %s that the checkpoint covers: %s", label, len(again), what, list(again))
	}
}

// checkInvalidCheckpoint: checkpoint bytes the connector did not make fail
// with ErrInvalidCheckpoint before any document is yielded: garbage,
// another connector's, an oversized one, and the stream's own last
// checkpoint with another version, with a state of the wrong shape, and
// cut short.
func checkInvalidCheckpoint(t testing.TB, h *Harness) {
	c, cc := checkpointConnector(t, h)
	bad := map[string]tributary.Checkpoint{
		"garbage bytes":                        tributary.Checkpoint("\x00not a checkpoint{"),
		"a JSON value that is not an envelope": tributary.Checkpoint(`[1,2,3]`),
		"a checkpoint of another connector":    foreignCheckpoint(),
		"a checkpoint over the size bound":     oversized(string(c.Source())),
	}
	full := collectItems(t, h, "LoadFromCheckpoint(all time)", cc.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	if cps := full.checkpoints(); len(cps) > 0 {
		maps.Copy(bad, spoiled(full.items[cps[len(cps)-1]].Checkpoint))
	}
	for _, name := range sortedKeys(bad) {
		label := "LoadFromCheckpoint from " + name
		r := collectItems(t, h, label, cc.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, bad[name]))
		if n := len(r.docIDs(0, -1)); n > 0 {
			t.Errorf("%s: yielded %d documents before refusing it", label, n)
		}
		if !errors.Is(r.err, tributary.ErrInvalidCheckpoint) {
			t.Errorf("%s: ended with %v; want an error matching tributary.ErrInvalidCheckpoint", label, r.err)
		}
	}
}

// spoiled returns variants of a real checkpoint that its connector must
// refuse.
func spoiled(cp tributary.Checkpoint) map[string]tributary.Checkpoint {
	out := map[string]tributary.Checkpoint{
		"the last checkpoint cut to half its length": cp[:len(cp)/2],
		"the last checkpoint less its last byte":     cp[:len(cp)-1],
	}
	env, err := decodeEnvelope(cp)
	if err != nil {
		return out
	}
	other := env
	other.Version += 1000
	if b, err := json.Marshal(other); err == nil {
		out["the last checkpoint with another version"] = b
	}
	wrong := env
	wrong.State = json.RawMessage(`[true, 1, "x"]`)
	if b, err := json.Marshal(wrong); err == nil {
		out["the last checkpoint with a state of the wrong shape"] = b
	}
	return out
}

func foreignCheckpoint() tributary.Checkpoint {
	cp, err := tributary.EncodeCheckpoint("connectortest-foreign", 1, map[string]string{"cursor": "c2"})
	if err != nil {
		return tributary.Checkpoint(`{"kind":"connectortest-foreign","version":1,"state":{"cursor":"c2"}}`)
	}
	return cp
}

func oversized(kind string) tributary.Checkpoint {
	state, _ := json.Marshal(strings.Repeat("x", tributary.MaxCheckpointSize))
	b, _ := json.Marshal(envelope{Kind: kind, Version: 1, State: state})
	return b
}

// checkHierarchy: in the checkpoint stream, every node and document naming
// a parent comes after that parent; over all time, the parent is yielded.
func checkHierarchy(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	cc, ok := c.(tributary.CheckpointConnector)
	if !ok {
		t.Skip("not a tributary.CheckpointConnector: only item streams carry hierarchy nodes")
	}
	for i, w := range allTime(h) {
		label := "LoadFromCheckpoint" + w.label
		r := collectItems(t, h, label, cc.LoadFromCheckpoint(t.Context(), w.start, w.end, nil))
		nodes, parents := hierarchyOrder(t, label, r.items, i == 0)
		if i == 0 && nodes == 0 && parents == 0 {
			t.Skip("the stream yields no hierarchy node and no document names a parent")
		}
	}
}

// checkNode reports a node without the id documents name it by or the
// name a person recognises it by.
func checkNode(t testing.TB, label string, i int, n *tributary.HierarchyNode) {
	t.Helper()
	if n.ID == "" {
		t.Errorf("%s: node %q (item %d) has an empty ID", label, n.Name, i+1)
	}
	if n.Name == "" {
		t.Errorf("%s: node %q (item %d) has an empty Name", label, n.ID, i+1)
	}
}

// hierarchyOrder reports nodes and documents yielded before the node their
// ParentID names and, when complete, ParentIDs naming a node the stream
// never yields. It returns the number of nodes and of ParentIDs seen.
func hierarchyOrder(t testing.TB, label string, items []tributary.Item, complete bool) (nodes, parents int) {
	t.Helper()
	first := map[string]int{}
	for i, it := range items {
		if it.Node != nil {
			if _, dup := first[it.Node.ID]; !dup {
				first[it.Node.ID] = i
			}
		}
	}
	for i, it := range items {
		var what, id, parent string
		switch {
		case it.Node != nil:
			nodes++
			what, id, parent = "node", it.Node.ID, it.Node.ParentID
			checkNode(t, label, i, it.Node)
		case it.Document != nil:
			what, id, parent = "document", it.Document.ID, it.Document.ParentID
		default:
			continue
		}
		if parent == "" {
			continue
		}
		parents++
		switch at, ok := first[parent]; {
		case ok && at > i:
			t.Errorf("%s: %s %q (item %d) names parent %q, which is yielded only later (item %d); parents come before their children", label, what, id, i+1, parent, at+1)
		case !ok && complete:
			t.Errorf("%s: %s %q (item %d) names parent %q, which the stream never yields", label, what, id, i+1, parent)
		}
	}
	return nodes, parents
}
