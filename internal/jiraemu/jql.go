package jiraemu

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// query is a parsed JQL query: a conjunction of clauses and an order.
type query struct {
	clauses []clause
	order   []orderBy
}

type clause struct {
	field  string // project, updated, created, labels, status, key
	op     string // =, !=, >=, <=, >, <, in
	values []string
	at     time.Time // for date fields
}

type orderBy struct {
	field string
	desc  bool
}

// jqlError is a query Jira would refuse with 400.
type jqlError struct{ msg string }

func (e *jqlError) Error() string { return e.msg }

func errorf(format string, args ...any) error { return &jqlError{fmt.Sprintf(format, args...)} }

// parseJQL parses the supported subset of JQL, reading dates in loc.
func parseJQL(s string, loc *time.Location) (*query, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, loc: loc}
	q := &query{}
	if !p.atKeyword("order") && !p.done() {
		if q.clauses, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.atKeyword("order") {
		if q.order, err = p.orderBy(); err != nil {
			return nil, err
		}
	}
	if !p.done() {
		return nil, errorf("Error in the JQL Query: Expecting either 'OR' or 'AND' but got '%s'.", p.peek())
	}
	return q, nil
}

type parser struct {
	toks []string
	i    int
	loc  *time.Location
}

func (p *parser) done() bool { return p.i >= len(p.toks) }

func (p *parser) peek() string {
	if p.done() {
		return ""
	}
	return p.toks[p.i]
}

func (p *parser) next() string { t := p.peek(); p.i++; return t }

func (p *parser) atKeyword(k string) bool { return strings.EqualFold(p.peek(), k) }

func (p *parser) expr() ([]clause, error) {
	var out []clause
	for {
		cs, err := p.term()
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
		switch {
		case p.atKeyword("and"):
			p.next()
		case p.atKeyword("or"), p.atKeyword("not"):
			return nil, errorf("Error in the JQL Query: the emulator supports only AND (got '%s').", p.peek())
		default:
			return out, nil
		}
	}
}

func (p *parser) term() ([]clause, error) {
	if p.peek() == "(" {
		p.next()
		cs, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, errorf("Error in the JQL Query: Expecting ')' before the end of the query.")
		}
		return cs, nil
	}
	field := strings.ToLower(unquote(p.next()))
	if field == "issuekey" {
		field = "key"
	}
	if !slices.Contains([]string{"project", "updated", "created", "labels", "status", "key"}, field) {
		return nil, errorf("Field '%s' does not exist or you do not have permission to view it.", field)
	}
	op := strings.ToLower(p.next())
	c := clause{field: field, op: op}
	switch op {
	case "in":
		vals, err := p.list()
		if err != nil {
			return nil, err
		}
		c.values = vals
	case "=", "!=", ">=", "<=", ">", "<":
		v := p.next()
		if v == "" || v == "(" || v == ")" {
			return nil, errorf("Error in the JQL Query: Expecting a value but got '%s'.", v)
		}
		c.values = []string{unquote(v)}
	default:
		return nil, errorf("Error in the JQL Query: Expecting operator but got '%s'.", op)
	}
	if field == "updated" || field == "created" {
		if op == "in" || len(c.values) != 1 {
			return nil, errorf("The operator '%s' is not supported by the '%s' field.", op, field)
		}
		t, err := parseDate(c.values[0], p.loc)
		if err != nil {
			return nil, err
		}
		c.at = t
	}
	return []clause{c}, nil
}

func (p *parser) list() ([]string, error) {
	if p.next() != "(" {
		return nil, errorf("Error in the JQL Query: Expecting '(' after 'in'.")
	}
	var vals []string
	for {
		v := p.next()
		if v == "" || v == ")" || v == "(" || v == "," {
			return nil, errorf("Error in the JQL Query: Expecting a value but got '%s'.", v)
		}
		vals = append(vals, unquote(v))
		switch p.next() {
		case ",":
		case ")":
			return vals, nil
		default:
			return nil, errorf("Error in the JQL Query: Expecting ',' or ')'.")
		}
	}
}

func (p *parser) orderBy() ([]orderBy, error) {
	p.next()
	if !p.atKeyword("by") {
		return nil, errorf("Error in the JQL Query: Expecting 'by' but got '%s'.", p.peek())
	}
	p.next()
	var out []orderBy
	for {
		f := strings.ToLower(unquote(p.next()))
		if f == "issuekey" {
			f = "key"
		}
		if !slices.Contains([]string{"updated", "created", "key"}, f) {
			return nil, errorf("Not able to sort using field '%s'.", f)
		}
		o := orderBy{field: f}
		if p.atKeyword("asc") {
			p.next()
		} else if p.atKeyword("desc") {
			p.next()
			o.desc = true
		}
		out = append(out, o)
		if p.peek() != "," {
			return out, nil
		}
		p.next()
	}
}

// parseDate reads the date formats JQL accepts, in loc.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006/01/02 15:04", "2006-01-02 15:04", "2006/01/02", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errorf("Date value '%s' for field 'updated' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.", s)
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return strings.ReplaceAll(s[1:len(s)-1], `\"`, `"`)
	}
	return s
}

// tokenize splits JQL into words, quoted strings, operators and
// punctuation.
func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, string(c))
			i++
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, errorf("Error in the JQL Query: The quoted string starting at character %d is not terminated.", i)
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		case c == '=' || c == '!' || c == '<' || c == '>' || c == '~':
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n(),=!<>~\"'", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

// matches reports whether the issue of project p satisfies every clause.
func (q *query) matches(p *Project, is *Issue) bool {
	for _, c := range q.clauses {
		if !c.matches(p, is) {
			return false
		}
	}
	return true
}

func (c clause) matches(p *Project, is *Issue) bool {
	switch c.field {
	case "updated", "created":
		t := is.Updated
		if c.field == "created" {
			t = is.Created
		}
		return compareOp(t.Compare(c.at), c.op)
	case "project":
		return c.oneOf(func(v string) bool { return strings.EqualFold(v, p.Key) || v == p.ID || strings.EqualFold(v, p.Name) })
	case "key":
		return c.oneOf(func(v string) bool {
			return strings.EqualFold(v, is.Key) || slices.ContainsFunc(is.FormerKeys, func(k string) bool { return strings.EqualFold(v, k) })
		})
	case "status":
		return c.oneOf(func(v string) bool { return strings.EqualFold(v, is.Status) })
	case "labels":
		return c.oneOf(func(v string) bool { return slices.Contains(is.Labels, v) })
	}
	return false
}

func (c clause) oneOf(match func(string) bool) bool {
	hit := slices.ContainsFunc(c.values, match)
	if c.op == "!=" {
		return !hit
	}
	return hit && (c.op == "=" || c.op == "in")
}

func compareOp(r int, op string) bool {
	switch op {
	case "=":
		return r == 0
	case "!=":
		return r != 0
	case ">=":
		return r >= 0
	case "<=":
		return r <= 0
	case ">":
		return r > 0
	case "<":
		return r < 0
	}
	return false
}

// projectsNamed returns the project values the query names, to check that
// they exist.
func (q *query) projectsNamed() []string {
	var out []string
	for _, c := range q.clauses {
		if c.field == "project" {
			out = append(out, c.values...)
		}
	}
	return out
}

// hit is one issue in a result, with its project.
type hit struct {
	p  *Project
	is *Issue
}

// sortHits orders hits as the query asks, ties broken by key; a query with
// no ORDER BY is answered in key order. otherTies breaks ties of the fields
// before key in descending key order instead (Options.OtherTieOrder).
func (q *query) sortHits(hits []hit, otherTies bool) {
	order := q.order
	if len(order) == 0 {
		order = []orderBy{{field: "key"}}
	}
	if i := slices.IndexFunc(order, func(o orderBy) bool { return o.field == "key" }); otherTies && i > 0 {
		order = append(order[:i:i], orderBy{field: "key", desc: true})
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		for _, o := range order {
			var r int
			switch o.field {
			case "updated":
				r = a.is.Updated.Compare(b.is.Updated)
			case "created":
				r = a.is.Created.Compare(b.is.Created)
			case "key":
				r = compareKeys(a.is.Key, b.is.Key)
			}
			if o.desc {
				r = -r
			}
			if r != 0 {
				return r
			}
		}
		return compareKeys(a.is.Key, b.is.Key)
	})
}

// compareKeys orders issue keys by project key, then by number, as Jira's
// ORDER BY key does.
func compareKeys(a, b string) int {
	pa, na := splitKey(a)
	pb, nb := splitKey(b)
	return cmp.Or(strings.Compare(pa, pb), cmp.Compare(na, nb))
}

func splitKey(k string) (string, int) {
	i := strings.LastIndexByte(k, '-')
	if i < 0 {
		return k, 0
	}
	n := 0
	for _, r := range k[i+1:] {
		if r < '0' || r > '9' {
			return k, 0
		}
		n = n*10 + int(r-'0')
	}
	return k[:i], n
}
