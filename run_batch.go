package tributary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// run is the state of one Runner.Run.
type run struct {
	r        *Runner
	ctx      context.Context
	c        Connector
	opts     RunOptions
	instance string
	log      *slog.Logger
	meter    *runMeter
	started  time.Time
	poll     bool

	maxDocs, maxBytes, maxFailures int
	maxAge                         time.Duration

	state   State      // as last committed
	cp      Checkpoint // latest checkpoint not yet committed
	batch   Batch      // not yet delivered
	sizes   []int      // Document.Size of batch.Documents, index for index
	bytes   int        // their sum
	since   time.Time  // when the batch's first entry arrived; zero when empty
	entries int        // entries since the batch's first, for reading the clock

	// Delivered or met, not yet committed.
	upserts  []InventoryEntry
	removals []string
	failures []*Failure

	prog     Progress
	resumed  bool
	reported []*Failure

	ids []string // reused by dedupe
}

func (r *Runner) newRun(ctx context.Context, c Connector, opts RunOptions) *run {
	m := &runMeter{parent: MeterFrom(ctx)}
	ru := &run{
		r: r, ctx: WithMeter(ctx, m), c: c, opts: opts, instance: r.instance(c),
		log: r.log(), meter: m, started: r.now(), poll: canPoll(c),
		maxDocs: r.batchDocs(), maxBytes: r.batchBytes(), maxFailures: r.maxFailures(),
		maxAge: r.batchAge(),
	}
	ru.prog.Instance = ru.instance
	return ru
}

// run resumes an interrupted window, then runs a new one.
func (ru *run) run() error {
	st, err := ru.r.Store.State(ru.ctx, ru.instance)
	if err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	ru.state = st
	if st.InProgress() && !ru.opts.Full {
		ru.resumed = true
		ru.log.Info("resuming interrupted window", "instance", ru.instance,
			"start", st.Window.Start, "end", st.Window.End, "full", st.Full)
		if err := ru.window(st); err != nil {
			if errors.Is(err, ErrInvalidCheckpoint) {
				return fmt.Errorf("resume: run in full to start over: %w", err)
			}
			return err
		}
		if !ru.poll {
			return nil
		}
	}
	w, full, ok, err := ru.r.nextWindow(ru.state, ru.opts, ru.poll)
	if err != nil {
		return err
	}
	if !ok {
		ru.log.Warn("clock is behind the last good window end; nothing to poll",
			"instance", ru.instance, "last_good_end", ru.state.LastGoodEnd)
		return nil
	}
	next := State{Window: w, Full: full, LastGoodEnd: ru.state.LastGoodEnd}
	if err := ru.commit(next); err != nil {
		return err
	}
	return ru.window(next)
}

// window streams the window of st from its checkpoint, and records it as
// the last good window once everything is delivered.
func (ru *run) window(st State) error {
	ru.state, ru.cp = st, nil
	ru.prog.Window, ru.prog.Full = st.Window, st.Full
	start, end := st.Window.Start, st.Window.End
	if !ru.poll {
		start, end = time.Time{}, time.Time{}
	}
	ru.log.Info("running window", "instance", ru.instance, "start", start, "end", end,
		"full", st.Full, "resume", !st.Checkpoint.IsZero())
	for it, err := range Stream(ru.ctx, ru.c, start, end, st.Checkpoint) {
		if err := ru.item(it, err); err != nil {
			return err
		}
	}
	return ru.flush(State{LastGoodEnd: st.Window.End})
}

// item takes one element of the stream. It returns an error when the run
// must stop.
func (ru *run) item(it Item, err error) error {
	if ctxErr := ru.ctx.Err(); ctxErr != nil {
		return ctxErr // even when the connector ignores its context
	}
	if err != nil {
		if f, ok := AsFailure(err); ok {
			return ru.fail(f)
		}
		return err
	}
	switch it.Kind() {
	case ItemDocument:
		return ru.addDocument(it.Document)
	case ItemDeletion:
		return ru.addDeletion(it.Deletion)
	case ItemNode:
		ru.batch.Nodes = append(ru.batch.Nodes, it.Node)
		return ru.flushIfFull()
	case ItemFailure:
		return ru.fail(it.Failure)
	case ItemCheckpoint:
		return ru.checkpoint(it.Checkpoint)
	}
	return fmt.Errorf("%s connector yielded an item with %s", ru.c.Source(), itemProblem(it))
}

func itemProblem(it Item) string {
	if it.Document == nil && it.Deletion == "" && it.Node == nil && it.Failure == nil && it.Checkpoint.IsZero() {
		return "nothing set"
	}
	return "more than one field set"
}

func (ru *run) addDocument(d *Document) error {
	if d.ID == "" {
		return ru.fail(&Failure{Message: fmt.Sprintf("document %q has no id", d.SemanticID)})
	}
	if len(ru.batch.Deletions) > 0 {
		// The document is back: it supersedes its pending deletion.
		ru.batch.Deletions = slices.DeleteFunc(ru.batch.Deletions, func(id string) bool { return id == d.ID })
	}
	size := d.Size()
	ru.batch.Documents = append(ru.batch.Documents, d)
	ru.sizes = append(ru.sizes, size)
	ru.bytes += size
	return ru.flushIfFull()
}

func (ru *run) addDeletion(id string) error {
	// A deletion supersedes the document's pending versions, so a batch
	// never both upserts and deletes one id.
	ru.keepDocuments(func(d *Document) bool { return d.ID != id })
	ru.batch.Deletions = append(ru.batch.Deletions, id)
	return ru.flushIfFull()
}

func (ru *run) fail(f *Failure) error {
	if f == nil { // a typed nil *Failure passed as an error
		f = &Failure{Message: fmt.Sprintf("%s connector reported an empty failure", ru.c.Source())}
	}
	ru.prog.Failures++
	ru.failures = append(ru.failures, f)
	if len(ru.reported) < maxReportedFailures {
		ru.reported = append(ru.reported, f)
	}
	ru.log.Warn("connector failure", "instance", ru.instance, "error", f.Error())
	if ru.maxFailures >= 0 && ru.prog.Failures > ru.maxFailures {
		return fmt.Errorf("%w: %d, more than the %d allowed", ErrTooManyFailures, ru.prog.Failures, ru.maxFailures)
	}
	return ru.flushIfFull()
}

// checkpoint notes cp; it is committed with the next batch, at once when
// everything before it is already delivered, or with the batch waiting
// when that batch has waited its time.
func (ru *run) checkpoint(cp Checkpoint) error {
	ru.cp = cp
	if ru.batch.Len()+len(ru.failures) == 0 {
		return ru.commit(ru.current())
	}
	if ru.aged() {
		return ru.flush(ru.current())
	}
	return nil
}

// current is the state to commit once everything yielded so far is
// delivered: the window in progress at its latest checkpoint.
func (ru *run) current() State {
	st := ru.state
	if !ru.cp.IsZero() {
		st.Checkpoint = ru.cp
	}
	return st
}

// ageEvery is how many entries pass between two readings of the clock for
// the batch's age besides those at checkpoints: a reading costs about as
// much as the rest of the runner's work on a document.
const ageEvery = 32

// flushIfFull delivers and commits the batch when it is full or has waited
// its time.
func (ru *run) flushIfFull() error {
	if ru.batch.Len()+len(ru.failures) < ru.maxDocs && ru.bytes < ru.maxBytes {
		if ru.since.IsZero() {
			ru.since = ru.r.clock() // the batch's first entry
			return nil
		}
		if ru.entries++; ru.entries%ageEvery != 0 || !ru.aged() {
			return nil
		}
	}
	return ru.flush(ru.current())
}

// aged reports whether the batch has waited BatchAge since its first entry.
func (ru *run) aged() bool {
	return ru.maxAge >= 0 && !ru.since.IsZero() && ru.r.clock().Sub(ru.since) >= ru.maxAge
}

// flush delivers the batch, then commits next with the inventory changes.
func (ru *run) flush(next State) error {
	if err := ru.deliver(); err != nil {
		return err
	}
	if err := ru.commit(next); err != nil {
		return err
	}
	ru.report(false)
	return nil
}

// deliver drops repeats from the batch, hands the rest to the sink and
// waits for its acknowledgement.
func (ru *run) deliver() error {
	if err := ru.dedupe(); err != nil {
		return err
	}
	b := &ru.batch
	if b.Len() > 0 {
		if err := ru.r.Sink.Write(ru.ctx, *b); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
		ru.prog.Batches++
		ru.prog.Documents += len(b.Documents)
		ru.prog.Deletions += len(b.Deletions)
		ru.prog.Nodes += len(b.Nodes)
		ru.prog.Bytes += int64(ru.bytes)
	}
	ru.removals = append(ru.removals, b.Deletions...)
	clear(b.Nodes)
	clear(b.Documents)
	b.Nodes, b.Documents, b.Deletions, ru.sizes = b.Nodes[:0], b.Documents[:0], b.Deletions[:0], ru.sizes[:0]
	ru.bytes, ru.since, ru.entries = 0, time.Time{}, 0
	return nil
}

// dedupe drops the documents that repeat their inventory entry by the
// runner's RepeatRule, and records inventory upserts for the others.
func (ru *run) dedupe() error {
	docs := ru.batch.Documents
	if len(docs) == 0 {
		return nil
	}
	var known map[string]InventoryEntry
	if !ru.opts.Redeliver {
		ru.ids = ru.ids[:0]
		for _, d := range docs {
			ru.ids = append(ru.ids, d.ID)
		}
		var err error
		if known, err = ru.r.Store.Lookup(ru.ctx, ru.instance, ru.ids); err != nil {
			return fmt.Errorf("look up inventory: %w", err)
		}
	}
	rule := ru.r.Repeats
	ru.keepDocuments(func(d *Document) bool {
		e := rule.Entry(d)
		if old, ok := known[d.ID]; ok && rule.Repeats(e, old) {
			ru.prog.Unchanged++
			return false
		}
		ru.upserts = append(ru.upserts, e)
		return true
	})
	return nil
}

// keepDocuments keeps, in order, the batch's documents for which keep
// reports true, and takes the others' sizes off the batch's bytes.
func (ru *run) keepDocuments(keep func(*Document) bool) {
	docs, sizes := ru.batch.Documents, ru.sizes
	n := 0
	for i, d := range docs {
		if !keep(d) {
			ru.bytes -= sizes[i]
			continue
		}
		docs[n], sizes[n] = d, sizes[i]
		n++
	}
	clear(docs[n:])
	ru.batch.Documents, ru.sizes = docs[:n], sizes[:n]
}

// commit stores next with the inventory changes and failures gathered since
// the previous commit, in one atomic Commit.
func (ru *run) commit(next State) error {
	c := Commit{State: next, Upserts: ru.upserts, Removals: ru.removals, Failures: ru.failures}
	if err := ru.r.Store.Commit(ru.ctx, ru.instance, c); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	ru.state, ru.cp = next, nil
	clear(ru.upserts)
	clear(ru.removals)
	clear(ru.failures)
	ru.upserts, ru.removals, ru.failures = ru.upserts[:0], ru.removals[:0], ru.failures[:0]
	return nil
}

func (ru *run) snapshot(done bool) Progress {
	ru.prog.Requests = ru.meter.requests.Load()
	ru.prog.RateLimitWait = time.Duration(ru.meter.wait.Load())
	ru.prog.Elapsed = ru.r.now().Sub(ru.started)
	ru.prog.Done = done
	return ru.prog
}

func (ru *run) report(done bool) {
	p := ru.snapshot(done)
	if ru.r.Progress != nil {
		ru.r.Progress(p)
	}
}

// result is the run's Result, as of the last report.
func (ru *run) result() Result {
	return Result{Progress: ru.prog, Resumed: ru.resumed, Failed: ru.reported}
}
