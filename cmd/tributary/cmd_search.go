package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tributary-dev/tributary/pgsink"
)

// groupList is a repeatable --group flag.
type groupList []string

func (g *groupList) String() string     { return strings.Join(*g, ",") }
func (g *groupList) Set(v string) error { *g = append(*g, v); return nil }

func (a *app) cmdSearch(args []string) int {
	var o options
	var sink, user string
	var groups groupList
	fs := a.newFlagSet("search", `search "WORDS" --sink URL [--user EMAIL] [--group G]... [--limit N] [--json]`)
	sinkFlag(fs, &sink)
	o.logFlags(fs, a.stderrTTY)
	fs.StringVar(&user, "user", "", "search as the user with this `email`: their documents besides the public ones")
	fs.Var(&groups, "group", "search as a member of the group with this `id` (repeatable)")
	limit := fs.Int("limit", 10, "largest number of documents listed")
	asJSON := fs.Bool("json", false, "print one JSON object per document found")
	pos, err := parse(fs, args, `"WORDS" to search for`)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	if sink == "" {
		return a.fail(a.stderr, fmt.Errorf("%w: search needs --sink URL, the database documents were written to", errUsage))
	}
	s, err := openPGSink(a.ctx, sink)
	if err != nil {
		return a.fail(a.stderr, err)
	}
	defer s.Close()
	hits, err := s.Search(a.ctx, pgsink.Query{Words: pos[0], User: user, Groups: groups, Limit: *limit})
	if err != nil {
		return a.fail(a.stderr, err)
	}
	enc := json.NewEncoder(a.stdout)
	for _, h := range hits {
		if *asJSON {
			if err := enc.Encode(h); err != nil {
				return a.fail(a.stderr, err)
			}
			continue
		}
		title := h.Title
		if title == "" {
			title = h.SemanticID
		}
		link := h.Link
		if link == "" {
			link = h.ID
		}
		fmt.Fprintf(a.stdout, "%.3f  %s\n       %s\n       %s\n", h.Rank, title, link, strings.Join(strings.Fields(h.Snippet), " "))
	}
	return exitOK
}
