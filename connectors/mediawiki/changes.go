package mediawiki

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// rcContinue is the shape of an rccontinue token: the change's time and
// its rcid, so that changes sharing a second are neither lost nor read
// twice.
var rcContinue = regexp.MustCompile(`^[0-9]{14}\|[0-9]{1,12}$`)

// apiChange is an entry of list=recentchanges.
type apiChange struct {
	Type      string    `json:"type"`
	NS        int       `json:"ns"`
	Title     string    `json:"title"`
	RevID     int       `json:"revid"`
	Timestamp time.Time `json:"timestamp"`
	LogType   string    `json:"logtype"`
	LogParams any       `json:"logparams"`
}

// target is the new title of a move entry.
func (c *apiChange) target() string {
	if m, ok := c.LogParams.(map[string]any); ok {
		if t, ok := m["target_title"].(string); ok {
			return t
		}
	}
	return ""
}

// changes reads the recent changes of [start, end) oldest first from the
// rccontinue token rc: each page of changes is followed by the current
// state of the pages it names. A page is yielded at the change that made
// its current revision, so a page edited twice in the window comes once;
// a deletion, or a move away from a title that left no page there, is a
// deletion of that title's id.
func (r *run) changes(rc string) {
	namespaces := make([]string, len(r.c.settings.Namespaces))
	for i, n := range r.c.settings.Namespaces {
		namespaces[i] = strconv.Itoa(n)
	}
	parents := map[int]string{}
	for _, n := range r.c.settings.Namespaces {
		parents[n] = r.site.nodeID(n)
	}
	for {
		q := url.Values{"action": {"query"}, "list": {"recentchanges"}, "rcdir": {"newer"},
			"rcstart": {r.start.Truncate(time.Second).Format(time.RFC3339)}, "rcnamespace": {strings.Join(namespaces, "|")},
			"rctype": {"edit|new|log"}, "rcprop": {"title|ids|timestamp|user|loginfo"}, "rclimit": {strconv.Itoa(r.c.settings.PageSize)}}
		if !r.end.IsZero() {
			q.Set("rcend", r.end.Format(time.RFC3339))
		}
		if rc != "" {
			q.Set("rccontinue", rc)
		}
		var a struct {
			envelope
			Query struct {
				RecentChanges []apiChange `json:"recentchanges"`
			} `json:"query"`
		}
		if err := r.c.client.query(r.ctx, q, &a); err != nil {
			r.Fail(fmt.Errorf("mediawiki: recent changes: %w", err))
			return
		}
		var titles []string
		for _, ch := range a.Query.RecentChanges {
			if ch.Title != "" {
				titles = append(titles, ch.Title)
			}
			if t := ch.target(); t != "" {
				titles = append(titles, t)
			}
		}
		pages, err := r.fetchTitles(titles)
		if err != nil {
			r.Fail(fmt.Errorf("mediawiki: pages of recent changes: %w", err))
			return
		}
		for _, ch := range a.Query.RecentChanges {
			if !r.change(&ch, pages, parents) {
				return
			}
		}
		next := a.Continue["rccontinue"]
		if next == "" {
			return
		}
		if next == rc || !rcContinue.MatchString(next) {
			r.Fail(malformed("recent changes", "a bad or repeated rccontinue"))
			return
		}
		rc = next
		if !r.Checkpoint(position{Phase: phaseChanges, RC: rc}) {
			return
		}
	}
}

// change yields what one recent change implies.
func (r *run) change(ch *apiChange, pages map[string]*apiPage, parents map[int]string) bool {
	at := ch.Timestamp.UTC()
	if !r.inWindow(at) {
		return true
	}
	gone := func(title string) bool {
		p := pages[title]
		return p == nil || p.Missing || p.Redirect
	}
	current := func(title string) bool {
		p := pages[title]
		if gone(title) || len(p.Revisions) == 0 || p.Revisions[0].RevID != ch.RevID {
			return true
		}
		parent, ok := parents[p.NS]
		if !ok || !r.inWindow(p.Revisions[0].Timestamp.UTC()) {
			return true
		}
		return r.emit(r.site.pageURL(p.Title), parent, p)
	}
	switch {
	case ch.Type == "edit" || ch.Type == "new":
		return current(ch.Title)
	case ch.LogType == "delete":
		if gone(ch.Title) {
			return r.Yield(tributary.DeletionItem(r.site.pageURL(ch.Title)))
		}
	case ch.LogType == "move":
		if gone(ch.Title) && !r.Yield(tributary.DeletionItem(r.site.pageURL(ch.Title))) {
			return false
		}
		if t := ch.target(); t != "" {
			return current(t)
		}
	}
	return true
}

// fetchTitles reads the current state of up to 50 titles, following prop
// continuation to the end of the batch, keyed by title.
func (r *run) fetchTitles(titles []string) (map[string]*apiPage, error) {
	out := map[string]*apiPage{}
	if len(titles) == 0 {
		return out, nil
	}
	rvprop := "ids|timestamp|user"
	if !r.slim && r.c.settings.Content == ContentWikitext {
		rvprop += "|content"
	}
	byID := map[int]*apiPage{}
	var cont map[string]string
	for range 64 {
		q := url.Values{"action": {"query"}, "titles": {strings.Join(dedupe(titles), "|")}, "prop": {"revisions|categories|info"},
			"rvprop": {rvprop}, "rvslots": {"main"}, "cllimit": {"max"}}
		for k, v := range cont {
			q.Set(k, v)
		}
		var a queryAnswer
		if err := r.c.client.query(r.ctx, q, &a); err != nil {
			return nil, err
		}
		for i := range a.Query.Pages {
			p := &a.Query.Pages[i]
			if p.Missing || p.PageID == 0 {
				out[p.Title] = p
				continue
			}
			merge(byID, p)
		}
		if a.BatchComplete || len(a.Continue) == 0 {
			for _, p := range byID {
				out[p.Title] = p
			}
			return out, nil
		}
		cont = a.Continue
	}
	return nil, malformed("read pages", "prop continuation that never ends")
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
