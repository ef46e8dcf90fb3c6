package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tributary-dev/tributary"
)

func (a *app) cmdSlim(args []string) int {
	var o options
	fs := a.newFlagSet("slim", "slim SOURCE --config FILE")
	o.configFlags(fs)
	o.stateFlags(fs)
	o.logFlags(fs, a.stderrTTY)
	pos, err := parse(fs, args, argSource)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	s, err := a.open(pos[0], &o)
	if err != nil {
		return a.fail(s.errw, err)
	}
	out := bufio.NewWriter(a.stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	ids, failures := 0, 0
	for sd, err := range tributary.LoadSlim(a.ctx, s.conn, time.Time{}, time.Time{}) {
		if f, ok := tributary.AsFailure(err); ok {
			failures++
			s.log.Warn("failure", "document", f.DocumentID, "entity", f.EntityID, "error", f.Error())
			continue
		}
		if err != nil {
			_ = out.Flush()
			return a.fail(s.errw, fmt.Errorf("list %s: %w", s.reg.Source, err))
		}
		if err := enc.Encode(sd); err != nil {
			return a.fail(s.errw, fmt.Errorf("write output: %w", err))
		}
		ids++
	}
	if err := out.Flush(); err != nil {
		return a.fail(s.errw, fmt.Errorf("write output: %w", err))
	}
	s.log.Info("listed", "source", s.reg.Source, "ids", ids, "failures", failures)
	if failures > 0 {
		return exitPartial
	}
	return exitOK
}
