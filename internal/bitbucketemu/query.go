package bitbucketemu

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// timeFormat is how Bitbucket writes times: microseconds and a +00:00
// offset.
const timeFormat = "2006-01-02T15:04:05.000000+00:00"

func isoTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// fieldValue returns an object's value for a BBQL field: a time.Time, an
// int64 or a string, and whether the object has the field.
type fieldValue func(field string) (any, bool)

// clause is one comparison of a BBQL query.
type clause struct {
	field, op string
	values    []string // one, or several for IN
}

var clausePattern = regexp.MustCompile(`^\s*([a-z_.]+)\s*(>=|<=|!=|=|>|<|~|\s+IN\s+|\s+in\s+)\s*(.+?)\s*$`)

// parseQuery reads the subset of BBQL the connector sends: comparisons
// joined by AND, values quoted strings, numbers or bare ISO 8601 times, and
// field IN ("a", "b").
func parseQuery(q string) ([]clause, error) {
	if strings.TrimSpace(q) == "" {
		return nil, nil
	}
	var out []clause
	for _, part := range regexp.MustCompile(`(?i)\s+AND\s+`).Split(q, -1) {
		m := clausePattern.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("invalid query: %q", part)
		}
		c := clause{field: m[1], op: strings.ToUpper(strings.TrimSpace(m[2]))}
		if c.op == "IN" {
			list := strings.TrimSpace(m[3])
			if !strings.HasPrefix(list, "(") || !strings.HasSuffix(list, ")") {
				return nil, fmt.Errorf("invalid query: %q", part)
			}
			for v := range strings.SplitSeq(list[1:len(list)-1], ",") {
				c.values = append(c.values, unquote(strings.TrimSpace(v)))
			}
		} else {
			c.values = []string{unquote(m[3])}
		}
		out = append(out, c)
	}
	return out, nil
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// matches applies the clauses to an object; an unknown field or a value of
// the wrong type is an error, as Bitbucket answers 400 for it.
func matches(cs []clause, get fieldValue) (bool, error) {
	for _, c := range cs {
		have, ok := get(c.field)
		if !ok {
			return false, fmt.Errorf("invalid field name: %s", c.field)
		}
		var cmpr int
		switch h := have.(type) {
		case time.Time:
			t, err := time.Parse(time.RFC3339Nano, c.values[0])
			if err != nil {
				if t, err = time.Parse(time.DateOnly, c.values[0]); err != nil {
					return false, fmt.Errorf("invalid datetime: %s", c.values[0])
				}
			}
			cmpr = h.Compare(t)
		case int64:
			n, err := strconv.ParseInt(c.values[0], 10, 64)
			if err != nil {
				return false, fmt.Errorf("invalid number: %s", c.values[0])
			}
			cmpr = cmp.Compare(h, n)
		case string:
			if c.op == "IN" {
				if !slices.ContainsFunc(c.values, func(v string) bool { return strings.EqualFold(v, h) }) {
					return false, nil
				}
				continue
			}
			if c.op == "~" {
				if !strings.Contains(strings.ToLower(h), strings.ToLower(c.values[0])) {
					return false, nil
				}
				continue
			}
			cmpr = strings.Compare(h, c.values[0])
		}
		ok = false
		switch c.op {
		case "=":
			ok = cmpr == 0
		case "!=":
			ok = cmpr != 0
		case ">":
			ok = cmpr > 0
		case ">=":
			ok = cmpr >= 0
		case "<":
			ok = cmpr < 0
		case "<=":
			ok = cmpr <= 0
		default:
			return false, fmt.Errorf("invalid operator %s for %s", c.op, c.field)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// filterSort keeps the items the request's q admits and orders them by its
// sort ("field" or "-field"), ties in the given order. sortable lists the
// fields that may be sorted by.
func filterSort[T any](r *http.Request, items []T, get func(T) fieldValue, sortable ...string) ([]T, error) {
	q := r.URL.Query()
	cs, err := parseQuery(q.Get("q"))
	if err != nil {
		return nil, err
	}
	var out []T
	for _, it := range items {
		ok, err := matches(cs, get(it))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	if s := q.Get("sort"); s != "" {
		field, desc := strings.CutPrefix(s, "-")
		if !slices.Contains(sortable, field) {
			return nil, fmt.Errorf("invalid sort field: %s", field)
		}
		slices.SortStableFunc(out, func(a, b T) int {
			va, _ := get(a)(field)
			vb, _ := get(b)(field)
			c := compareValues(va, vb)
			if desc {
				return -c
			}
			return c
		})
	}
	return out, nil
}

func compareValues(a, b any) int {
	switch x := a.(type) {
	case time.Time:
		return x.Compare(b.(time.Time))
	case int64:
		return cmp.Compare(x, b.(int64))
	case string:
		return strings.Compare(x, b.(string))
	}
	return 0
}

// paged cuts items into the page the request asks for and returns
// Bitbucket's paging object: values, pagelen, size, page, and next and
// previous links (absolute, under the API root). pagelen larger than
// maxLen is clamped.
func paged[T, J any](r *http.Request, nextBase string, items []T, defLen, maxLen int, conv func(T) J) (int, any) {
	q := r.URL.Query()
	pagelen, page := defLen, 1
	if v := q.Get("pagelen"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest("Invalid pagelen")
		}
		pagelen = min(n, maxLen)
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return badRequest("Invalid page")
		}
		page = n
	}
	from := (page - 1) * pagelen
	values := []J{}
	for i := from; i >= 0 && i < len(items) && i < from+pagelen; i++ {
		values = append(values, conv(items[i]))
	}
	body := map[string]any{"pagelen": pagelen, "size": len(items), "page": page, "values": values}
	link := func(n int) string {
		u, _ := url.Parse(cmp.Or(nextBase, emulator.BaseURL(r)) + r.URL.EscapedPath())
		nq := r.URL.Query()
		nq.Set("page", strconv.Itoa(n))
		u.RawQuery = nq.Encode()
		return u.String()
	}
	if from+pagelen < len(items) {
		body["next"] = link(page + 1)
	}
	if page > 1 {
		body["previous"] = link(page - 1)
	}
	return http.StatusOK, body
}
