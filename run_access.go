package tributary

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/zeebo/xxh3"
)

// AccessChange is who may now see one document: its id and its access as
// the source reports it. Access is never nil: an access the connector did
// not determine is never delivered as a change.
type AccessChange struct {
	ID     string          `json:"id"`
	Access *ExternalAccess `json:"external_access"`
}

// AccessSink is implemented by a Sink that can change who may see the
// documents it holds without receiving them again, as Runner.SyncAccess
// needs. WriteAccess returning nil acknowledges the changes: only then does
// the runner record them as delivered. Changes for ids the sink does not
// hold are no error. WriteAccess must not keep the slice after it returns.
type AccessSink interface {
	Sink
	WriteAccess(ctx context.Context, changes []AccessChange) error
}

// AccessOptions changes what one SyncAccess does.
type AccessOptions struct {
	// Redeliver hands the sink the access of every known document the
	// listing yields, even where it is unchanged, to repair a sink.
	Redeliver bool
	// Progress, when set, is called after each acknowledged batch and once
	// at the end.
	Progress func(AccessResult)
}

// AccessResult is what SyncAccess did.
type AccessResult struct {
	// Listed is how many slim documents the listing yielded.
	Listed int
	// Changed is how many access changes the sink acknowledged and the
	// store committed; Unchanged how many known documents kept the access
	// last delivered.
	Changed   int
	Unchanged int
	// Unknown is how many listed ids the inventory does not hold: the next
	// run delivers them as documents, with their access.
	Unknown int
	// Undetermined is how many listed documents came without access (the
	// connector did not determine it); they are left as they are.
	Undetermined int
	// Batches were acknowledged by the sink.
	Batches int
	// Failures were reported by the listing; the documents they name keep
	// the access last delivered until a later sync.
	Failures int
	// Requests and RateLimitWait are what the connector reported; Elapsed
	// is the time since the sync started.
	Requests      int64
	RateLimitWait time.Duration
	Elapsed       time.Duration
	// Done is set on the last report of a sync that completed.
	Done bool
}

// SyncAccess brings the sink's knowledge of who may see each document up to
// date without delivering the documents again, as a permission sync does.
// It streams c's slim listing over all time (c must be a SlimConnector that
// reports access, and the Sink an AccessSink) and looks the ids up in the
// inventory a page at a time, so memory does not grow with the source. For
// each document the inventory holds whose access differs from the access
// last delivered (InventoryEntry.AccessHash) it hands the sink an
// AccessChange; once the sink acknowledged a page's changes it commits
// their new access hashes (Commit.Access, which leaves the rest of each
// entry alone), so a crash repeats at most one page's changes and never
// loses one. Ids the inventory does not hold, and slim documents
// without access, are counted and not delivered.
//
// A Failure from the listing is counted and the sync goes on, up to
// MaxFailures; any other error stops it, keeping what was committed. The
// AccessResult is filled in either way. SyncAccess must not overlap Run or
// Prune for the same instance.
func (r *Runner) SyncAccess(ctx context.Context, c Connector, opts AccessOptions) (AccessResult, error) {
	if err := r.check(c); err != nil {
		return AccessResult{}, err
	}
	op := "access " + r.instance(c)
	slim, ok := c.(SlimConnector)
	if !ok {
		return AccessResult{}, NewError(op, ErrNotSupported,
			fmt.Errorf("%s connector is not a SlimConnector: it cannot list access without documents", c.Source()))
	}
	sink, ok := r.Sink.(AccessSink)
	if !ok {
		return AccessResult{}, NewError(op, ErrNotSupported,
			errors.New("sink is not an AccessSink: it has no WriteAccess to change access without documents"))
	}
	m := &runMeter{parent: MeterFrom(ctx), log: r.log()}
	s := &accessSync{r: r, ctx: WithMeter(ctx, m), c: slim, sink: sink, opts: opts,
		instance: r.instance(c), meter: m, started: r.now()}
	err := s.run()
	s.report(err == nil)
	if err != nil {
		return s.res, fmt.Errorf("%s: %w", op, err)
	}
	return s.res, nil
}

type accessSync struct {
	r        *Runner
	ctx      context.Context
	c        SlimConnector
	sink     AccessSink
	opts     AccessOptions
	instance string
	meter    *runMeter
	started  time.Time
	res      AccessResult

	page    []SlimDocument // listed, not yet looked up
	ids     []string       // reused by flush
	changes []AccessChange
	hashes  []AccessEntry  // changes[i]'s hash is hashes[i]
	at      map[string]int // position in changes of each id, reused by flush
}

func (s *accessSync) run() error {
	size := s.r.batchDocs()
	s.page = make([]SlimDocument, 0, size)
	s.at = make(map[string]int, size)
	for sd, err := range s.c.LoadSlim(s.ctx, time.Time{}, time.Time{}) {
		if ctxErr := s.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if f, ok := AsFailure(err); ok {
			if err := s.fail(f); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("listing: %w", err)
		}
		if sd.ID == "" {
			return errors.New("listing yielded an empty id")
		}
		s.res.Listed++
		if sd.ExternalAccess == nil {
			s.res.Undetermined++
			continue
		}
		if s.page = append(s.page, sd); len(s.page) == size {
			if err := s.flush(); err != nil {
				return err
			}
		}
	}
	return s.flush()
}

func (s *accessSync) fail(f *Failure) error {
	if f == nil {
		f = &Failure{Message: "connector reported an empty failure"}
	}
	s.res.Failures++
	s.r.log().Warn("connector failure", "instance", s.instance, "error", f.Error())
	if limit := s.r.maxFailures(); limit >= 0 && s.res.Failures > limit {
		return fmt.Errorf("%w: %d, more than the %d allowed", ErrTooManyFailures, s.res.Failures, limit)
	}
	return nil
}

// flush looks the page up in the inventory, hands the sink the changes it
// holds and, once they are acknowledged, commits their access hashes.
func (s *accessSync) flush() error {
	if len(s.page) == 0 {
		return nil
	}
	s.ids = s.ids[:0]
	for _, sd := range s.page {
		s.ids = append(s.ids, sd.ID)
	}
	known, err := s.r.Store.Lookup(s.ctx, s.instance, s.ids)
	if err != nil {
		return fmt.Errorf("look up inventory: %w", err)
	}
	clear(s.at)
	for _, sd := range s.page {
		e, ok := known[sd.ID]
		if !ok {
			s.res.Unknown++
			continue
		}
		h := sd.ExternalAccess.Hash()
		if i, ok := s.at[sd.ID]; ok { // listed twice in the page: the later one wins
			s.changes[i].Access, s.hashes[i].AccessHash = sd.ExternalAccess, h
			continue
		}
		if h == e.AccessHash && !s.opts.Redeliver {
			s.res.Unchanged++
			continue
		}
		s.at[sd.ID] = len(s.changes)
		s.changes = append(s.changes, AccessChange{ID: sd.ID, Access: sd.ExternalAccess})
		s.hashes = append(s.hashes, AccessEntry{ID: sd.ID, AccessHash: h})
	}
	clear(s.page)
	s.page = s.page[:0]
	if len(s.changes) == 0 {
		return nil
	}
	if err := s.sink.WriteAccess(s.ctx, s.changes); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	st, err := s.r.Store.State(s.ctx, s.instance)
	if err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	if err := s.r.Store.Commit(s.ctx, s.instance, Commit{State: st, Access: s.hashes}); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.res.Changed += len(s.changes)
	s.res.Batches++
	clear(s.changes)
	s.changes, s.hashes = s.changes[:0], s.hashes[:0]
	s.report(false)
	return nil
}

func (s *accessSync) report(done bool) {
	s.res.Requests = s.meter.requests.Load()
	s.res.RateLimitWait = time.Duration(s.meter.wait.Load())
	s.res.Elapsed = s.r.now().Sub(s.started)
	s.res.Done = done
	if s.opts.Progress != nil {
		s.opts.Progress(s.res)
	}
}

// Hash returns a 128-bit fingerprint (32 hex digits) of who may see a
// document, the same for the same access whatever the order of its lists or
// repeats in them, so that two accesses with the same hash are the same. A
// nil access (not determined) hashes to "", an empty one to a fingerprint
// of its own: "nobody beyond the lists" is not "unknown".
func (a *ExternalAccess) Hash() string {
	if a == nil {
		return ""
	}
	var space [512]byte   // enough for most accesses, without an allocation
	var sorted [32]string // likewise for sorting a list
	buf := space[:0]
	for _, list := range [2][]string{a.UserEmails, a.GroupIDs} {
		if !slices.IsSorted(list) {
			list = append(sorted[:0], list...)
			slices.Sort(list)
		}
		for i, v := range list {
			if i > 0 && v == list[i-1] {
				continue // a sorted list's repeats are adjacent
			}
			buf = binary.LittleEndian.AppendUint64(buf, uint64(len(v)))
			buf = append(buf, v...)
		}
		buf = binary.LittleEndian.AppendUint64(buf, math.MaxUint64) // no value is that long
	}
	if a.Public {
		buf = append(buf, 1)
	} else {
		buf = append(buf, 0)
	}
	sum := xxh3.Hash128(buf).Bytes()
	return hex.EncodeToString(sum[:])
}
