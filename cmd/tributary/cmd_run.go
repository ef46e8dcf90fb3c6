package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/blobdir"
)

// errPruneRefused is the runner's refusal to prune.
var errPruneRefused = tributary.ErrPruneRefused

// runFlags are the flags of `run` and `prune` that shape the runner.
type runFlags struct {
	out         string
	blobs       string
	sink        string
	force       bool
	maxShare    float64
	lookback    time.Duration
	maxFailures int
	batch       int
	batchAge    time.Duration
	repeats     tributary.RepeatRule
}

func (f *runFlags) outFlag(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "out", "", "append JSON lines to `file` instead of writing them to stdout (a device or named pipe is written as it is)")
	fs.StringVar(&f.blobs, "blobs", "", "keep the raw bytes connectors offer (images inside documents, original files) as files in `folder`, "+
		"named in each section's blob_id; default: the database with --sink, FILE.blobs beside --out FILE, none on stdout")
	sinkFlag(fs, &f.sink)
}

func (f *runFlags) pruneFlags(fs *flag.FlagSet) {
	fs.BoolVar(&f.force, "force", false, "prune however large a share of the known documents is missing")
	fs.Float64Var(&f.maxShare, "max-share", tributary.DefaultPruneShare, "largest `share` (0-1) of the known documents a prune deletes without --force")
}

func (a *app) cmdRun(args []string) int {
	var o options
	var rf runFlags
	var opts tributary.RunOptions
	fs := a.newFlagSet("run", "run SOURCE --config FILE [--full | --since T] [--out FILE | --sink URL] [--prune] [--state DB] [--instance NAME]")
	o.configFlags(fs)
	o.stateFlags(fs)
	o.logFlags(fs, a.stderrTTY)
	rf.outFlag(fs)
	rf.pruneFlags(fs)
	full := fs.Bool("full", false, "load everything instead of polling for changes since the last run")
	since := fs.String("since", "", "start the window at `T`: an RFC 3339 time, a date (2006-01-02), or a duration ago (72h)")
	fs.BoolVar(&opts.Redeliver, "redeliver", false, "write every document, even those delivered before unchanged")
	prune := fs.Bool("prune", false, "after a run without failures, emit deletions for documents the source no longer has")
	fs.DurationVar(&rf.lookback, "lookback", tributary.DefaultLookback, "how much each poll window overlaps the previous one")
	fs.IntVar(&rf.maxFailures, "max-failures", tributary.DefaultMaxFailures, "stop after this many failed documents (-1: never)")
	fs.IntVar(&rf.batch, "batch", tributary.DefaultBatchDocs, "entries per batch; the checkpoint is stored after each batch the output took")
	fs.DurationVar(&rf.batchAge, "batch-age", tributary.DefaultBatchAge, "write a batch that has waited this long for more entries, and store the checkpoint (0: only full batches)")
	fs.TextVar(&rf.repeats, "repeats", tributary.RepeatsByContent, "how to tell a document written before: by `rule` \"content\" (any change writes it again) or \"update-time\" (only a new update time does; cheaper)")
	pos, err := parse(fs, args, argSource)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	opts.Full = *full
	if opts.Since, err = parseSince(*since, time.Now()); err != nil {
		return a.fail(a.stderr, err)
	}
	if opts.Full && !opts.Since.IsZero() {
		return a.fail(a.stderr, fmt.Errorf("%w: --full and --since exclude each other", errUsage))
	}
	s, err := a.open(pos[0], &o)
	if err != nil {
		return a.fail(s.errw, err)
	}
	r, done, err := a.runner(s, &o, &rf)
	if err != nil {
		return a.fail(s.errw, err)
	}
	defer done()
	res, err := r.Run(a.ctx, s.conn, opts)
	s.disp.done()
	a.report(s, res, err)
	if err != nil {
		return a.fail(s.errw, err)
	}
	if *prune {
		if res.Failures > 0 {
			s.log.Warn("not pruning: the run had failures")
		} else if code := a.prune(s, r, &rf); code != exitOK {
			return code
		}
	}
	if res.Failures > 0 {
		return exitPartial
	}
	return exitOK
}

// runner makes the runner for a session: the state database, the JSON-lines
// output and the progress display. done closes what it opened.
func (a *app) runner(s *session, o *options, rf *runFlags) (*tributary.Runner, func(), error) {
	instance, err := o.instanceName(string(s.reg.Source))
	if err != nil {
		return nil, nil, err
	}
	db, err := a.openState(o)
	if err != nil {
		return nil, nil, err
	}
	st, unlock, err := db.hold(a.ctx, instance)
	if err != nil {
		_ = db.Close()
		return nil, nil, err
	}
	out, durable, closeOut, err := a.output(rf.out)
	if err != nil {
		unlock()
		_ = db.Close()
		return nil, nil, err
	}
	sink, closeSink, err := a.sink(rf, out, durable)
	if err != nil {
		closeOut()
		unlock()
		_ = db.Close()
		return nil, nil, err
	}
	blobs, err := blobFolder(rf, durable, sink)
	if err != nil {
		closeSink()
		closeOut()
		unlock()
		_ = db.Close()
		return nil, nil, err
	}
	if rf.out == "" && rf.sink == "" && a.stdoutTTY {
		s.disp.noProgress()
	}
	lookback := rf.lookback
	if lookback == 0 {
		lookback = -1 // the runner reads zero as its default
	}
	batchAge := rf.batchAge
	if batchAge == 0 {
		batchAge = -1 // the runner reads zero as its default
	}
	r := &tributary.Runner{
		Store:       st,
		Sink:        sink,
		Instance:    instance,
		BatchDocs:   rf.batch,
		BatchAge:    batchAge,
		Lookback:    lookback,
		MaxFailures: rf.maxFailures,
		Repeats:     rf.repeats,
		Logger:      s.log,
		Blobs:       blobs,
		Progress: func(p tributary.Progress) {
			s.disp.status(progressLine(p), p.Done)
		},
	}
	s.log.Debug("state", "instance", instance, "database", db.describe())
	return r, func() { closeSink(); closeOut(); unlock(); _ = db.Close() }, nil
}

// blobFolder returns where a run keeps blobs: --blobs, else the sink
// when it keeps blobs itself (the PostgreSQL sink's tributary_blobs),
// else FILE.blobs beside a regular --out FILE, else nowhere (nil).
func blobFolder(rf *runFlags, regularOut bool, sink tributary.Sink) (tributary.BlobSink, error) {
	path := rf.blobs
	if bs, ok := sink.(tributary.BlobSink); ok && path == "" {
		return bs, nil
	}
	if path == "" && rf.out != "" && regularOut {
		path = rf.out + ".blobs"
	}
	if path == "" {
		return nil, nil
	}
	d, err := blobdir.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: --blobs: %w", errUsage, err)
	}
	return d, nil
}

// output opens where documents go: stdout, or a file appended to. A
// regular file that a killed run left ending in a partial line is cut back
// to its last complete line first: that line belonged to a batch never
// acknowledged, which the next run delivers again. Anything else (a
// device such as /dev/null or /dev/stdout, a named pipe) is opened for
// writing only, as it is. durable reports a regular file, which the sink
// syncs after each batch.
func (a *app) output(path string) (w io.Writer, durable bool, done func(), err error) {
	if path == "" {
		return a.stdout, false, func() {}, nil
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, false, nil, fmt.Errorf("open output: %w", err)
		}
		return f, false, func() { _ = f.Close() }, nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, nil, fmt.Errorf("open output: %w", err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		return f, false, func() { _ = f.Close() }, nil // replaced since the Stat above
	}
	if err == nil {
		err = cutPartialLine(f)
	}
	if err != nil {
		_ = f.Close()
		return nil, false, nil, fmt.Errorf("open output %s: %w", path, err)
	}
	return f, true, func() { _ = f.Close() }, nil
}

// cutPartialLine truncates f after its last newline and leaves the offset
// at its end.
func cutPartialLine(f *os.File) error {
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	buf := make([]byte, 64<<10)
	for pos := end; pos > 0; {
		n := min(pos, int64(len(buf)))
		pos -= n
		if _, err := f.ReadAt(buf[:n], pos); err != nil {
			return err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			end = pos + int64(i) + 1
			break
		}
		if pos == 0 {
			end = 0
		}
	}
	if err := f.Truncate(end); err != nil {
		return err
	}
	_, err = f.Seek(end, io.SeekStart)
	return err
}

// report tells what a run did: one summary on stderr, whatever the log
// level. In text it is a plain line, with the full record in the log at
// debug level; with --log-format json it is that record, so that stderr
// stays JSON. Each failure was logged when it was met (see
// tributary.Batcher).
func (a *app) report(s *session, res tributary.Result, err error) {
	if res.Instance == "" {
		return // the run was refused before it started
	}
	msg := "run finished"
	if err != nil {
		msg = "run stopped"
	}
	attrs := []any{
		"instance", res.Instance,
		"window_start", res.Window.Start, "window_end", res.Window.End, "full", res.Full,
		"resumed", res.Resumed, "documents", res.Documents, "unchanged", res.Unchanged,
		"deletions", res.Deletions, "nodes", res.Nodes, "skipped", res.Skipped, "bytes", res.Bytes,
		"failures", res.Failures, "retried", res.Retried, "blobs", res.Blobs, "blob_bytes", res.BlobBytes, "requests", res.Requests,
		"rate_limit_wait", res.RateLimitWait, "elapsed", res.Elapsed.Round(time.Millisecond),
	}
	if s.jsonLogs {
		slog.New(slog.NewJSONHandler(s.errw, nil)).Info(msg, attrs...)
		return
	}
	fmt.Fprintln(s.errw, summaryLine(res, err))
	s.log.Debug(msg, attrs...)
}

// summaryLine is the one line that ends every run.
func summaryLine(res tributary.Result, err error) string {
	msg := "run finished"
	if err != nil {
		msg = "run stopped"
	}
	line := fmt.Sprintf("tributary: %s: documents %d, unchanged %d, nodes %d, deletions %d, skipped %d, failures %d, requests %d, rate-limit wait %s, time %s",
		msg, res.Documents, res.Unchanged, res.Nodes, res.Deletions, res.Skipped, res.Failures, res.Requests,
		res.RateLimitWait.Round(time.Millisecond), res.Elapsed.Round(time.Millisecond))
	if res.Blobs > 0 {
		line += fmt.Sprintf(", %d blobs kept", res.Blobs)
	}
	if res.Retried > 0 {
		line += fmt.Sprintf(", %d failed before and fetched again", res.Retried)
	}
	if res.Failures > 0 {
		line += " (tributary state lists the failures)"
	}
	return line
}

// parseSince reads --since: an RFC 3339 time, a date, or a duration before
// now.
func parseSince(v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t.UTC(), nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: --since %q: want an RFC 3339 time, a date such as 2024-01-31, or a duration such as 72h", errUsage, v)
}

func (a *app) cmdPrune(args []string) int {
	var o options
	var rf runFlags
	fs := a.newFlagSet("prune", "prune SOURCE --config FILE [--force] [--max-share S] [--out FILE]")
	o.configFlags(fs)
	o.stateFlags(fs)
	o.logFlags(fs, a.stderrTTY)
	rf.outFlag(fs)
	rf.pruneFlags(fs)
	pos, err := parse(fs, args, argSource)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	s, err := a.open(pos[0], &o)
	if err != nil {
		return a.fail(s.errw, err)
	}
	r, done, err := a.runner(s, &o, &rf)
	if err != nil {
		return a.fail(s.errw, err)
	}
	defer done()
	return a.prune(s, r, &rf)
}

// prune runs the runner's prune and reports it; deletions go to the
// runner's sink.
func (a *app) prune(s *session, r *tributary.Runner, rf *runFlags) int {
	res, err := r.Prune(a.ctx, s.conn, tributary.PruneOptions{MaxShare: rf.maxShare, Force: rf.force})
	a.reportPrune(s, r.Instance, res, err)
	if err != nil {
		if refusal, ok := errors.AsType[*tributary.PruneRefusal](err); ok && refusal.Err == nil {
			fmt.Fprintf(s.errw, "tributary: nothing deleted: %s; rerun with --force to delete them anyway\n", refusal.Reason)
			return exitRefused
		}
		return a.fail(s.errw, err)
	}
	return exitOK
}

// reportPrune tells what a prune did, as report does for a run.
func (a *app) reportPrune(s *session, instance string, res tributary.PruneResult, err error) {
	msg := "prune finished"
	if err != nil {
		msg = "prune stopped"
	}
	attrs := []any{"instance", instance, "listed", res.Listed, "known", res.Known, "missing", res.Missing,
		"deleted", res.Deleted, "requests", res.Requests, "rate_limit_wait", res.RateLimitWait}
	if s.jsonLogs {
		slog.New(slog.NewJSONHandler(s.errw, nil)).Info(msg, attrs...)
		return
	}
	fmt.Fprintf(s.errw, "tributary: %s: listed %d, known %d, missing %d, deleted %d, requests %d, rate-limit wait %s\n",
		msg, res.Listed, res.Known, res.Missing, res.Deleted, res.Requests, res.RateLimitWait.Round(time.Millisecond))
	s.log.Debug(msg, attrs...)
}
