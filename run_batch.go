package tributary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	b        *Batcher
	blobs    *boundedBlobs // nil without Runner.Blobs
	rb       *Batcher      // the re-fetch of failed documents, when there was one
	retried  int

	prog          Progress
	reportedTally Tally
	resumed       bool
	reported      []*Failure
}

func (r *Runner) newRun(ctx context.Context, c Connector, opts RunOptions) *run {
	m := &runMeter{parent: MeterFrom(ctx), log: r.log()}
	ru := &run{
		r: r, ctx: WithMeter(ctx, m), c: c, opts: opts, instance: r.instance(c),
		log: r.log(), meter: m, started: r.now(), poll: canPoll(c),
	}
	ru.b = &Batcher{
		Store: r.Store, Sink: r.Sink, Instance: ru.instance,
		BatchDocs: r.BatchDocs, BatchBytes: r.BatchBytes, BatchAge: r.BatchAge,
		Repeats: r.Repeats, Redeliver: opts.Redeliver, FailureBudget: r.maxFailures(),
		Now: r.Now, Logger: ru.log,
		OnFailure: func(f *Failure) {
			if len(ru.reported) < maxReportedFailures {
				ru.reported = append(ru.reported, f)
			}
		},
		OnCommit: func(_ Commit, t Tally) {
			if t != ru.reportedTally { // a commit that only moves the checkpoint goes unreported
				ru.reportedTally = t
				ru.report(false)
			}
		},
	}
	if v := ru.b.Values(); v != nil {
		ru.ctx = WithValues(ru.ctx, v)
	}
	if r.Blobs != nil {
		ru.blobs = &boundedBlobs{s: r.Blobs, max: positiveOr(r.MaxBlobBytes, DefaultMaxBlobBytes), instanceOp: "blobs of " + ru.instance}
		ru.ctx = WithBlobs(ru.ctx, ru.blobs)
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
	ru.b.State = st
	if err := ru.refetch(st); err != nil {
		return err
	}
	st = ru.b.State
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
		if !ru.poll || wholePass(ru.c) {
			return nil // a new window would be a whole pass again
		}
	}
	w, full, ok, err := ru.r.nextWindow(ru.b.State, ru.opts, ru.poll)
	if err != nil {
		return err
	}
	if !ok {
		ru.log.Warn("clock is behind the last good window end; nothing to poll",
			"instance", ru.instance, "last_good_end", ru.b.State.LastGoodEnd)
		return nil
	}
	ru.b.State = State{Window: w, Full: full, LastGoodEnd: ru.b.State.LastGoodEnd}
	if err := ru.b.Flush(ru.ctx); err != nil {
		return err
	}
	return ru.window(ru.b.State)
}

// window streams the window of st from its checkpoint, and records it as
// the last good window once everything is delivered.
func (ru *run) window(st State) error {
	ru.b.State = st
	ru.prog.Window, ru.prog.Full = st.Window, st.Full
	start, end := st.Window.Start, st.Window.End
	if !ru.poll {
		start, end = time.Time{}, time.Time{}
	}
	ru.log.Info("running window", "instance", ru.instance, "start", start, "end", end,
		"full", st.Full, "resume", !st.Checkpoint.IsZero())
	for it, err := range Stream(ru.ctx, ru.c, start, end, st.Checkpoint) {
		if err := ru.b.Add(ru.ctx, it, err); err != nil {
			return err
		}
	}
	return ru.b.Finish(ru.ctx, st.Window.End)
}

func (ru *run) snapshot(done bool) Progress {
	t := ru.b.Tally()
	if ru.rb != nil {
		t = t.plus(ru.rb.Tally())
	}
	ru.prog.Retried = ru.retried
	ru.prog.Documents, ru.prog.Unchanged, ru.prog.Deletions, ru.prog.Nodes = t.Documents, t.Unchanged, t.Deletions, t.Nodes
	ru.prog.Bytes, ru.prog.Batches, ru.prog.Failures = t.Bytes, t.Batches, t.Failures
	ru.prog.Requests = ru.meter.requests.Load()
	ru.prog.Skipped = ru.meter.skipped.Load()
	if ru.blobs != nil {
		ru.prog.Blobs, ru.prog.BlobBytes = ru.blobs.n.Load(), ru.blobs.bytes.Load()
	}
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
