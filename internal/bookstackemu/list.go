package bookstackemu

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// row is one listed item, field by field, with times as time.Time so that
// filters and sorts compare them as BookStack's database does.
type row map[string]any

// out returns the row as its JSON shape, times in BookStack's format.
func out(r row) map[string]any {
	m := make(map[string]any, len(r))
	for k, v := range r {
		if t, ok := v.(time.Time); ok {
			v = Stamp(t)
		}
		m[k] = v
	}
	return m
}

// filter is one filter[FIELD:OP]=VALUE parameter.
type filter struct{ field, op, value string }

func filtersOf(r *http.Request) []filter {
	var fs []filter
	for k, vs := range r.URL.Query() {
		inner, ok := strings.CutPrefix(k, "filter[")
		if !ok || !strings.HasSuffix(inner, "]") || len(vs) == 0 {
			continue
		}
		field, op, _ := strings.Cut(strings.TrimSuffix(inner, "]"), ":")
		fs = append(fs, filter{field: field, op: cmp.Or(op, "eq"), value: vs[0]})
	}
	return fs
}

// timeOf reads a filter's time as MySQL compares a string with a
// datetime: "YYYY-MM-DD hh:mm:ss" or a date, else an RFC 3339 time.
func timeOf(v string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02", time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// compare compares a row's value with a filter's, reporting false when
// they cannot be compared (the filter then matches nothing).
func compare(have any, want string) (int, bool) {
	switch h := have.(type) {
	case int:
		n, err := strconv.Atoi(want)
		return cmp.Compare(h, n), err == nil
	case time.Time:
		t, ok := timeOf(want)
		return h.Compare(t), ok
	case bool:
		b := want == "1" || strings.EqualFold(want, "true")
		x, y := 0, 0
		if h {
			x = 1
		}
		if b {
			y = 1
		}
		return cmp.Compare(x, y), true
	case string:
		return strings.Compare(h, want), true
	}
	return 0, false
}

func (f filter) match(r row) bool {
	have, known := r[f.field]
	if !known {
		return true // BookStack ignores filters on fields it does not allow
	}
	if f.op == "like" {
		s, ok := have.(string)
		return ok && like(s, f.value)
	}
	c, ok := compare(have, f.value)
	if !ok {
		return false
	}
	switch f.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "lt":
		return c < 0
	case "gte":
		return c >= 0
	case "lte":
		return c <= 0
	}
	return true
}

// like matches SQL LIKE with % wildcards, without regard to case.
func like(s, pattern string) bool {
	s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	parts := strings.Split(pattern, "%")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

func sortValue(a, b any) int {
	switch x := a.(type) {
	case int:
		y, _ := b.(int)
		return cmp.Compare(x, y)
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	case string:
		y, _ := b.(string)
		return strings.Compare(strings.ToLower(x), strings.ToLower(y))
	}
	return 0
}

// list filters, sorts and pages rows as BookStack's listings do.
func (s *Server) list(c *call, rows []row) answer {
	q := c.r.URL.Query()
	count := 100
	if v := q.Get("count"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			count = min(max(n, 0), 500)
		}
	}
	offset := 0
	if v := q.Get("offset"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			offset = n
		}
	}
	fs := filtersOf(c.r)
	var kept []row
	for _, r := range rows {
		if !slices.ContainsFunc(fs, func(f filter) bool { return !f.match(r) }) {
			kept = append(kept, r)
		}
	}
	field, desc := strings.TrimLeft(q.Get("sort"), "+- "), strings.HasPrefix(q.Get("sort"), "-")
	if _, known := firstOr(kept)[field]; !known {
		field, desc = "id", false
	}
	slices.SortStableFunc(kept, func(a, b row) int {
		c := sortValue(a[field], b[field])
		if desc {
			c = -c
		}
		if c != 0 || field == "id" {
			return c
		}
		ids := cmp.Compare(a["id"].(int), b["id"].(int))
		if s.opts.ShuffleTies {
			return -ids
		}
		return ids
	})
	total := len(kept)
	if s.opts.IgnoreOffset {
		offset = 0
	}
	from := min(offset, len(kept))
	to := min(from+count, len(kept))
	page := make([]map[string]any, 0, to-from)
	for _, r := range kept[from:to] {
		page = append(page, out(r))
	}
	if s.opts.OffsetTotal && offset > 0 {
		total = len(page)
	}
	return ok(map[string]any{"data": page, "total": total})
}

func firstOr(rows []row) row {
	if len(rows) == 0 {
		return row{"id": 0}
	}
	return rows[0]
}
