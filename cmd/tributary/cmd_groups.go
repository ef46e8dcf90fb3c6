package main

import (
	"bufio"
	"encoding/json"
	"fmt"

	"github.com/tributary-dev/tributary"
)

// groupLine is one line of tributary groups: a group with its member count.
type groupLine struct {
	tributary.ExternalGroup
	Members int `json:"members"`
}

// cmdGroups prints the source's groups as JSON lines, one group a line with
// its member count, as the listing streams. A listing that stops midway
// exits with an error after the lines already written: only a listing that
// exits 0 is the whole set.
func (a *app) cmdGroups(args []string) int {
	var o options
	fs := a.newFlagSet("groups", "groups SOURCE --config FILE")
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
	n := 0
	for g, err := range tributary.Groups(a.ctx, s.conn) {
		if err != nil {
			_ = out.Flush()
			return a.fail(s.errw, fmt.Errorf("list groups of %s (incomplete after %d groups): %w", s.reg.Source, n, err))
		}
		if err := enc.Encode(groupLine{ExternalGroup: g, Members: len(g.MemberEmails)}); err != nil {
			return a.fail(s.errw, fmt.Errorf("write output: %w", err))
		}
		n++
	}
	if err := out.Flush(); err != nil {
		return a.fail(s.errw, fmt.Errorf("write output: %w", err))
	}
	s.log.Info("listed", "source", s.reg.Source, "groups", n)
	return exitOK
}
