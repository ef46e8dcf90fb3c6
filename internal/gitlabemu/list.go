package gitlabemu

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxCounted is the size past which GitLab leaves X-Total, X-Total-Pages
// and the rel="last" link out, for performance.
const maxCounted = 10000

// pageQuery is a parsed offset pagination request.
type pageQuery struct {
	page, perPage int
}

func parsePage(q url.Values) (pageQuery, error) {
	pq := pageQuery{page: 1, perPage: 20}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return pq, fmt.Errorf("per_page is invalid")
		}
		pq.perPage = min(max(n, 1), 100) // GitLab clamps rather than refusing
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return pq, fmt.Errorf("page is invalid")
		}
		pq.page = max(n, 1)
	}
	return pq, nil
}

// offsetPage cuts all into the page pq asks for and sets GitLab's
// pagination headers: X-Page, X-Per-Page, X-Prev-Page, X-Next-Page, and
// X-Total and X-Total-Pages up to maxCounted items, with a Link header of
// rel="prev", "next", "first" and "last" (no "last" past maxCounted).
func offsetPage[T any](h http.Header, r *http.Request, all []T, pq pageQuery) []T {
	from := (pq.page - 1) * pq.perPage
	var pg []T
	if from < len(all) {
		pg = all[from:min(len(all), from+pq.perPage)]
	}
	more := from+pq.perPage < len(all)
	pages := max(1, (len(all)+pq.perPage-1)/pq.perPage)
	h.Set("X-Page", strconv.Itoa(pq.page))
	h.Set("X-Per-Page", strconv.Itoa(pq.perPage))
	h.Set("X-Prev-Page", "")
	h.Set("X-Next-Page", "")
	if pq.page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(pq.page-1))
	}
	if more {
		h.Set("X-Next-Page", strconv.Itoa(pq.page+1))
	}
	counted := len(all) <= maxCounted
	if counted {
		h.Set("X-Total", strconv.Itoa(len(all)))
		h.Set("X-Total-Pages", strconv.Itoa(pages))
	}
	at := func(n int, rel string) string {
		u := requestURL(r)
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		q.Set("per_page", strconv.Itoa(pq.perPage))
		u.RawQuery = q.Encode()
		return fmt.Sprintf("<%s>; rel=%q", u, rel)
	}
	var links []string
	if pq.page > 1 {
		links = append(links, at(pq.page-1, "prev"))
	}
	if more {
		links = append(links, at(pq.page+1, "next"))
	}
	links = append(links, at(1, "first"))
	if counted {
		links = append(links, at(pages, "last"))
	}
	h.Set("Link", strings.Join(links, ", "))
	if pg == nil {
		pg = []T{}
	}
	return pg
}

// errNoKeyset is the refusal of keyset pagination with another order than
// by id.
var errNoKeyset = errorf("keyset pagination is not yet available for this type of request")

// keysetProjects serves keyset pagination over projects sorted by id: the
// page after id_after (before id_before for sort=desc), with a Link
// rel="next" carrying the last id of the page, and no totals.
func keysetProjects(h http.Header, r *http.Request, all []*Project) ([]*Project, error) {
	q := r.URL.Query()
	if q.Get("order_by") != "id" {
		return nil, errNoKeyset
	}
	pq, err := parsePage(q)
	if err != nil {
		return nil, err
	}
	desc := q.Get("sort") == "desc"
	after, _ := strconv.ParseInt(q.Get("id_after"), 10, 64)
	before, _ := strconv.ParseInt(q.Get("id_before"), 10, 64)
	var pg []*Project
	more := false
	for i := range all {
		p := all[i]
		if desc {
			p = all[len(all)-1-i]
		}
		if (!desc && after > 0 && p.ID <= after) || (desc && before > 0 && p.ID >= before) {
			continue
		}
		if len(pg) == pq.perPage {
			more = true
			break
		}
		pg = append(pg, p)
	}
	if more {
		u := requestURL(r)
		nq := u.Query()
		nq.Del("page")
		if desc {
			nq.Set("id_before", strconv.FormatInt(pg[len(pg)-1].ID, 10))
		} else {
			nq.Set("id_after", strconv.FormatInt(pg[len(pg)-1].ID, 10))
		}
		u.RawQuery = nq.Encode()
		h.Set("Link", fmt.Sprintf("<%s>; rel=\"next\"", u))
	}
	if pg == nil {
		pg = []*Project{}
	}
	return pg, nil
}

// requestURL is the absolute URL the client asked for, its path as the
// client escaped it (project and group paths are sent URL-encoded).
func requestURL(r *http.Request) *url.URL {
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		u = &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	}
	u.Scheme, u.Host = "http", r.Host
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u
}

// parseTime reads an ISO 8601 time parameter; empty is the zero time.
func parseTime(q url.Values, name string) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		if d, err2 := time.Parse(time.DateOnly, v); err2 == nil {
			return d, nil
		}
		return time.Time{}, fmt.Errorf("%s is invalid", name)
	}
	return t, nil
}

// isoTime formats t as GitLab does, in UTC with milliseconds; nil for the
// zero time.
func isoTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format("2006-01-02T15:04:05.000Z")
	return &s
}
