package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// memo is what a run remembers of a page it yielded, in the host's
// tributary.Values under the page's key: the validators the server gave,
// so that the next run asks whether the page changed, and what the crawl
// needs of an unchanged page (a 304 answer has no body): the id the page
// was yielded under and the links it followed.
type memo struct {
	ETag         string   `json:"e,omitempty"`
	LastModified string   `json:"m,omitempty"`
	ID           string   `json:"id,omitempty"` // when not the key
	Links        []string `json:"l,omitempty"`  // in-site links to follow, as paths
}

// maxMemoBytes bounds a memo. A page with more links than fit gets none,
// and is fetched in full each run: without its links a 304 would end the
// crawl there.
const maxMemoBytes = 64 << 10

// conditions make a request conditional: the validators of the page's
// memo, or else (sitemap mode) If-Modified-Since the window's start.
type conditions struct {
	memo  *memo
	since time.Time
}

// set adds the conditional headers to req.
func (c conditions) set(req *http.Request) {
	switch m := c.memo; {
	case m != nil:
		if m.ETag != "" {
			req.Header.Set("If-None-Match", m.ETag)
		}
		if m.LastModified != "" {
			req.Header.Set("If-Modified-Since", m.LastModified)
		}
	case !c.since.IsZero():
		req.Header.Set("If-Modified-Since", c.since.UTC().Format(http.TimeFormat))
	}
}

// recall returns the memo of the page under k, or nil when the run keeps
// none or the page has none. A memo that cannot be read is no memo: the
// page is fetched in full.
func (r *run) recall(ctx context.Context, k string) *memo {
	if r.values == nil {
		return nil
	}
	got, err := r.values.Get(ctx, []string{k})
	if err != nil {
		r.c.log.Debug("web: page memo not read", "url", k, "error", err)
		return nil
	}
	b, ok := got[k]
	if !ok {
		return nil
	}
	var m memo
	if err := json.Unmarshal(b, &m); err != nil || (m.ETag == "" && m.LastModified == "") {
		return nil
	}
	return &m
}

// remember puts the memo of a page just yielded under id, or forgets the
// page's memo when the page was fetched and not yielded.
func (r *run) remember(e entry, res result, id string, yielded bool) {
	if r.values == nil || e.sitemap {
		return
	}
	m := memo{ETag: res.etag, LastModified: res.lastModRaw}
	if !yielded || (m.ETag == "" && m.LastModified == "") {
		if res.memo != nil {
			r.values.Put(e.key, nil)
		}
		return
	}
	if id != e.key {
		m.ID = id
	}
	if p := res.page; p != nil && !p.nofollow {
		// Each link once, in the order the page has them, so that a 304
		// admits what the full page did, in the same order.
		seen := make(map[string]bool, len(p.links))
		for _, l := range p.links {
			if lp := pathOf(fetchURL(l)); r.site.contains(l) && !seen[lp] {
				seen[lp] = true
				m.Links = append(m.Links, lp)
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil || len(b) > maxMemoBytes {
		b = nil // fetched in full next time
	}
	if b != nil || res.memo != nil {
		r.values.Put(e.key, b)
	}
}

// memoable reports whether a page fetched in full can leave a memo: the
// run keeps values and the server gave validators. Such a page is yielded
// whatever its dates say, so that its memo is made: when it has one, the
// full answer to the conditional request says it changed; when it has
// none (delivered before the host kept values), the runner drops the page
// as a repeat if the sink has it already.
func (r *run) memoable(res result) bool {
	return r.values != nil && (res.etag != "" || res.lastModRaw != "")
}

// unchanged commits a page the server said did not change since the memo
// was made: it claims the id the page was yielded under and follows the
// links it had, and yields nothing, since the sink has the page already.
func (r *run) unchanged(e entry, m *memo) {
	if m.ID != "" && m.ID != e.key {
		r.claim(m.ID)
	}
	if r.c.s.Mode != ModeCrawl || e.depth >= r.c.s.MaxDepth {
		return
	}
	for _, p := range m.Links {
		if u, err := url.Parse(r.site.String() + p); err == nil {
			r.admit(u, e.depth+1, false, time.Time{}, true)
		}
	}
}
