package salesforceemu

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The part of SOQL the emulator understands:
//
//	SELECT field, Rel.field, ... FROM Object
//	  [WHERE cond] [ORDER BY field [ASC|DESC], ...] [LIMIT n]
//
// where cond combines, with AND, OR, NOT and parentheses, comparisons
// field op literal (=, !=, <>, <, <=, >, >=) and field IN (literal, ...);
// literals are quoted strings, datetimes (2024-01-02T03:04:05Z, with or
// without milliseconds, Z or +hhmm), numbers, true, false and null.

type query struct {
	fields []string
	object string
	where  node
	order  []orderKey
	limit  int
}

type orderKey struct {
	field string
	desc  bool
}

// node is a condition of a WHERE clause.
type node interface {
	eval(get func(string) any) (bool, error)
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }
type notNode struct{ n node }
type cmpNode struct {
	field, op string
	vals      []string // literals as written; quoted strings keep a leading '
}

func (n andNode) eval(get func(string) any) (bool, error) {
	a, err := n.l.eval(get)
	if err != nil || !a {
		return false, err
	}
	return n.r.eval(get)
}

func (n orNode) eval(get func(string) any) (bool, error) {
	a, err := n.l.eval(get)
	if err != nil || a {
		return a, err
	}
	return n.r.eval(get)
}

func (n notNode) eval(get func(string) any) (bool, error) {
	a, err := n.n.eval(get)
	return !a, err
}

func (n cmpNode) eval(get func(string) any) (bool, error) {
	v := get(n.field)
	if n.op == "IN" {
		for _, lit := range n.vals {
			c, err := compare(v, lit)
			if err != nil {
				return false, err
			}
			if c == 0 {
				return true, nil
			}
		}
		return false, nil
	}
	c, err := compare(v, n.vals[0])
	if err != nil {
		return false, err
	}
	if c == nullCompare {
		return n.op == "!=" && n.vals[0] != "null" || n.op == "=" && n.vals[0] == "null", nil
	}
	switch n.op {
	case "=":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("unknown operator %s", n.op)
}

// nullCompare is compare's answer when either side is null.
const nullCompare = 99

// compare compares a record's value with a literal of its type.
func compare(v any, lit string) (int, error) {
	if lit == "null" || v == nil {
		if lit == "null" && v == nil {
			return 0, nil
		}
		return nullCompare, nil
	}
	switch x := v.(type) {
	case time.Time:
		t, ok := parseDateTime(lit)
		if !ok {
			return 0, fmt.Errorf("value of filter criterion must be of type dateTime and should not be enclosed in quotes: %s", lit)
		}
		return x.Compare(t), nil
	case bool:
		if lit != "true" && lit != "false" {
			return 0, fmt.Errorf("value of filter criterion must be of type boolean: %s", lit)
		}
		b := lit == "true"
		if x == b {
			return 0, nil
		}
		return 1, nil
	case float64:
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil {
			return 0, fmt.Errorf("value of filter criterion must be a number: %s", lit)
		}
		switch {
		case x < f:
			return -1, nil
		case x > f:
			return 1, nil
		}
		return 0, nil
	case string:
		s, ok := strings.CutPrefix(lit, "'")
		if !ok {
			return 0, fmt.Errorf("value of filter criterion must be a quoted string: %s", lit)
		}
		return strings.Compare(x, s), nil
	}
	return 0, fmt.Errorf("cannot filter on this field")
}

// parseDateTime reads a SOQL datetime literal.
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.000Z07:00", "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05.000-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// tokenize splits a query into words, quoted strings (kept with a leading
// '), operators and punctuation.
func tokenize(q string) ([]string, error) {
	var toks []string
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, string(c))
			i++
		case c == '=':
			toks = append(toks, "=")
			i++
		case c == '!' || c == '<' || c == '>':
			two := ""
			if i+1 < len(q) {
				two = q[i : i+2]
			}
			switch two {
			case "!=", "<=", ">=":
				toks = append(toks, two)
				i += 2
			case "<>":
				toks = append(toks, "!=")
				i += 2
			default:
				if c == '!' {
					return nil, fmt.Errorf("unexpected token \"!\"")
				}
				toks = append(toks, string(c))
				i++
			}
		case c == '\'':
			var b strings.Builder
			b.WriteByte('\'')
			i++
			for ; i < len(q) && q[i] != '\''; i++ {
				if q[i] == '\\' && i+1 < len(q) {
					i++
				}
				b.WriteByte(q[i])
			}
			if i >= len(q) {
				return nil, fmt.Errorf("unterminated string")
			}
			i++
			toks = append(toks, b.String())
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\r\n(),=!<>'", rune(q[j])) {
				j++
			}
			toks = append(toks, q[i:j])
			i = j
		}
	}
	return toks, nil
}

type parser struct {
	toks []string
	pos  int
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) next() string { t := p.peek(); p.pos++; return t }

func (p *parser) keyword(k string) bool {
	if strings.EqualFold(p.peek(), k) {
		p.pos++
		return true
	}
	return false
}

func isIdent(s string) bool {
	if s == "" || !unicode.IsLetter(rune(s[0])) {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '.' {
			return false
		}
	}
	return true
}

// parseQuery parses q; its errors are MALFORMED_QUERY messages.
func parseQuery(q string) (*query, error) {
	toks, err := tokenize(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if !p.keyword("SELECT") {
		return nil, fmt.Errorf("unexpected token: %q, expected SELECT", p.peek())
	}
	out := &query{}
	for {
		f := p.next()
		if !isIdent(f) {
			return nil, fmt.Errorf("unexpected token: %q", f)
		}
		out.fields = append(out.fields, f)
		if p.peek() != "," {
			break
		}
		p.next()
	}
	if !p.keyword("FROM") {
		return nil, fmt.Errorf("unexpected token: %q, expected FROM", p.peek())
	}
	if out.object = p.next(); !isIdent(out.object) {
		return nil, fmt.Errorf("unexpected token: %q", out.object)
	}
	if p.keyword("WHERE") {
		if out.where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.keyword("ORDER") {
		if !p.keyword("BY") {
			return nil, fmt.Errorf("unexpected token: %q, expected BY", p.peek())
		}
		for {
			f := p.next()
			if !isIdent(f) {
				return nil, fmt.Errorf("unexpected token: %q", f)
			}
			k := orderKey{field: f}
			if p.keyword("DESC") {
				k.desc = true
			} else {
				p.keyword("ASC")
			}
			out.order = append(out.order, k)
			if p.peek() != "," {
				break
			}
			p.next()
		}
	}
	if p.keyword("LIMIT") {
		n, err := strconv.Atoi(p.next())
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad LIMIT")
		}
		out.limit = n
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("unexpected token: %q", p.peek())
	}
	return out, nil
}

func (p *parser) expr() (node, error) {
	l, err := p.term()
	for err == nil && p.keyword("OR") {
		var r node
		if r, err = p.term(); err == nil {
			l = orNode{l, r}
		}
	}
	return l, err
}

func (p *parser) term() (node, error) {
	l, err := p.factor()
	for err == nil && p.keyword("AND") {
		var r node
		if r, err = p.factor(); err == nil {
			l = andNode{l, r}
		}
	}
	return l, err
}

func (p *parser) factor() (node, error) {
	if p.keyword("NOT") {
		n, err := p.factor()
		return notNode{n}, err
	}
	if p.peek() == "(" {
		p.next()
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, fmt.Errorf("expected )")
		}
		return n, nil
	}
	f := p.next()
	if !isIdent(f) {
		return nil, fmt.Errorf("unexpected token: %q", f)
	}
	if p.keyword("IN") {
		if p.next() != "(" {
			return nil, fmt.Errorf("expected ( after IN")
		}
		n := cmpNode{field: f, op: "IN"}
		for {
			n.vals = append(n.vals, p.next())
			if t := p.next(); t == ")" {
				break
			} else if t != "," {
				return nil, fmt.Errorf("unexpected token in IN list: %q", t)
			}
		}
		return n, nil
	}
	op := p.next()
	if !slices.Contains([]string{"=", "!=", "<", "<=", ">", ">="}, op) {
		return nil, fmt.Errorf("unexpected token: %q, expected an operator", op)
	}
	lit := p.next()
	if lit == "" || lit == "(" || lit == ")" || lit == "," {
		return nil, fmt.Errorf("unexpected token: %q, expected a value", lit)
	}
	return cmpNode{field: f, op: op, vals: []string{lit}}, nil
}

// fieldsOf lists every field a query names, for validation.
func (q *query) fieldsOf() []string {
	out := slices.Clone(q.fields)
	var walk func(n node)
	walk = func(n node) {
		switch x := n.(type) {
		case andNode:
			walk(x.l)
			walk(x.r)
		case orNode:
			walk(x.l)
			walk(x.r)
		case notNode:
			walk(x.n)
		case cmpNode:
			out = append(out, x.field)
		}
	}
	if q.where != nil {
		walk(q.where)
	}
	for _, k := range q.order {
		out = append(out, k.field)
	}
	return out
}
