package googleemu

import (
	"fmt"
	"strings"
)

// mask is a parsed field mask (the fields= parameter): each named field
// maps to its sub-mask, nil meaning the whole value.
type mask map[string]mask

// parseMask parses "nextPageToken,files(id,name,owners(emailAddress))".
// "*" or an empty string selects everything (nil).
func parseMask(s string) (mask, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" {
		return nil, nil
	}
	m, rest, err := parseMaskList(s)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("invalid field selection %q", s)
	}
	return m, nil
}

func parseMaskList(s string) (mask, string, error) {
	m := mask{}
	for {
		i := strings.IndexAny(s, ",()")
		name := s
		if i >= 0 {
			name = s[:i]
		}
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, "", fmt.Errorf("invalid field selection")
		}
		if i < 0 {
			addPath(m, name, nil)
			return m, "", nil
		}
		switch s[i] {
		case ',':
			addPath(m, name, nil)
			s = s[i+1:]
			continue
		case ')':
			addPath(m, name, nil)
			return m, s[i:], nil
		}
		sub, rest, err := parseMaskList(s[i+1:])
		if err != nil {
			return nil, "", err
		}
		if !strings.HasPrefix(rest, ")") {
			return nil, "", fmt.Errorf("invalid field selection: missing )")
		}
		if sub["*"] != nil || hasStar(sub) {
			sub = nil
		}
		addPath(m, name, sub)
		rest = rest[1:]
		if rest == "" || strings.HasPrefix(rest, ")") {
			return m, rest, nil
		}
		if rest[0] != ',' {
			return nil, "", fmt.Errorf("invalid field selection near %q", rest)
		}
		s = rest[1:]
	}
}

func hasStar(m mask) bool { _, ok := m["*"]; return ok }

// addPath adds a/b/c (a path with slashes) with sub-mask sub.
func addPath(m mask, path string, sub mask) {
	head, tail, nested := strings.Cut(path, "/")
	if !nested {
		if _, ok := m[head]; ok && m[head] == nil {
			return
		}
		m[head] = sub
		if head == "*" {
			m[head] = nil
		}
		return
	}
	child, ok := m[head]
	if ok && child == nil {
		return
	}
	if child == nil {
		child = mask{}
		m[head] = child
	}
	addPath(child, tail, sub)
}

// apply keeps only the masked fields of v (maps and slices of maps).
func (m mask) apply(v any) any {
	if m == nil || hasStar(m) {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range m {
			if fv, ok := x[k]; ok {
				out[k] = sub.apply(fv)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = m.apply(e)
		}
		return out
	}
	return v
}
