package mediawiki

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the pages with the ids again, 50 titles a request: a
// page is yielded after its namespace's node, a page that no longer
// exists (or is now a redirect, or lies outside the chosen namespaces)
// is a deletion, and an id that is not a page URL of this wiki is a
// failure.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		if err := ctx.Err(); err != nil {
			r.Fail(err)
			return
		}
		si, err := c.site(ctx)
		if err != nil {
			r.Fail(fmt.Errorf("mediawiki: refetch: site info: %w", err))
			return
		}
		r.site = si
		sent := map[int]bool{}
		for chunk := range slices.Chunk(ids, 50) {
			if !r.refetch(chunk, sent) {
				return
			}
		}
	}
}

func (r *run) refetch(ids []string, sent map[int]bool) bool {
	prefix := r.site.Server + strings.SplitN(r.site.ArticlePath, "$1", 2)[0]
	titles := map[string]string{}
	var ask []string
	for _, id := range ids {
		key, ok := strings.CutPrefix(id, prefix)
		t, err := url.PathUnescape(key)
		if !ok || err != nil || t == "" || strings.ContainsAny(t, "?#|") {
			err := tributary.NewError("mediawiki: refetch", tributary.ErrNotFound, errors.New("not a page URL of this wiki"))
			if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
				return false
			}
			continue
		}
		titles[id] = strings.ReplaceAll(t, "_", " ")
		ask = append(ask, titles[id])
	}
	pages, err := r.fetchTitles(ask)
	if err != nil {
		if errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) || r.ctx.Err() != nil {
			return r.Fail(fmt.Errorf("mediawiki: refetch: %w", err))
		}
		for _, id := range ids {
			if _, ok := titles[id]; ok && !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
				return false
			}
		}
		return true
	}
	byURL := map[string]*apiPage{}
	for _, p := range pages {
		byURL[r.site.pageURL(p.Title)] = p
	}
	for _, id := range ids {
		if _, ok := titles[id]; !ok {
			continue
		}
		p := byURL[id]
		if p == nil {
			p = pages[titles[id]]
		}
		if p == nil || p.Missing || p.Redirect || !slices.Contains(r.c.settings.Namespaces, p.NS) {
			if !r.Yield(tributary.DeletionItem(id)) {
				return false
			}
			continue
		}
		if len(p.Revisions) == 0 || p.Revisions[0].Timestamp.IsZero() {
			if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, malformed("refetch", "no last revision")))) {
				return false
			}
			continue
		}
		parent := r.site.nodeID(p.NS)
		if !sent[p.NS] {
			sent[p.NS] = true
			name := r.site.Namespaces[p.NS]
			if name == "" {
				name = "(Main)"
			}
			if !r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: parent, Name: name, Link: parent, Kind: tributary.NodeSpace})) {
				return false
			}
		}
		if !r.emit(id, parent, p) {
			return false
		}
	}
	return true
}
