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
	st, err := w.Store.State(ctx, req.Ref.Instance)
	if err != nil {
		return SliceResult{}, fmt.Errorf("read state: %w", err)
	}
	s := &slicer{
		w: w, ctx: ctx, c: c, req: req, lastGoodEnd: st.LastGoodEnd, started: w.now(),
		maxDocs: positiveOr(w.BatchDocs, tributary.DefaultBatchDocs), maxBytes: positiveOr(w.BatchBytes, tributary.DefaultBatchBytes),
	}
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
	stop := keepAlive(ctx, info.HeartbeatTimeout, func() any { return s.snapshot() })
	defer stop()
	return s.run()
}

func positiveOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// slicer is the state of one SyncSlice attempt.
type slicer struct {
	w           *Worker
	ctx         context.Context
	c           tributary.Connector
	req         SliceRequest
	lastGoodEnd time.Time
	started     time.Time

	maxDocs, maxBytes int

	batch tributary.Batch
	bytes int
	items int
	cp    tributary.Checkpoint // latest checkpoint not yet committed

	// Yielded, not yet committed.
	pending  Counts
	upserts  []tributary.InventoryEntry
	removals []string
	failures []*tributary.Failure

	mu   sync.Mutex
	done progress // committed: the heartbeat

	res SliceResult
	ids []string
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
		stop, err := s.item(it, err)
		if err != nil {
			return s.result(false), err
		}
		if stop {
			return s.result(false), nil
		}
	}
	if err := s.flush(tributary.State{LastGoodEnd: s.req.Window.End}); err != nil {
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

// item takes one element of the stream; stop reports the end of the slice.
func (s *slicer) item(it tributary.Item, err error) (stop bool, _ error) {
	if ctxErr := s.ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		if f, ok := tributary.AsFailure(err); ok {
			return false, s.fail(f)
		}
		return false, err
	}
	switch it.Kind() {
	case tributary.ItemDocument:
		return false, s.addDocument(it.Document)
	case tributary.ItemDeletion:
		return false, s.addDeletion(it.Deletion)
	case tributary.ItemNode:
		s.items++
		s.batch.Nodes = append(s.batch.Nodes, it.Node)
		return false, s.flushIfFull()
	case tributary.ItemFailure:
		return false, s.fail(it.Failure)
	case tributary.ItemCheckpoint:
		return s.checkpoint(it.Checkpoint)
	}
	return false, fmt.Errorf("%s connector yielded an invalid item", s.c.Source())
}

func (s *slicer) addDocument(d *tributary.Document) error {
	if d.ID == "" {
		return s.fail(&tributary.Failure{Message: fmt.Sprintf("document %q has no id", d.SemanticID)})
	}
	s.items++
	if len(s.batch.Deletions) > 0 {
		s.batch.Deletions = slices.DeleteFunc(s.batch.Deletions, func(id string) bool { return id == d.ID })
	}
	s.batch.Documents = append(s.batch.Documents, d)
	s.bytes += d.Size()
	return s.flushIfFull()
}

func (s *slicer) addDeletion(id string) error {
	s.items++
	s.batch.Documents = slices.DeleteFunc(s.batch.Documents, func(d *tributary.Document) bool {
		if d.ID != id {
			return false
		}
		s.bytes -= d.Size()
		return true
	})
	s.batch.Deletions = append(s.batch.Deletions, id)
	return s.flushIfFull()
}

func (s *slicer) fail(f *tributary.Failure) error {
	if f == nil {
		f = &tributary.Failure{Message: fmt.Sprintf("%s connector reported an empty failure", s.c.Source())}
	}
	s.failures = append(s.failures, f)
	s.pending.Failures++
	s.w.log().Warn("connector failure", "instance", s.req.Ref.Instance, "error", f.Error())
	if total := s.done.Counts.Failures + s.pending.Failures; s.req.FailureBudget >= 0 && total > s.req.FailureBudget {
		return fmt.Errorf("%w: %d in this slice, more than the %d the sync had left",
			tributary.ErrTooManyFailures, total, s.req.FailureBudget)
	}
	return s.flushIfFull()
}

// checkpoint notes cp and commits it at once when everything before it is
// delivered. The slice ends at the first checkpoint past its bounds.
func (s *slicer) checkpoint(cp tributary.Checkpoint) (bool, error) {
	s.cp = cp
	if s.full() {
		return true, s.flush(s.current())
	}
	if s.batch.Len() > 0 {
		return false, nil
	}
	return false, s.commit(s.current())
}

// full reports that the slice reached one of its bounds.
func (s *slicer) full() bool {
	return (s.req.MaxItems > 0 && s.items >= s.req.MaxItems) ||
		(s.req.MaxDuration > 0 && s.w.now().Sub(s.started) >= s.req.MaxDuration)
}

// current is the state to commit once everything yielded so far is
// delivered: the window in progress at its latest checkpoint.
func (s *slicer) current() tributary.State {
	cp := s.cp
	if cp.IsZero() {
		cp = s.done.Checkpoint
	}
	return tributary.State{Window: s.req.Window, Full: s.req.Full, Checkpoint: cp, LastGoodEnd: s.lastGoodEnd}
}

func (s *slicer) flushIfFull() error {
	if s.batch.Len()+len(s.failures) < s.maxDocs && s.bytes < s.maxBytes {
		return nil
	}
	return s.flush(s.current())
}

// flush delivers the batch, then commits next.
func (s *slicer) flush(next tributary.State) error {
	if err := s.deliver(); err != nil {
		return err
	}
	return s.commit(next)
}

// deliver drops repeats, hands the rest to the sink and waits for its
// acknowledgement.
func (s *slicer) deliver() error {
	if err := s.dedupe(); err != nil {
		return err
	}
	b := &s.batch
	if b.Len() > 0 {
		if err := s.w.Sink.Write(s.ctx, *b); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
		s.pending.Batches++
		s.pending.Documents += len(b.Documents)
		s.pending.Deletions += len(b.Deletions)
		s.pending.Nodes += len(b.Nodes)
		s.pending.Bytes += int64(s.bytes)
	}
	s.removals = append(s.removals, b.Deletions...)
	clear(b.Nodes)
	clear(b.Documents)
	b.Nodes, b.Documents, b.Deletions = b.Nodes[:0], b.Documents[:0], b.Deletions[:0]
	s.bytes = 0
	return nil
}

// dedupe drops the documents that repeat their inventory entry by the
// request's RepeatRule and records inventory upserts for the others.
func (s *slicer) dedupe() error {
	docs := s.batch.Documents
	if len(docs) == 0 {
		return nil
	}
	var known map[string]tributary.InventoryEntry
	if !s.req.Redeliver {
		s.ids = s.ids[:0]
		for _, d := range docs {
			s.ids = append(s.ids, d.ID)
		}
		var err error
		if known, err = s.w.Store.Lookup(s.ctx, s.req.Ref.Instance, s.ids); err != nil {
			return fmt.Errorf("look up inventory: %w", err)
		}
	}
	rule := s.req.Repeats
	kept := docs[:0]
	for _, d := range docs {
		e := rule.Entry(d)
		if old, ok := known[d.ID]; ok && rule.Repeats(e, old) {
			s.pending.Unchanged++
			s.bytes -= d.Size()
			continue
		}
		kept = append(kept, d)
		s.upserts = append(s.upserts, e)
	}
	clear(docs[len(kept):])
	s.batch.Documents = kept
	return nil
}

// commit stores next with what was delivered since the last commit, then
// records it as the heartbeat.
func (s *slicer) commit(next tributary.State) error {
	c := tributary.Commit{State: next, Upserts: s.upserts, Removals: s.removals, Failures: s.failures}
	if err := s.w.Store.Commit(s.ctx, s.req.Ref.Instance, c); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.mu.Lock()
	s.done.Checkpoint = next.Checkpoint
	s.done.Counts.add(s.pending)
	for _, f := range s.failures {
		if len(s.done.Failures) < maxFailureReports {
			s.done.Failures = append(s.done.Failures, reportOf(f))
		}
	}
	s.mu.Unlock()
	s.cp, s.pending = nil, Counts{}
	s.upserts, s.removals, s.failures = nil, nil, nil
	activity.RecordHeartbeat(s.ctx, s.snapshot())
	return nil
}
