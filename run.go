package tributary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// Defaults for the Runner fields and options left zero.
const (
	// DefaultBatchDocs is how many entries (documents, deletions and nodes)
	// a batch holds at most.
	DefaultBatchDocs = 100
	// DefaultBatchBytes bounds a batch by the documents' Document.Size.
	DefaultBatchBytes = 8 << 20
	// DefaultBatchAge is how long a batch waits for more entries before it
	// is delivered anyway.
	DefaultBatchAge = 5 * time.Second
	// DefaultLookback is how far a poll window reaches back before the end
	// of the previous one, for sources whose changes show up late.
	DefaultLookback = 5 * time.Minute
	// DefaultMaxFailures is how many Failures a run tolerates before it
	// aborts.
	DefaultMaxFailures = 100
	// DefaultPruneShare is the largest share of the known documents that a
	// prune deletes without PruneOptions.Force.
	DefaultPruneShare = 0.1
)

// maxReportedFailures bounds Result.Failures; Progress.Failures counts all.
const maxReportedFailures = 1000

// ErrTooManyFailures: a run met more Failures than Runner.MaxFailures allows
// and stopped. Nothing after the last stored checkpoint was committed.
var ErrTooManyFailures = errors.New("too many failures")

// Runner drives a connector into a Sink, keeping its state in a Store: it
// chooses the window (a full load on the first run, then polls that overlap
// by the lookback), batches what the connector yields, waits for the sink to
// acknowledge each batch, and only then stores the connector's checkpoint
// and the inventory of what was delivered. After a crash the next Run
// resumes the interrupted window from its last stored checkpoint.
//
// Delivery is at least once. The inventory (id, update time, content hash)
// is committed with each batch, so after a crash only the batch that was
// acknowledged but not yet committed can reach the sink twice. A document
// the inventory already holds unchanged, by the Runner's RepeatRule (its
// content hash by default), is dropped as a repeat, so overlapping windows
// and the full reloads of connectors that cannot poll deliver only what
// changed. In a batch, nodes come before the
// documents that name them, and no id is both upserted and deleted.
//
// When the Store is a ValueStore, the connector finds the run's Values in
// its context (ValuesFrom): its memory of earlier runs, such as the
// validators of the pages a crawler fetched, committed with the batches.
//
// Only Store and Sink are required. A Runner drives one connector instance;
// Run and Prune must not overlap for the same instance.
type Runner struct {
	// Store keeps the state and the document inventory between runs.
	Store Store
	// Sink receives the batches.
	Sink Sink
	// Instance is the key of this connector's state in the Store. Empty
	// means the connector's source name.
	Instance string
	// BatchDocs and BatchBytes bound a batch; zero means DefaultBatchDocs
	// and DefaultBatchBytes.
	BatchDocs  int
	BatchBytes int
	// BatchAge bounds how long a batch waits to fill: once its first entry
	// is this old, the next checkpoint (or, at the latest, one of the next
	// 32 entries) delivers the batch and commits the latest checkpoint. It
	// bounds the work a crash can undo when a source is slow, and how late
	// the sink sees what was fetched. Zero means DefaultBatchAge; a
	// negative value means batches go only when full or at the end of a
	// window.
	BatchAge time.Duration
	// Lookback is how much each poll window overlaps the previous one. Zero
	// means DefaultLookback; a negative value means no overlap.
	Lookback time.Duration
	// MaxFailures is how many Failures a run tolerates: one more aborts it
	// with ErrTooManyFailures. Zero means DefaultMaxFailures; a negative
	// value means never abort.
	MaxFailures int
	// Repeats is how a run recognises a document delivered before, to drop
	// it; the zero value is RepeatsByContent.
	Repeats RepeatRule
	// Retry bounds the re-fetch of documents that failed in earlier runs,
	// which each Run does first when the connector is a Refetcher and the
	// Store a RetryStore.
	Retry RetryPolicy
	// Blobs, when set, receives the raw bytes connectors keep beside their
	// documents (see BlobSink); connectors find it with BlobsFrom.
	// MaxBlobBytes bounds one blob: zero means DefaultMaxBlobBytes.
	Blobs        BlobSink
	MaxBlobBytes int64
	// Progress, when set, is called after each batch and once at the end.
	Progress func(Progress)
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives the runner's logs; nil discards them.
	Logger *slog.Logger
}

// RunOptions changes what one Run does.
type RunOptions struct {
	// Full loads everything, as on the first run, instead of polling from
	// the end of the last good window.
	Full bool
	// Since, when set, starts the poll window there instead of at the end
	// of the last good window less the lookback. It excludes Full.
	Since time.Time
	// Redeliver hands the sink every document, even those the inventory
	// holds unchanged; the connector's Values read as empty, so that it
	// does not skip what it remembers as unchanged either.
	Redeliver bool
}

// Progress describes a run so far.
type Progress struct {
	// Instance is the runner's instance; Window the window being run.
	Instance string
	Window   Window
	// Full reports that the window is a full load.
	Full bool
	// Documents were acknowledged by the sink; Unchanged were dropped
	// because the inventory held them unchanged, by the RepeatRule.
	Documents int
	Unchanged int
	// Deletions and Nodes were acknowledged by the sink.
	Deletions int
	Nodes     int
	// Bytes sums the delivered documents' Document.Size.
	Bytes int64
	// Batches were acknowledged by the sink.
	Batches int
	// Failures were reported by the connector.
	Failures int
	// Retried counts the documents that failed in earlier runs and were
	// fetched again (see Refetcher); what came of them is counted above.
	Retried int
	// Blobs and BlobBytes count the raw bytes stored through Runner.Blobs.
	Blobs     int64
	BlobBytes int64
	// Skipped counts items the connector passed over on purpose and said so
	// with ReportSkip (binary files, channels it cannot read).
	Skipped int64
	// Requests and RateLimitWait are what the connector's HTTP stack
	// reported to the run's Meter.
	Requests      int64
	RateLimitWait time.Duration
	// Elapsed is the time since the run started.
	Elapsed time.Duration
	// Done is set on the last report of a run that completed.
	Done bool
}

// Result is what Run returns.
type Result struct {
	// Progress is the final progress of the run.
	Progress
	// Resumed reports that an interrupted window was resumed first.
	Resumed bool
	// Failed holds the failures met, at most the first 1000 of them;
	// Progress.Failures counts them all.
	Failed []*Failure
}

// Run drives c for one run and returns what it did. It resumes an
// interrupted window first, from its stored checkpoint (unless opts.Full,
// which starts over); then it opens a new window: [zero, now) on the first
// run or with opts.Full, and otherwise [last good end - lookback, now) (or
// [opts.Since, now)). A connector that
// can neither poll nor stream from a checkpoint is loaded in full each time;
// documents it yields unchanged are dropped as repeats. A run that resumed
// an interrupted window opens no new one when the connector can only load
// in full or is a WholePassConnector: that would be a second full pass.
//
// Failures are recorded and the run goes on until there are more than
// MaxFailures. Any other error from the connector, the sink or the store
// stops the run without advancing the stored checkpoint; the returned error
// wraps it, so its kind still matches with errors.Is. The Result is filled
// in either way.
func (r *Runner) Run(ctx context.Context, c Connector, opts RunOptions) (Result, error) {
	if err := r.check(c); err != nil {
		return Result{}, err
	}
	if opts.Full && !opts.Since.IsZero() {
		return Result{}, NewError("run "+r.instance(c), ErrInvalidConfig,
			errors.New("a full run cannot also start at a given time"))
	}
	ru := r.newRun(ctx, c, opts)
	err := ru.run()
	ru.report(err == nil)
	if err != nil {
		return ru.result(), fmt.Errorf("run %s: %w", ru.instance, err)
	}
	return ru.result(), nil
}

func (r *Runner) check(c Connector) error {
	var problem string
	switch {
	case c == nil:
		problem = "no connector"
	case r.Store == nil:
		problem = "runner has no Store"
	case r.Sink == nil:
		problem = "runner has no Sink"
	}
	if problem != "" {
		return NewError("run", ErrInvalidConfig, errors.New(problem))
	}
	return nil
}

func (r *Runner) instance(c Connector) string {
	if r.Instance != "" {
		return r.Instance
	}
	return string(c.Source())
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

func (r *Runner) log() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (r *Runner) batchDocs() int { return positiveOr(r.BatchDocs, DefaultBatchDocs) }
func (r *Runner) lookback() time.Duration {
	switch {
	case r.Lookback < 0:
		return 0
	case r.Lookback == 0:
		return DefaultLookback
	}
	return r.Lookback
}

func (r *Runner) maxFailures() int {
	if r.MaxFailures == 0 {
		return DefaultMaxFailures
	}
	return r.MaxFailures
}

func positiveOr[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// canPoll reports whether c can be asked for a window of time.
func canPoll(c Connector) bool {
	caps := CapabilitiesOf(c)
	return caps.Poll || caps.Checkpoint
}

// nextWindow chooses the window of a new run after st, the state of the
// last completed one. ok is false when there is nothing to poll (the clock
// is behind the last good end).
func (r *Runner) nextWindow(st State, opts RunOptions, poll bool) (w Window, full, ok bool, err error) {
	end := r.now()
	switch {
	case !poll || opts.Full || (st.LastGoodEnd.IsZero() && opts.Since.IsZero()):
		return Window{End: end}, true, true, nil
	case !opts.Since.IsZero():
		w = Window{Start: opts.Since.UTC(), End: end}
		if !w.Start.Before(end) {
			return w, false, false, NewError("run", ErrInvalidConfig,
				fmt.Errorf("since %s is not before now (%s)", w.Start.Format(time.RFC3339), end.Format(time.RFC3339)))
		}
		return w, false, true, nil
	}
	w = Window{Start: st.LastGoodEnd.Add(-r.lookback()).UTC(), End: end}
	return w, false, w.Start.Before(end), nil
}

// runMeter counts what the connector reports and passes it on to the meter
// the caller's context carried, if any.
type runMeter struct {
	parent   Meter
	log      *slog.Logger
	requests atomic.Int64
	wait     atomic.Int64
	skipped  atomic.Int64
}

func (m *runMeter) Request() {
	m.requests.Add(1)
	m.parent.Request()
}

func (m *runMeter) RateLimitWait(d time.Duration) {
	m.wait.Add(int64(d))
	m.parent.RateLimitWait(d)
}

// Skip counts a skip, logs it at debug level (a tree of binaries would drown
// anything louder) and passes it on when the caller's meter counts skips too.
func (m *runMeter) Skip(id, reason string) {
	m.skipped.Add(1)
	if m.log != nil {
		m.log.Debug("skipped", "id", id, "reason", reason)
	}
	if s, ok := m.parent.(Skipper); ok {
		s.Skip(id, reason)
	}
}
