package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "zendesk"
	checkpointVersion = 1
)

// Phases of a stream.
const (
	phaseArticles = "articles"
	phaseTickets  = "tickets"
	phaseDone     = "done"
)

// position is a checkpoint: the phase, the locale whose articles are being
// read, and the cursor of the next page (page[after] of the article
// listing, or the incremental export's cursor). Its size does not depend
// on the account's.
type position struct {
	Phase  string `json:"phase"`
	Locale string `json:"locale,omitempty"`
	After  string `json:"after,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := !slices.Contains([]string{phaseArticles, phaseTickets, phaseDone}, pos.Phase) ||
		(pos.Phase == phaseArticles) != (pos.Locale != "") || len(pos.After) > 1024 || len(pos.Locale) > 16
	if bad {
		return position{}, tributary.NewError("zendesk: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (phase %q)", pos.Phase))
	}
	return pos, nil
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	began      time.Time // when the run started
	*tributary.Yielder

	people    *people
	nodes     map[string]bool // node ids yielded in this run (bounded by sections)
	ticketsAt bool            // the tickets node was yielded
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim, began: time.Now(),
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion),
		people:  newPeople(c.client), nodes: map[string]bool{}}
}

// inWindow reports whether t lies in [start, end); a zero end is open.
func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// all runs the phases from pos.
func (r *run) all(pos position) {
	s := &r.c.settings
	if pos.Phase == "" {
		pos = r.firstOf(0)
	}
	if pos.Phase == phaseArticles {
		i := slices.Index(s.Locales, pos.Locale)
		if i < 0 || !s.IncludeArticles {
			r.Fail(tributary.NewError("zendesk: resume", tributary.ErrInvalidCheckpoint,
				fmt.Errorf("the checkpoint reads locale %q, which the settings no longer name", pos.Locale)))
			return
		}
		for ; i < len(s.Locales); i++ {
			if !r.articles(s.Locales[i], pos.After) {
				return
			}
			pos = r.firstOf(i + 1)
			if !r.Checkpoint(pos) {
				return
			}
		}
	}
	if pos.Phase == phaseTickets {
		if !s.IncludeTickets {
			r.Fail(tributary.NewError("zendesk: resume", tributary.ErrInvalidCheckpoint,
				errString("the checkpoint reads tickets, which the settings no longer include")))
			return
		}
		if !r.tickets(pos.After) {
			return
		}
		r.Checkpoint(position{Phase: phaseDone})
	}
}

// firstOf is the position before the articles of the i-th locale, or the
// tickets, or the end.
func (r *run) firstOf(i int) position {
	s := &r.c.settings
	switch {
	case s.IncludeArticles && i < len(s.Locales):
		return position{Phase: phaseArticles, Locale: s.Locales[i]}
	case s.IncludeTickets:
		return position{Phase: phaseTickets}
	}
	return position{Phase: phaseDone}
}

// listAll reads every page of a cursor listing, decoding each item into
// a T for each; an item that does not decode makes the listing malformed.
func listAll[T any](r *run, op, path string, q url.Values, name string, each func(T) bool) bool {
	after := ""
	for {
		raws, next, ok := r.listPage(op, path, q, name, after)
		if !ok {
			return false
		}
		for _, raw := range raws {
			var it T
			if err := json.Unmarshal(raw, &it); err != nil {
				return r.Fail(malformed(op, fmt.Sprintf("an item of %s does not decode: %v", name, err)))
			}
			if !each(it) {
				return false
			}
		}
		if next == "" {
			return true
		}
		after = next
	}
}

// listPage reads one page of a cursor listing after the cursor, and names
// the cursor of the next page ("" after the last). A page that says more
// follow without a new cursor, or whose next link leaves the API, is
// malformed.
func (r *run) listPage(op, path string, q url.Values, name, after string) ([]json.RawMessage, string, bool) {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("page[size]", strconv.Itoa(r.c.settings.PageSize))
	if after != "" {
		q2.Set("page[after]", after)
	}
	var raw map[string]json.RawMessage
	if err := r.c.client.get(r.ctx, r.c.client.url(path, q2), &raw); err != nil {
		return nil, "", r.Fail(fmt.Errorf("zendesk: %s: %w", op, err))
	}
	items, next, err := r.c.client.cursorPage(op, raw, name, after)
	if err != nil {
		return nil, "", r.Fail(err)
	}
	return items, next, true
}
