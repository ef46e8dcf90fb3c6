package temporal

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
	"go.temporal.io/sdk/activity"
)

// maxFailureReports bounds the failures a slice reports in its result, so
// that history stays small; Counts.Failures counts them all.
const maxFailureReports = 20

// SliceRequest is one slice of a sync: the window, where to start in it and
// how far to go.
type SliceRequest struct {
	Ref    Ref              `json:"ref"`
	Window tributary.Window `json:"window"`
	Full   bool             `json:"full,omitempty"`
	// Poll reports that the connector can poll; when false the stream is
	// asked for everything, as tributary.Runner does.
	Poll bool `json:"poll,omitempty"`
	// Checkpoint is where the previous slice stopped; empty at the start of
	// the window.
	Checkpoint tributary.Checkpoint `json:"checkpoint,omitempty"`
	// MaxItems and MaxDuration bound the slice: it stops at the first
	// checkpoint after either is reached. Zero means no bound.
	MaxItems    int           `json:"max_items,omitempty"`
	MaxDuration time.Duration `json:"max_duration,omitempty"`
	// FailureBudget is how many failures the slice may meet; one more ends
	// it with tributary.ErrTooManyFailures. Negative means no limit.
	FailureBudget int `json:"failure_budget"`
	// Redeliver hands the sink documents the inventory already holds.
	Redeliver bool `json:"redeliver,omitempty"`
	// Repeats is how the slice recognises a document delivered before.
	Repeats tributary.RepeatRule `json:"repeats,omitempty"`
}

// Counts are what a slice, or a whole sync, delivered and met.
type Counts struct {
	// Documents, Deletions and Nodes were acknowledged by the sink;
	// Unchanged documents were dropped as repeats.
	Documents int   `json:"documents"`
	Unchanged int   `json:"unchanged"`
	Deletions int   `json:"deletions"`
	Nodes     int   `json:"nodes"`
	Batches   int   `json:"batches"`
	Failures  int   `json:"failures"`
	Bytes     int64 `json:"bytes"`
}

func (c *Counts) add(o Counts) {
	c.Documents += o.Documents
	c.Unchanged += o.Unchanged
	c.Deletions += o.Deletions
	c.Nodes += o.Nodes
	c.Batches += o.Batches
	c.Failures += o.Failures
	c.Bytes += o.Bytes
}

// FailureReport is a tributary.Failure as recorded in workflow history.
type FailureReport struct {
	DocumentID string `json:"document_id,omitempty"`
	EntityID   string `json:"entity_id,omitempty"`
	Link       string `json:"link,omitempty"`
	Message    string `json:"message"`
}

func reportOf(f *tributary.Failure) FailureReport {
	return FailureReport{DocumentID: f.DocumentID, EntityID: f.EntityID, Link: f.Link, Message: f.Error()}
}

// SliceResult is what a slice did and where the next one starts.
type SliceResult struct {
	// Checkpoint is where the next slice starts; Done reports that the
	// window is complete and recorded as the last good window.
	Checkpoint tributary.Checkpoint `json:"checkpoint,omitempty"`
	Done       bool                 `json:"done,omitempty"`
	Counts     Counts               `json:"counts"`
	// Failures are the first failures met, at most 20.
	Failures []FailureReport `json:"failures,omitempty"`
	// Resumed reports that this attempt resumed from the heartbeat of an
	// attempt that died; Attempt is the attempt's number, from 1.
	Resumed bool  `json:"resumed,omitempty"`
	Attempt int32 `json:"attempt"`
}

// progress is a slice's heartbeat: everything committed so far.
type progress struct {
	Checkpoint tributary.Checkpoint `json:"checkpoint,omitempty"`
	Counts     Counts               `json:"counts"`
	Failures   []FailureReport      `json:"failures,omitempty"`
}

// SyncSlice is the activity that runs one slice. It starts from the last
// heartbeat when an earlier attempt left one, and otherwise from
// req.Checkpoint. After the sink acknowledges each batch it commits the
// inventory and the checkpoint before the batch to the Store, then records
// them as the heartbeat.
func (w *Worker) SyncSlice(ctx context.Context, req SliceRequest) (SliceResult, error) {
	res, err := w.slice(ctx, req)
	if err != nil {
		return res, classify(fmt.Errorf("sync %s: %w", req.Ref.Instance, err))
	}
	return res, nil
}

func (w *Worker) slice(ctx context.Context, req SliceRequest) (SliceResult, error) {
	c, err := w.open(ctx, req.Ref)
	if err != nil {
		return SliceResult{}, err
	}
	store, release, err := w.store(ctx, req.Ref.Instance)
	if err != nil {
		return SliceResult{}, err
	}
	defer release()
	st, err := store.State(ctx, req.Ref.Instance)
	if err != nil {
		return SliceResult{}, fmt.Errorf("read state: %w", err)
	}
	s := &slicer{w: w, ctx: ctx, c: c, req: req, started: w.now()}
	s.done.Checkpoint = req.Checkpoint
	info := activity.GetInfo(ctx)
	s.res.Attempt = info.Attempt
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &s.done); err != nil {
			return SliceResult{}, fmt.Errorf("read heartbeat: %w", err)
		}
		s.res.Resumed = true
		w.log().Info("resuming slice from heartbeat", "instance", req.Ref.Instance, "attempt", info.Attempt,
			"documents", s.done.Counts.Documents)
	}
	s.base = s.done.Counts
	budget := req.FailureBudget
	if budget >= 0 {
		// What an earlier attempt of this slice committed counts against it.
		budget = max(0, budget-s.base.Failures)
	}
	s.b = &tributary.Batcher{
		Store: store, Sink: w.Sink, Instance: req.Ref.Instance,
		State:     tributary.State{Window: req.Window, Full: req.Full, Checkpoint: s.done.Checkpoint, LastGoodEnd: st.LastGoodEnd},
		BatchDocs: w.BatchDocs, BatchBytes: w.BatchBytes, BatchAge: w.BatchAge,
		Repeats: req.Repeats, Redeliver: req.Redeliver, FailureBudget: budget,
		Now: w.Now, Logger: w.log(), OnCommit: s.committed,
	}
	stop := keepAlive(ctx, info.HeartbeatTimeout, func() any { return s.snapshot() })
	defer stop()
	return s.run()
}

// slicer is the state of one SyncSlice attempt.
type slicer struct {
	w       *Worker
	ctx     context.Context
	c       tributary.Connector
	req     SliceRequest
	started time.Time
	b       *tributary.Batcher
	items   int    // documents, deletions and nodes yielded
	base    Counts // committed by earlier attempts of the slice

	mu   sync.Mutex
	done progress // committed: the heartbeat

	res SliceResult
}

func (s *slicer) snapshot() progress {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.done
	p.Failures = slices.Clone(p.Failures)
	return p
}

func (s *slicer) run() (SliceResult, error) {
	start, end := s.req.Window.Start, s.req.Window.End
	if !s.req.Poll {
		start, end = time.Time{}, time.Time{}
	}
	for it, err := range tributary.Stream(s.ctx, s.c, start, end, s.done.Checkpoint) {
		if err := s.b.Add(s.ctx, it, err); err != nil {
			return s.result(false), err
		}
		switch it.Kind() {
		case tributary.ItemDocument, tributary.ItemDeletion, tributary.ItemNode:
			s.items++
		case tributary.ItemCheckpoint:
			if s.full() {
				// The slice ends at the first checkpoint past its bounds.
				if err := s.b.Flush(s.ctx); err != nil {
					return s.result(false), err
				}
				return s.result(false), nil
			}
		}
	}
	if err := s.b.Finish(s.ctx, s.req.Window.End); err != nil {
		return s.result(false), err
	}
	return s.result(true), nil
}

func (s *slicer) result(done bool) SliceResult {
	p := s.snapshot()
	r := s.res
	r.Done, r.Counts, r.Failures = done, p.Counts, p.Failures
	if !done {
		r.Checkpoint = p.Checkpoint
	}
	return r
}

// full reports that the slice reached one of its bounds.
func (s *slicer) full() bool {
	return (s.req.MaxItems > 0 && s.items >= s.req.MaxItems) ||
		(s.req.MaxDuration > 0 && s.w.now().Sub(s.started) >= s.req.MaxDuration)
}

// committed records a commit of the Batcher as the heartbeat.
func (s *slicer) committed(c tributary.Commit, t tributary.Tally) {
	s.mu.Lock()
	s.done.Checkpoint = c.State.Checkpoint
	s.done.Counts = s.base
	s.done.Counts.add(Counts{Documents: t.Documents, Unchanged: t.Unchanged, Deletions: t.Deletions,
		Nodes: t.Nodes, Batches: t.Batches, Failures: t.Failures, Bytes: t.Bytes})
	for _, f := range c.Failures {
		if len(s.done.Failures) < maxFailureReports {
			s.done.Failures = append(s.done.Failures, reportOf(f))
		}
	}
	s.mu.Unlock()
	activity.RecordHeartbeat(s.ctx, s.snapshot())
}
