package confluenceemu

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// query is the subset of CQL the emulator understands: clauses joined by
// AND on type, id, space and lastmodified, and an optional ordering by
// lastmodified. Anything else is refused, as the real service refuses CQL
// it cannot parse, so a client never believes a filter was applied when it
// was not.
type query struct {
	types  []string // empty means any type
	spaces []string // empty means any space
	ids    []string // empty means any id
	titles []string // empty means any title
	// after and before bound lastmodified: when >= after (or > when
	// afterStrict) and when < before (or <= when beforeIncl).
	after, before           time.Time
	afterStrict, beforeIncl bool
	hasAfter, hasBefore     bool
	order                   string // "", "asc" or "desc"
}

// match reports whether a page of the given type, id, space and update
// time satisfies the query.
func (q *query) match(typ, id, space string, when time.Time) bool {
	if len(q.types) > 0 && !slices.Contains(q.types, typ) {
		return false
	}
	if len(q.ids) > 0 && !slices.Contains(q.ids, id) {
		return false
	}
	if len(q.spaces) > 0 && !slices.ContainsFunc(q.spaces, func(s string) bool { return strings.EqualFold(s, space) }) {
		return false
	}
	if q.hasAfter && (when.Before(q.after) || (q.afterStrict && when.Equal(q.after))) {
		return false
	}
	if q.hasBefore && (when.After(q.before) || (!q.beforeIncl && when.Equal(q.before))) {
		return false
	}
	return true
}

type token struct {
	kind string // "word", "string", "op", "(", ")", ","
	text string
}

func tokenize(s string) ([]token, error) {
	var out []token
	r := []rune(s)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '(' || c == ')' || c == ',':
			out = append(out, token{kind: string(c), text: string(c)})
			i++
		case c == '"' || c == '\'':
			j := i + 1
			var b strings.Builder
			for j < len(r) && r[j] != c {
				if r[j] == '\\' && j+1 < len(r) {
					j++
				}
				b.WriteRune(r[j])
				j++
			}
			if j >= len(r) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			out = append(out, token{kind: "string", text: b.String()})
			i = j + 1
		case strings.ContainsRune("=!<>~", c):
			j := i + 1
			if j < len(r) && r[j] == '=' {
				j++
			}
			out = append(out, token{kind: "op", text: string(r[i:j])})
			i = j
		case unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_' || c == '.' || c == '-':
			j := i
			for j < len(r) && (unicode.IsLetter(r[j]) || unicode.IsDigit(r[j]) || strings.ContainsRune("_.-", r[j])) {
				j++
			}
			out = append(out, token{kind: "word", text: string(r[i:j])})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q at %d", c, i)
		}
	}
	return out, nil
}

type parser struct {
	toks []token
	pos  int
	loc  *time.Location
}

func (p *parser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

func (p *parser) next() (token, error) {
	t, ok := p.peek()
	if !ok {
		return token{}, fmt.Errorf("unexpected end of query")
	}
	p.pos++
	return t, nil
}

func (p *parser) keyword(word string) bool {
	t, ok := p.peek()
	if ok && t.kind == "word" && strings.EqualFold(t.text, word) {
		p.pos++
		return true
	}
	return false
}

// parseCQL parses cql, reading dates in loc (the user's time zone).
func parseCQL(cql string, loc *time.Location) (*query, error) {
	toks, err := tokenize(cql)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, loc: loc}
	q := &query{}
	if len(toks) == 0 {
		return nil, fmt.Errorf("empty query")
	}
	for {
		if err := p.clause(q); err != nil {
			return nil, err
		}
		if p.keyword("and") {
			continue
		}
		break
	}
	if p.keyword("order") {
		if !p.keyword("by") {
			return nil, fmt.Errorf("expected BY after ORDER")
		}
		t, err := p.next()
		if err != nil || t.kind != "word" || !strings.EqualFold(t.text, "lastmodified") {
			return nil, fmt.Errorf("unsupported ordering field %q", t.text)
		}
		q.order = "asc"
		if p.keyword("desc") {
			q.order = "desc"
		} else {
			p.keyword("asc")
		}
	}
	if t, ok := p.peek(); ok {
		return nil, fmt.Errorf("unexpected %q at token %d", t.text, p.pos+1)
	}
	return q, nil
}

func (p *parser) clause(q *query) error {
	field, err := p.next()
	if err != nil {
		return err
	}
	if field.kind != "word" {
		return fmt.Errorf("expected a field, found %q", field.text)
	}
	switch strings.ToLower(field.text) {
	case "type":
		vals, err := p.values()
		if err != nil {
			return err
		}
		for _, v := range vals {
			if v != "page" && v != "blogpost" && v != "comment" && v != "attachment" {
				return fmt.Errorf("unknown content type %q", v)
			}
		}
		q.types = append(q.types, vals...)
	case "space":
		vals, err := p.values()
		if err != nil {
			return err
		}
		q.spaces = append(q.spaces, vals...)
	case "id":
		vals, err := p.values()
		if err != nil {
			return err
		}
		for _, v := range vals {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return fmt.Errorf("bad id %q", v)
			}
		}
		q.ids = append(q.ids, vals...)
	case "title":
		vals, err := p.values()
		if err != nil {
			return err
		}
		q.titles = append(q.titles, vals...)
	case "lastmodified":
		return p.dateClause(q)
	default:
		return fmt.Errorf("unsupported field %q", field.text)
	}
	return nil
}

// values reads "= v" or "in (v1, v2)".
func (p *parser) values() ([]string, error) {
	if p.keyword("in") {
		if t, err := p.next(); err != nil || t.kind != "(" {
			return nil, fmt.Errorf("expected ( after IN")
		}
		var out []string
		for {
			t, err := p.next()
			if err != nil || (t.kind != "word" && t.kind != "string") {
				return nil, fmt.Errorf("expected a value in list")
			}
			out = append(out, t.text)
			sep, err := p.next()
			if err != nil {
				return nil, err
			}
			if sep.kind == ")" {
				return out, nil
			}
			if sep.kind != "," {
				return nil, fmt.Errorf("expected , or ) in list")
			}
		}
	}
	op, err := p.next()
	if err != nil || op.kind != "op" || op.text != "=" {
		return nil, fmt.Errorf("expected = or IN")
	}
	t, err := p.next()
	if err != nil || (t.kind != "word" && t.kind != "string") {
		return nil, fmt.Errorf("expected a value after =")
	}
	return []string{t.text}, nil
}

// dateFormats are the date forms CQL accepts, read in the user's zone.
var dateFormats = []string{"2006-01-02 15:04", "2006/01/02 15:04", "2006-01-02", "2006/01/02"}

func (p *parser) dateClause(q *query) error {
	op, err := p.next()
	if err != nil || op.kind != "op" {
		return fmt.Errorf("expected a comparison after lastmodified")
	}
	v, err := p.next()
	if err != nil || (v.kind != "string" && v.kind != "word") {
		return fmt.Errorf("expected a date after lastmodified %s", op.text)
	}
	var t time.Time
	for _, f := range dateFormats {
		if t, err = time.ParseInLocation(f, v.text, p.loc); err == nil {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("bad date %q", v.text)
	}
	switch op.text {
	case ">=", ">":
		q.after, q.afterStrict, q.hasAfter = t, op.text == ">", true
	case "<", "<=":
		q.before, q.beforeIncl, q.hasBefore = t, op.text == "<=", true
	default:
		return fmt.Errorf("unsupported operator %q for lastmodified", op.text)
	}
	return nil
}
