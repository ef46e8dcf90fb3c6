package tributary

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// markPage is how many listed ids a prune marks in the store at once.
const markPage = 1000

// ErrPruneRefused: a prune deleted nothing because deleting would not be
// safe. The error is a *PruneRefusal that says why.
var ErrPruneRefused = errors.New("prune refused")

// PruneRefusal says why a prune deleted nothing. It matches ErrPruneRefused
// and, when the listing failed, the listing's error.
type PruneRefusal struct {
	// Reason says why, in words.
	Reason string
	// Known is the number of documents in the inventory; Missing, when the
	// listing completed, how many of them the source no longer lists.
	Known, Missing int
	// MaxShare is the share of Known that may be deleted without Force.
	MaxShare float64
	// Err is the listing's error or failure, if that is the reason.
	Err error
}

// Error returns "prune refused: reason: cause".
func (e *PruneRefusal) Error() string {
	msg := ErrPruneRefused.Error() + ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrPruneRefused and the cause.
func (e *PruneRefusal) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrPruneRefused}
	}
	return []error{ErrPruneRefused, e.Err}
}

// PruneOptions changes what one Prune does.
type PruneOptions struct {
	// MaxShare is the largest share (0 to 1) of the known documents that
	// may be deleted; more is refused. Zero or less means
	// DefaultPruneShare, and 1 or more allows any share.
	MaxShare float64
	// Force deletes whatever is missing, however large a share it is. It
	// never overrides a listing that failed.
	Force bool
}

// PruneResult is what Prune did.
type PruneResult struct {
	// Listed is how many ids the slim listing yielded.
	Listed int
	// Known is how many documents the inventory held before pruning.
	Known int
	// Missing is how many of those the listing did not yield; Deleted how
	// many deletions the sink acknowledged and the store committed.
	Missing int
	Deleted int
	// Failure is the listing failure that made the prune refuse, if any.
	Failure *Failure
	// Requests and RateLimitWait are what the connector reported.
	Requests      int64
	RateLimitWait time.Duration
}

// Prune deletes from the sink (and the inventory) the documents the source
// no longer has. It lists every id with LoadSlim over all time and marks
// them in the store page by page, so memory does not grow with the source.
// Only if the listing finished with neither an error nor a Failure does it
// read back the unmarked documents; if they are more than opts.MaxShare of
// the inventory it refuses unless opts.Force. Otherwise it hands them to
// the sink as deletions, batch by batch, and commits each batch's removal
// once the sink acknowledged it. Refusals are *PruneRefusal errors
// matching ErrPruneRefused.
func (r *Runner) Prune(ctx context.Context, c Connector, opts PruneOptions) (PruneResult, error) {
	if err := r.check(c); err != nil {
		return PruneResult{}, err
	}
	m := &runMeter{parent: MeterFrom(ctx)}
	p := &pruner{r: r, ctx: WithMeter(ctx, m), c: c, opts: opts, instance: r.instance(c), meter: m, started: r.now()}
	if p.opts.MaxShare <= 0 {
		p.opts.MaxShare = DefaultPruneShare
	}
	err := p.run()
	p.res.Requests = m.requests.Load()
	p.res.RateLimitWait = time.Duration(m.wait.Load())
	if err != nil {
		return p.res, fmt.Errorf("prune %s: %w", p.instance, err)
	}
	return p.res, nil
}

type pruner struct {
	r        *Runner
	ctx      context.Context
	c        Connector
	opts     PruneOptions
	instance string
	meter    *runMeter
	started  time.Time
	batches  int
	res      PruneResult
}

func (p *pruner) run() error {
	known, err := p.r.Store.Count(p.ctx, p.instance)
	if err != nil {
		return fmt.Errorf("count inventory: %w", err)
	}
	p.res.Known = known
	// A random generation cannot collide with a previous listing's marks,
	// whatever the clocks of the processes that made them.
	gen := rand.Int64N(math.MaxInt64-1) + 1
	if err := p.list(gen); err != nil {
		return err
	}
	if p.res.Missing, err = p.countMissing(gen); err != nil {
		return err
	}
	limit := int(math.Floor(p.opts.MaxShare * float64(known)))
	if p.res.Missing > limit && !p.opts.Force {
		return p.refuse(fmt.Sprintf("%d of %d known documents (%.1f%%) are missing, more than the %.1f%% allowed without force",
			p.res.Missing, known, 100*float64(p.res.Missing)/float64(known), 100*p.opts.MaxShare), nil)
	}
	return p.delete(gen)
}

func (p *pruner) refuse(reason string, err error) error {
	return &PruneRefusal{Reason: reason, Known: p.res.Known, Missing: p.res.Missing, MaxShare: p.opts.MaxShare, Err: err}
}

// list marks every id the slim listing yields. It refuses at the first
// error or Failure: a partial listing must never lead to deletions.
func (p *pruner) list(gen int64) error {
	page := make([]string, 0, markPage)
	mark := func() error {
		if len(page) == 0 {
			return nil
		}
		if err := p.r.Store.Mark(p.ctx, p.instance, gen, page); err != nil {
			return fmt.Errorf("mark listed ids: %w", err)
		}
		page = page[:0]
		return nil
	}
	for sd, err := range LoadSlim(p.ctx, p.c, time.Time{}, time.Time{}) {
		if ctxErr := p.ctx.Err(); ctxErr != nil {
			return p.refuse("the listing was cancelled", ctxErr)
		}
		if f, ok := AsFailure(err); ok {
			p.res.Failure = f
			return p.refuse("the listing reported a failure", f)
		}
		if err != nil {
			return p.refuse("the listing failed", err)
		}
		if sd.ID == "" {
			return p.refuse("the listing yielded an empty id", nil)
		}
		p.res.Listed++
		if page = append(page, sd.ID); len(page) == markPage {
			if err := mark(); err != nil {
				return err
			}
		}
	}
	return mark()
}

func (p *pruner) countMissing(gen int64) (int, error) {
	n := 0
	for _, err := range p.r.Store.Unmarked(p.ctx, p.instance, gen) {
		if err != nil {
			return n, fmt.Errorf("read unmarked entries: %w", err)
		}
		n++
	}
	return n, nil
}

// delete sends the unmarked entries to the sink as deletions, a batch at a
// time, and commits their removal after each acknowledgement.
func (p *pruner) delete(gen int64) error {
	last := ""
	for {
		ids, err := p.unmarkedPage(gen)
		if err != nil || len(ids) == 0 {
			return err
		}
		if last != "" && ids[0] <= last {
			return fmt.Errorf("store still lists %q after its removal", ids[0])
		}
		if p.res.Deleted+len(ids) > p.res.Missing {
			return fmt.Errorf("more entries to delete than the %d counted: the inventory changed during the prune", p.res.Missing)
		}
		if err := p.r.Sink.Write(p.ctx, Batch{Deletions: ids}); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
		st, err := p.r.Store.State(p.ctx, p.instance)
		if err != nil {
			return fmt.Errorf("read state: %w", err)
		}
		if err := p.r.Store.Commit(p.ctx, p.instance, Commit{State: st, Removals: ids}); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		p.res.Deleted += len(ids)
		p.batches++
		last = ids[len(ids)-1]
		p.report()
	}
}

// unmarkedPage returns the first batch of unmarked ids, in id order.
func (p *pruner) unmarkedPage(gen int64) ([]string, error) {
	var ids []string
	for e, err := range p.r.Store.Unmarked(p.ctx, p.instance, gen) {
		if err != nil {
			return nil, fmt.Errorf("read unmarked entries: %w", err)
		}
		if ids = append(ids, e.ID); len(ids) == p.r.batchDocs() {
			break
		}
	}
	return ids, nil
}

func (p *pruner) report() {
	if p.r.Progress == nil {
		return
	}
	p.r.Progress(Progress{
		Instance: p.instance, Deletions: p.res.Deleted, Batches: p.batches,
		Requests: p.meter.requests.Load(), RateLimitWait: time.Duration(p.meter.wait.Load()),
		Elapsed: p.r.now().Sub(p.started),
	})
}
