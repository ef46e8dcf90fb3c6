package tributary

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Batcher is the delivery half of a Runner, for hosts that drive a
// connector's stream themselves, as the Temporal activity in
// contrib/temporal does. It takes the items of one window's stream in
// order and gathers them into batches. For each batch it drops the
// documents the Store's inventory holds unchanged, by its RepeatRule, and
// hands the rest to the Sink. Once the sink has acknowledged the batch, it
// commits to the Store, in one Commit, the inventory changes, the failures
// met and State at the latest checkpoint. Nodes come before the documents
// that name them, and no id is both upserted and deleted in a batch.
//
// Set the fields, call Add for each element of the stream, then Finish
// when the stream ends, or Flush to stop at the latest checkpoint. A
// Batcher is not safe for concurrent use.
type Batcher struct {
	// Store keeps the state and the inventory; Sink receives the batches.
	Store Store
	Sink  Sink
	// Instance is the key of the connector's state in the Store.
	Instance string
	// State is the window's state as last stored. A commit stores it with
	// the latest checkpoint, and State then holds what was stored.
	State State
	// BatchDocs, BatchBytes and BatchAge bound a batch as they do a
	// Runner's, with the same defaults.
	BatchDocs  int
	BatchBytes int
	BatchAge   time.Duration
	// Repeats is how a document delivered before is recognised; Redeliver
	// hands the sink every document all the same (and blinds Values).
	Repeats   RepeatRule
	Redeliver bool
	// FailureBudget is how many Failures Add accepts: one more makes it
	// return ErrTooManyFailures. Zero accepts none; negative means no
	// limit. (Runner passes its MaxFailures, DefaultMaxFailures if zero.)
	FailureBudget int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives a warning for each Failure; nil discards them.
	Logger *slog.Logger
	// OnFailure, when set, is called with each Failure met.
	OnFailure func(*Failure)
	// OnCommit, when set, is called after each commit with what was
	// committed and the tally so far. It must not keep c's slices.
	OnCommit func(c Commit, t Tally)
	// Resolve puts the id of every document and deletion taken, delivered
	// or dropped as a repeat, in Commit.Resolved: it is set for a stream
	// that fetches failed documents again (see RetryStore).
	Resolve bool

	tally Tally
	cp    Checkpoint // latest checkpoint not yet committed
	batch Batch      // not yet delivered
	sizes []int      // Document.Size of batch.Documents, index for index
	bytes int        // their sum
	since time.Time  // when the batch's first entry arrived; zero when empty
	count int        // entries since the batch's first, for reading the clock

	vals *pendingValues // made by Values

	// Delivered or met, not yet committed.
	upserts  []InventoryEntry
	removals []string
	failures []*Failure
	resolved []string

	ids []string // reused by dedupe
}

// Tally counts what a Batcher delivered and met.
type Tally struct {
	// Documents, Deletions and Nodes were acknowledged by the sink;
	// Unchanged documents were dropped as repeats.
	Documents int
	Unchanged int
	Deletions int
	Nodes     int
	// Batches were acknowledged by the sink; Bytes sums the delivered
	// documents' Document.Size.
	Batches int
	Bytes   int64
	// Failures were met, whether committed yet or not.
	Failures int
}

// clone returns a Batcher with b's settings and nothing taken yet.
func (b *Batcher) clone() *Batcher {
	return &Batcher{
		Store: b.Store, Sink: b.Sink, Instance: b.Instance, State: b.State,
		BatchDocs: b.BatchDocs, BatchBytes: b.BatchBytes, BatchAge: b.BatchAge,
		Repeats: b.Repeats, Redeliver: b.Redeliver, FailureBudget: b.FailureBudget,
		Now: b.Now, Logger: b.Logger, OnFailure: b.OnFailure, OnCommit: b.OnCommit, Resolve: b.Resolve,
	}
}

func (t Tally) plus(u Tally) Tally {
	return Tally{
		Documents: t.Documents + u.Documents, Unchanged: t.Unchanged + u.Unchanged,
		Deletions: t.Deletions + u.Deletions, Nodes: t.Nodes + u.Nodes,
		Batches: t.Batches + u.Batches, Bytes: t.Bytes + u.Bytes, Failures: t.Failures + u.Failures,
	}
}

// Tally returns what b delivered and met so far.
func (b *Batcher) Tally() Tally { return b.tally }

// Values returns the connector Values of the stream b takes, for the host
// to hand the connector with WithValues: reads go to the Store, and puts
// are stored with b's next commit. It is nil when the Store is not a
// ValueStore. Under Redeliver reads find nothing, so that a connector
// fetches everything again.
func (b *Batcher) Values() Values {
	if b.vals == nil {
		vs, ok := b.Store.(ValueStore)
		if !ok {
			return nil
		}
		b.vals = &pendingValues{store: vs, instance: b.Instance, blind: b.Redeliver}
	}
	return b.vals
}

// ageEvery is how many entries pass between two readings of the clock for
// the batch's age besides those at checkpoints: a reading costs about as
// much as the rest of the runner's work on a document.
const ageEvery = 32

// Add takes one element of the stream. It returns an error when the stream
// must stop: ctx's error once ctx is done (even if the connector goes on),
// a terminal error from the stream, one from the sink or the store, or
// ErrTooManyFailures. A Failure, as an item or as the error, is recorded
// and counted instead.
func (b *Batcher) Add(ctx context.Context, it Item, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if err != nil {
		if f, ok := AsFailure(err); ok {
			return b.fail(ctx, f)
		}
		return err
	}
	switch it.Kind() {
	case ItemDocument:
		return b.addDocument(ctx, it.Document)
	case ItemDeletion:
		return b.addDeletion(ctx, it.Deletion)
	case ItemNode:
		b.batch.Nodes = append(b.batch.Nodes, it.Node)
		return b.flushIfFull(ctx)
	case ItemFailure:
		return b.fail(ctx, it.Failure)
	case ItemCheckpoint:
		return b.checkpoint(ctx, it.Checkpoint)
	}
	return fmt.Errorf("connector yielded an item with %s", itemProblem(it))
}

func itemProblem(it Item) string {
	if it.Document == nil && it.Deletion == "" && it.Node == nil && it.Failure == nil && it.Checkpoint.IsZero() {
		return "nothing set"
	}
	return "more than one field set"
}

func (b *Batcher) addDocument(ctx context.Context, d *Document) error {
	if d.ID == "" {
		return b.fail(ctx, &Failure{Message: fmt.Sprintf("document %q has no id", d.SemanticID)})
	}
	if len(b.batch.Deletions) > 0 {
		// The document is back: it supersedes its pending deletion.
		b.batch.Deletions = slices.DeleteFunc(b.batch.Deletions, func(id string) bool { return id == d.ID })
	}
	if b.Resolve {
		b.resolved = append(b.resolved, d.ID)
	}
	size := d.Size()
	b.batch.Documents = append(b.batch.Documents, d)
	b.sizes = append(b.sizes, size)
	b.bytes += size
	return b.flushIfFull(ctx)
}

func (b *Batcher) addDeletion(ctx context.Context, id string) error {
	// A deletion supersedes the document's pending versions, so a batch
	// never both upserts and deletes one id.
	b.keepDocuments(func(d *Document) bool { return d.ID != id })
	if b.Resolve {
		b.resolved = append(b.resolved, id)
	}
	b.batch.Deletions = append(b.batch.Deletions, id)
	return b.flushIfFull(ctx)
}

func (b *Batcher) fail(ctx context.Context, f *Failure) error {
	if f == nil { // a typed nil *Failure passed as an error
		f = &Failure{Message: "connector reported an empty failure"}
	}
	b.tally.Failures++
	b.failures = append(b.failures, f)
	if b.OnFailure != nil {
		b.OnFailure(f)
	}
	if b.Logger != nil {
		b.Logger.Warn("connector failure", "instance", b.Instance, "error", f.Error())
	}
	if b.FailureBudget >= 0 && b.tally.Failures > b.FailureBudget {
		return fmt.Errorf("%w: %d, more than the %d allowed; to go on, raise the limit (Runner.MaxFailures, "+
			"the command's --max-failures, -1 for none) or leave what fails out through the source's settings "+
			"(its exclude patterns or filters)", ErrTooManyFailures, b.tally.Failures, b.FailureBudget)
	}
	return b.flushIfFull(ctx)
}

// checkpoint notes cp; it is committed with the next batch, at once when
// everything before it is already delivered, or with the batch waiting
// when that batch has waited its time.
func (b *Batcher) checkpoint(ctx context.Context, cp Checkpoint) error {
	b.cp = cp
	if b.batch.Len()+len(b.failures) == 0 || b.aged() {
		return b.Flush(ctx)
	}
	return nil
}

// current is the state to commit once everything yielded so far is
// delivered: the window in progress at its latest checkpoint.
func (b *Batcher) current() State {
	st := b.State
	if !b.cp.IsZero() {
		st.Checkpoint = b.cp
	}
	return st
}

// flushIfFull delivers and commits the batch when it is full or has waited
// its time.
func (b *Batcher) flushIfFull(ctx context.Context) error {
	if b.batch.Len()+len(b.failures) < positiveOr(b.BatchDocs, DefaultBatchDocs) &&
		b.bytes < positiveOr(b.BatchBytes, DefaultBatchBytes) {
		if b.since.IsZero() {
			b.since = b.clock() // the batch's first entry
			return nil
		}
		if b.count++; b.count%ageEvery != 0 || !b.aged() {
			return nil
		}
	}
	return b.Flush(ctx)
}

// aged reports whether the batch has waited BatchAge since its first entry.
func (b *Batcher) aged() bool {
	age := b.BatchAge
	if age == 0 {
		age = DefaultBatchAge
	}
	return age > 0 && !b.since.IsZero() && b.clock().Sub(b.since) >= age
}

// clock is the current time, with its monotonic reading when Now is nil.
func (b *Batcher) clock() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// Flush delivers the batch and waits for the sink's acknowledgement, then
// commits State at the latest checkpoint with the inventory changes and
// failures gathered since the previous commit. With nothing to deliver it
// still commits.
func (b *Batcher) Flush(ctx context.Context) error {
	return b.flush(ctx, b.current())
}

// Finish delivers what is left, then commits the window as complete: no
// window in progress and end as the last good window end.
func (b *Batcher) Finish(ctx context.Context, end time.Time) error {
	return b.flush(ctx, State{LastGoodEnd: end})
}

func (b *Batcher) flush(ctx context.Context, next State) error {
	if err := b.deliver(ctx); err != nil {
		return err
	}
	return b.commit(ctx, next)
}

// deliver drops repeats from the batch, hands the rest to the sink and
// waits for its acknowledgement.
func (b *Batcher) deliver(ctx context.Context) error {
	if err := b.dedupe(ctx); err != nil {
		return err
	}
	bt := &b.batch
	if bt.Len() > 0 {
		if err := b.Sink.Write(ctx, *bt); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
		b.tally.Batches++
		b.tally.Documents += len(bt.Documents)
		b.tally.Deletions += len(bt.Deletions)
		b.tally.Nodes += len(bt.Nodes)
		b.tally.Bytes += int64(b.bytes)
	}
	b.removals = append(b.removals, bt.Deletions...)
	clear(bt.Nodes)
	clear(bt.Documents)
	bt.Nodes, bt.Documents, bt.Deletions, b.sizes = bt.Nodes[:0], bt.Documents[:0], bt.Deletions[:0], b.sizes[:0]
	b.bytes, b.since, b.count = 0, time.Time{}, 0
	return nil
}

// dedupe drops the documents that repeat their inventory entry by the
// RepeatRule, and records inventory upserts for the others.
func (b *Batcher) dedupe(ctx context.Context) error {
	docs := b.batch.Documents
	if len(docs) == 0 {
		return nil
	}
	var known map[string]InventoryEntry
	if !b.Redeliver {
		b.ids = b.ids[:0]
		for _, d := range docs {
			b.ids = append(b.ids, d.ID)
		}
		var err error
		if known, err = b.Store.Lookup(ctx, b.Instance, b.ids); err != nil {
			return fmt.Errorf("look up inventory: %w", err)
		}
	}
	rule := b.Repeats
	b.keepDocuments(func(d *Document) bool {
		e := rule.Entry(d)
		if old, ok := known[d.ID]; ok && rule.Repeats(e, old) {
			b.tally.Unchanged++
			return false
		}
		b.upserts = append(b.upserts, e)
		return true
	})
	return nil
}

// keepDocuments keeps, in order, the batch's documents for which keep
// reports true, and takes the others' sizes off the batch's bytes.
func (b *Batcher) keepDocuments(keep func(*Document) bool) {
	docs, sizes := b.batch.Documents, b.sizes
	n := 0
	for i, d := range docs {
		if !keep(d) {
			b.bytes -= sizes[i]
			continue
		}
		docs[n], sizes[n] = d, sizes[i]
		n++
	}
	clear(docs[n:])
	b.batch.Documents, b.sizes = docs[:n], sizes[:n]
}

// commit stores next with the inventory changes and failures gathered since
// the previous commit, in one atomic Commit.
func (b *Batcher) commit(ctx context.Context, next State) error {
	c := Commit{State: next, Upserts: b.upserts, Removals: b.removals, Failures: b.failures,
		Resolved: b.resolved, Values: b.vals.take(), Time: b.clock()}
	if err := b.Store.Commit(ctx, b.Instance, c); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	b.State, b.cp = next, nil
	if b.OnCommit != nil {
		b.OnCommit(c, b.tally)
	}
	clear(b.upserts)
	clear(b.removals)
	clear(b.failures)
	b.upserts, b.removals, b.failures, b.resolved = b.upserts[:0], b.removals[:0], b.failures[:0], b.resolved[:0]
	return nil
}
