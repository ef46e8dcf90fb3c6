package main

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/tributary-dev/tributary"
)

// cmdAccess runs a permission sync: the connector lists every document with
// who may see it, and the documents a run delivered whose access changed
// since go to the output as "access" lines (or into the --sink database),
// without their contents.
func (a *app) cmdAccess(args []string) int {
	var o options
	var rf runFlags
	var opts tributary.AccessOptions
	fs := a.newFlagSet("access", "access SOURCE --config FILE [--out FILE | --sink URL] [--redeliver] [--state DB] [--instance NAME]")
	o.configFlags(fs)
	o.stateFlags(fs)
	o.logFlags(fs, a.stderrTTY)
	rf.outFlag(fs)
	fs.BoolVar(&opts.Redeliver, "redeliver", false, "write the access of every document delivered before, even where it is unchanged")
	fs.IntVar(&rf.maxFailures, "max-failures", tributary.DefaultMaxFailures, "stop after this many documents whose access could not be read (-1: never)")
	fs.IntVar(&rf.batch, "batch", tributary.DefaultBatchDocs, "ids looked up, and changes written, at a time; the changes are stored as delivered after each batch the output took")
	pos, err := parse(fs, args, argSource)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	o.wantPermissions = true
	s, err := a.open(pos[0], &o)
	if err != nil {
		return a.fail(s.errw, err)
	}
	r, done, err := a.runner(s, &o, &rf)
	if err != nil {
		return a.fail(s.errw, err)
	}
	defer done()
	opts.Progress = func(p tributary.AccessResult) { s.disp.status(accessProgressLine(p), p.Done) }
	res, err := r.SyncAccess(a.ctx, s.conn, opts)
	s.disp.done()
	a.reportAccess(s, r.Instance, res, err)
	if err != nil {
		return a.fail(s.errw, err)
	}
	if res.Listed > 0 && res.Undetermined == res.Listed {
		s.log.Warn("the connector reported no access for any document: the source may not expose who may see them, or the credentials may not read it",
			"source", s.reg.Source)
	}
	if res.Failures > 0 {
		return exitPartial
	}
	return exitOK
}

// accessProgressLine formats a permission sync's progress for the terminal.
func accessProgressLine(p tributary.AccessResult) string {
	return fmt.Sprintf("%d listed  %d changed  %d unknown  %s", p.Listed, p.Changed, p.Unknown, p.Elapsed.Round(time.Second))
}

// reportAccess tells what a permission sync did, as report does for a run:
// one summary on stderr whatever the log level.
func (a *app) reportAccess(s *session, instance string, res tributary.AccessResult, err error) {
	msg := "access finished"
	if err != nil {
		msg = "access stopped"
	}
	attrs := []any{"instance", instance, "listed", res.Listed, "changed", res.Changed, "unchanged", res.Unchanged,
		"unknown", res.Unknown, "undetermined", res.Undetermined, "failures", res.Failures,
		"requests", res.Requests, "rate_limit_wait", res.RateLimitWait, "elapsed", res.Elapsed.Round(time.Millisecond)}
	if s.jsonLogs {
		slog.New(slog.NewJSONHandler(s.errw, nil)).Info(msg, attrs...)
		return
	}
	fmt.Fprintf(s.errw, "tributary: %s: listed %d, changed %d, unchanged %d, unknown %d, undetermined %d, failures %d, requests %d, rate-limit wait %s, time %s\n",
		msg, res.Listed, res.Changed, res.Unchanged, res.Unknown, res.Undetermined, res.Failures, res.Requests,
		res.RateLimitWait.Round(time.Millisecond), res.Elapsed.Round(time.Millisecond))
	s.log.Debug(msg, attrs...)
}
