package jiraemu

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// lookup finds an issue by id, key or a key it had before a move, as
// Jira's issue endpoints and JQL key clauses do.
func (d *Data) lookup(ref string) (*Project, *Issue) {
	for _, p := range d.Projects {
		for _, is := range p.Issues {
			if is.ID == ref || strings.EqualFold(is.Key, ref) ||
				slices.ContainsFunc(is.FormerKeys, func(k string) bool { return strings.EqualFold(k, ref) }) {
				return p, is
			}
		}
	}
	return nil, nil
}

// MoveIssue moves the issue with the key to the project with key to, as
// Jira's move does: the issue takes the next number of that project and
// keeps its old key, which still finds it. It returns the moved issue, or
// nil when either is missing.
func (d *Data) MoveIssue(key, to string) *Issue {
	_, is := d.lookup(key)
	dst := d.Project(to)
	if is == nil || dst == nil {
		return nil
	}
	for _, p := range d.Projects {
		p.Issues = slices.DeleteFunc(p.Issues, func(x *Issue) bool { return x == is })
	}
	n := 0
	for _, x := range dst.Issues {
		if _, num := splitKey(x.Key); num > n {
			n = num
		}
	}
	is.FormerKeys = append(is.FormerKeys, is.Key)
	is.Key = fmt.Sprintf("%s-%d", dst.Key, n+1)
	dst.Issues = append(dst.Issues, is)
	return is
}

// DeleteIssue deletes the issue with the key, reporting whether there was
// one.
func (d *Data) DeleteIssue(key string) bool {
	_, is := d.lookup(key)
	if is == nil {
		return false
	}
	for _, p := range d.Projects {
		p.Issues = slices.DeleteFunc(p.Issues, func(x *Issue) bool { return x == is })
	}
	return true
}

// getIssue serves GET /issue/{issueIdOrKey}: the issue under its current
// key (an old key finds a moved issue), with the fields asked for or every
// navigable one; 404 for an issue that does not exist or that the caller
// may not browse, as Jira answers both.
func (s *Server) getIssue(c *call) (int, any) {
	p, is := s.data.lookup(c.r.PathValue("key"))
	if is == nil || !s.canBrowse(c.me, p) {
		return notFound("Issue does not exist or you do not have permission to see it.")
	}
	var fields []string
	for _, f := range c.r.URL.Query()["fields"] {
		fields = append(fields, strings.Split(f, ",")...)
	}
	if len(fields) == 0 {
		fields = []string{"*navigable"}
	}
	return http.StatusOK, s.issuesJSON(c, []hit{{p, is}}, fields)[0]
}

// unknownKey returns the first key a key clause of q names that no issue
// has or had, which Jira refuses with 400.
func (s *Server) unknownKey(q *query) (string, bool) {
	for _, c := range q.clauses {
		if c.field != "key" || c.op == "!=" {
			continue
		}
		for _, v := range c.values {
			if _, is := s.data.lookup(v); is == nil {
				return v, true
			}
		}
	}
	return "", false
}
