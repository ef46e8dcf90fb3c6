package githubemu

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// listQuery is a parsed listing request: the filters, the sort order and
// the page.
type listQuery struct {
	state    string // open, closed or all
	sort     string // created, updated, ...
	asc      bool
	since    time.Time
	perPage  int
	page     int
	hasSince bool
}

// validationError is GitHub's 422 answer to a bad parameter.
type validationError struct{ field, value string }

func (e *validationError) Error() string {
	return fmt.Sprintf("%q is not a valid value for %s", e.value, e.field)
}

// parseList reads the documented listing parameters. defaultSort and the
// allowed sorts differ per endpoint; defaultAsc tells the direction used
// when none is given for a sort other than "created" (GitHub's pull
// request listing defaults to asc for those, everything else to desc).
func parseList(q url.Values, sorts []string, defaultSort string, ascUnlessCreated bool) (listQuery, error) {
	lq := listQuery{state: cmp.Or(q.Get("state"), "open"), sort: cmp.Or(q.Get("sort"), defaultSort), perPage: 30, page: 1}
	if !slices.Contains([]string{"open", "closed", "all"}, lq.state) {
		return lq, &validationError{"state", lq.state}
	}
	if !slices.Contains(sorts, lq.sort) {
		return lq, &validationError{"sort", lq.sort}
	}
	switch d := q.Get("direction"); d {
	case "asc":
		lq.asc = true
	case "desc":
	case "":
		lq.asc = ascUnlessCreated && q.Get("sort") != "" && lq.sort != "created"
		if lq.sort == "full_name" {
			lq.asc = true
		}
	default:
		return lq, &validationError{"direction", d}
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 {
		lq.perPage = min(n, 100)
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		lq.page = n
	}
	if s := q.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return lq, &validationError{"since", s}
		}
		lq.since, lq.hasSince = t, true
	}
	return lq, nil
}

// page returns the slice of all for the query's page and the number of the
// last page (at least 1).
func page[T any](all []T, lq listQuery) ([]T, int) {
	last := max(1, (len(all)+lq.perPage-1)/lq.perPage)
	from := (lq.page - 1) * lq.perPage
	if from >= len(all) {
		return nil, last
	}
	return all[from:min(len(all), from+lq.perPage)], last
}

// sortItems orders items by the query's sort field and direction, ties
// broken by number in the same direction.
func sortItems(items []*Item, lq listQuery) {
	slices.SortStableFunc(items, func(a, b *Item) int {
		var c int
		switch lq.sort {
		case "updated":
			c = a.UpdatedAt.Compare(b.UpdatedAt)
		case "comments":
			c = cmp.Compare(len(a.Comments), len(b.Comments))
		default: // created, popularity, long-running
			c = a.CreatedAt.Compare(b.CreatedAt)
		}
		if c == 0 {
			c = cmp.Compare(a.Number, b.Number)
		}
		if !lq.asc {
			c = -c
		}
		return c
	})
}

// linkHeader builds the Link header GitHub sends with a paginated listing:
// rel="prev", "next", "last" and "first" where they apply, each the
// request's own URL with another page number.
func linkHeader(r *http.Request, pageNo, last int) string {
	base := requestURL(r)
	at := func(n int) string {
		u := *base
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		u.RawQuery = q.Encode()
		return u.String()
	}
	var parts []string
	if pageNo > 1 {
		parts = append(parts, fmt.Sprintf("<%s>; rel=\"prev\"", at(min(pageNo-1, last))))
	}
	if pageNo < last {
		parts = append(parts, fmt.Sprintf("<%s>; rel=\"next\"", at(pageNo+1)), fmt.Sprintf("<%s>; rel=\"last\"", at(last)))
	}
	if pageNo > 1 {
		parts = append(parts, fmt.Sprintf("<%s>; rel=\"first\"", at(1)))
	}
	return strings.Join(parts, ", ")
}

// requestURL is the absolute URL the client asked for, including any path
// prefix stripped before the request reached the emulator (GitHub
// Enterprise Server serves the API under /api/v3).
func requestURL(r *http.Request) *url.URL {
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		u = &url.URL{Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	}
	u.Scheme, u.Host = "http", r.Host
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u
}
