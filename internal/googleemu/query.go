package googleemu

import (
	"fmt"
	"strings"
	"time"
)

// The q query language of files.list, for the terms the connectors send:
//
//	'ID' in parents        'me' in owners         'a@b' in owners
//	mimeType = '...'       mimeType != '...'      name = '...'
//	trashed = true|false   sharedWithMe = true|false
//	modifiedTime <, <=, >, >=, = 'RFC 3339'   (also createdTime)
//
// joined with and, or, not and parentheses. Anything else is a parse
// error, answered 400 invalid as Drive does.

// match is a compiled query: does the file match for the caller?
type match func(f *File, caller string, d *Data) bool

type qtok struct {
	kind string // "str", "word", "op", "(", ")"
	val  string
}

func lexQuery(q string) ([]qtok, error) {
	var out []qtok
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')':
			out = append(out, qtok{kind: string(c)})
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(q) && q[j] != '\''; j++ {
				if q[j] == '\\' && j+1 < len(q) {
					j++
				}
				b.WriteByte(q[j])
			}
			if j >= len(q) {
				return nil, fmt.Errorf("unterminated string")
			}
			out = append(out, qtok{kind: "str", val: b.String()})
			i = j + 1
		case strings.ContainsRune("=!<>", rune(c)):
			j := i + 1
			if j < len(q) && q[j] == '=' {
				j++
			}
			op := q[i:j]
			if op == "!" {
				return nil, fmt.Errorf("bad operator")
			}
			out = append(out, qtok{kind: "op", val: op})
			i = j
		default:
			j := i
			for j < len(q) && !strings.ContainsRune(" \t\n()'=!<>", rune(q[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q", c)
			}
			out = append(out, qtok{kind: "word", val: q[i:j]})
			i = j
		}
	}
	return out, nil
}

type qparser struct {
	toks []qtok
	pos  int
}

func (p *qparser) peek() qtok {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return qtok{kind: "eof"}
}

func (p *qparser) next() qtok { t := p.peek(); p.pos++; return t }

func (p *qparser) isWord(w string) bool {
	t := p.peek()
	return t.kind == "word" && strings.EqualFold(t.val, w)
}

// compileQuery parses q; an empty q matches everything.
func compileQuery(q string) (match, error) {
	if strings.TrimSpace(q) == "" {
		return func(*File, string, *Data) bool { return true }, nil
	}
	toks, err := lexQuery(q)
	if err != nil {
		return nil, err
	}
	p := &qparser{toks: toks}
	m, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != "eof" {
		return nil, fmt.Errorf("unexpected %q", p.peek().val)
	}
	return m, nil
}

func (p *qparser) or() (match, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(f *File, c string, d *Data) bool { return a(f, c, d) || b(f, c, d) }
	}
	return l, nil
}

func (p *qparser) and() (match, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		a, b := l, r
		l = func(f *File, c string, d *Data) bool { return a(f, c, d) && b(f, c, d) }
	}
	return l, nil
}

func (p *qparser) unary() (match, error) {
	switch {
	case p.isWord("not"):
		p.next()
		m, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(f *File, c string, d *Data) bool { return !m(f, c, d) }, nil
	case p.peek().kind == "(":
		p.next()
		m, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next().kind != ")" {
			return nil, fmt.Errorf("missing )")
		}
		return m, nil
	}
	return p.term()
}

func (p *qparser) term() (match, error) {
	first := p.next()
	if first.kind == "str" { // 'value' in field
		if !p.isWord("in") {
			return nil, fmt.Errorf("expected in after %q", first.val)
		}
		p.next()
		field := p.next()
		switch field.val {
		case "parents":
			id := first.val
			return func(f *File, _ string, _ *Data) bool { return f.Parent == id }, nil
		case "owners":
			who := first.val
			return func(f *File, c string, _ *Data) bool {
				if who == "me" {
					return f.DriveID == "" && strings.EqualFold(f.Owner, c)
				}
				return f.DriveID == "" && strings.EqualFold(f.Owner, who)
			}, nil
		}
		return nil, fmt.Errorf("unsupported collection %q", field.val)
	}
	if first.kind != "word" {
		return nil, fmt.Errorf("unexpected %q", first.val)
	}
	op := p.next()
	if op.kind != "op" {
		return nil, fmt.Errorf("expected an operator after %s", first.val)
	}
	val := p.next()
	switch first.val {
	case "mimeType", "name":
		if val.kind != "str" || (op.val != "=" && op.val != "!=") {
			return nil, fmt.Errorf("bad %s term", first.val)
		}
		get := func(f *File) string { return f.MimeType }
		if first.val == "name" {
			get = func(f *File) string { return f.Name }
		}
		want, eq := val.val, op.val == "="
		return func(f *File, _ string, _ *Data) bool { return (get(f) == want) == eq }, nil
	case "trashed", "sharedWithMe":
		if val.kind != "word" || (val.val != "true" && val.val != "false") || (op.val != "=" && op.val != "!=") {
			return nil, fmt.Errorf("bad %s term", first.val)
		}
		want := (val.val == "true") == (op.val == "=")
		if first.val == "trashed" {
			return func(f *File, _ string, _ *Data) bool { return f.Trashed == want }, nil
		}
		return func(f *File, c string, d *Data) bool {
			shared := f.DriveID == "" && !strings.EqualFold(f.Owner, c) && d.granted(f, c)
			return shared == want
		}, nil
	case "modifiedTime", "createdTime":
		if val.kind != "str" {
			return nil, fmt.Errorf("bad %s term", first.val)
		}
		t, err := time.Parse(time.RFC3339Nano, val.val)
		if err != nil {
			return nil, fmt.Errorf("bad time %q", val.val)
		}
		get := func(f *File) time.Time { return f.Modified }
		if first.val == "createdTime" {
			get = func(f *File) time.Time { return f.Created }
		}
		cmp := op.val
		return func(f *File, _ string, _ *Data) bool {
			// Drive compares times to the millisecond.
			c := get(f).Truncate(time.Millisecond).Compare(t)
			switch cmp {
			case "<":
				return c < 0
			case "<=":
				return c <= 0
			case ">":
				return c > 0
			case ">=":
				return c >= 0
			case "=":
				return c == 0
			}
			return c != 0
		}, nil
	}
	return nil, fmt.Errorf("unsupported field %q", first.val)
}
