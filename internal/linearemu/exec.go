package linearemu

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// gqlError is one entry of a GraphQL answer's errors, with Linear's
// extensions.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// Error codes Linear puts in extensions.code.
const (
	CodeRateLimited    = "RATELIMITED"
	CodeAuthentication = "AUTHENTICATION_ERROR"
	CodeForbidden      = "FORBIDDEN"
	CodeInvalidInput   = "INVALID_INPUT"
	CodeInternal       = "INTERNAL_SERVER_ERROR"
	CodeValidation     = "GRAPHQL_VALIDATION_FAILED"
	CodeParse          = "GRAPHQL_PARSE_FAILED"
)

func newError(code, msg string) *gqlError {
	typ := map[string]string{CodeRateLimited: "Ratelimited", CodeAuthentication: "authentication error",
		CodeForbidden: "forbidden", CodeInvalidInput: "invalid input", CodeInternal: "internal error"}[code]
	ext := map[string]any{"code": code, "userError": code != CodeInternal}
	if typ != "" {
		ext["type"] = typ
	}
	return &gqlError{Message: msg, Extensions: ext}
}

// fieldError aborts the resolution of one field.
type fieldError struct{ e *gqlError }

func (f fieldError) Error() string { return f.e.Message }

func invalid(format string, args ...any) error {
	return fieldError{newError(CodeInvalidInput, fmt.Sprintf(format, args...))}
}

// Connection limits.
const (
	defaultFirst = 50
	maxFirst     = 250
)

// executor resolves one operation over a snapshot of the data.
type executor struct {
	d      *Data
	viewer *User
	vars   map[string]any
}

type queryRoot struct{}

// object resolves a selection set on obj.
func (ex *executor) object(sel ast.SelectionSet, obj any, path []any) (map[string]any, error) {
	out := make(map[string]any, len(sel))
	for _, s := range sel {
		f, ok := s.(*ast.Field)
		if !ok {
			return nil, fieldError{newError(CodeValidation, "fragments are not supported by this emulator")}
		}
		key := cmp.Or(f.Alias, f.Name)
		v, err := ex.field(obj, f, append(path, key))
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	return out, nil
}

// child resolves an object-typed field, null when obj is nil.
func child[T any](ex *executor, f *ast.Field, obj *T, path []any) (any, error) {
	if obj == nil {
		return nil, nil
	}
	return ex.object(f.SelectionSet, obj, path)
}

func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func tsp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func (ex *executor) field(obj any, f *ast.Field, path []any) (any, error) {
	if f.Name == "__typename" {
		return f.ObjectDefinition.Name, nil
	}
	args := f.ArgumentMap(ex.vars)
	switch o := obj.(type) {
	case queryRoot:
		return ex.root(f, args, path)
	case *Organization:
		switch f.Name {
		case "id":
			return o.ID, nil
		case "name":
			return o.Name, nil
		case "urlKey":
			return o.URLKey, nil
		}
	case *User:
		switch f.Name {
		case "id":
			return o.ID, nil
		case "name":
			return o.Name, nil
		case "displayName":
			return o.DisplayName, nil
		case "email":
			return o.Email, nil
		case "active":
			return o.Active, nil
		case "guest":
			return o.Guest, nil
		}
	case *Team:
		switch f.Name {
		case "id":
			return o.ID, nil
		case "key":
			return o.Key, nil
		case "name":
			return o.Name, nil
		case "private":
			return o.Private, nil
		case "createdAt":
			return ts(o.CreatedAt), nil
		case "updatedAt":
			return ts(o.UpdatedAt), nil
		case "members":
			return connection(ex, f, args, path, o.Members, func(u *User) entry { return entry{id: u.ID} })
		}
	case *Project:
		switch f.Name {
		case "id":
			return o.ID, nil
		case "slugId":
			return o.SlugID, nil
		case "name":
			return o.Name, nil
		case "description":
			return o.Description, nil
		case "content":
			return o.Content, nil
		case "state":
			return o.State, nil
		case "url":
			return ex.d.ProjectURL(o), nil
		case "createdAt":
			return ts(o.CreatedAt), nil
		case "updatedAt":
			return ts(o.UpdatedAt), nil
		case "archivedAt":
			return tsp(o.ArchivedAt), nil
		case "lead":
			return child(ex, f, o.Lead, path)
		case "creator":
			return child(ex, f, o.Creator, path)
		case "teams":
			return connection(ex, f, args, path, ex.visibleTeams(o.Teams), teamEntry)
		}
	case *Issue:
		return ex.issueField(o, f, args, path)
	case *workflowState:
		switch f.Name {
		case "id":
			return o.id, nil
		case "name":
			return o.name, nil
		case "type":
			return o.typ, nil
		}
	case *label:
		switch f.Name {
		case "id":
			return "label-" + slug(o.name), nil
		case "name":
			return o.name, nil
		}
	case *commentOf:
		c := o.c
		switch f.Name {
		case "id":
			return c.ID, nil
		case "body":
			return c.Body, nil
		case "url":
			return ex.d.IssueURL(o.issue) + "#comment-" + c.ID[:8], nil
		case "createdAt":
			return ts(c.CreatedAt), nil
		case "updatedAt":
			return ts(c.UpdatedAt), nil
		case "user":
			return child(ex, f, c.User, path)
		}
	case *Document:
		switch f.Name {
		case "id":
			return o.ID, nil
		case "slugId":
			return o.SlugID, nil
		case "title":
			return o.Title, nil
		case "content":
			return o.Content, nil
		case "url":
			return ex.d.DocumentURL(o), nil
		case "createdAt":
			return ts(o.CreatedAt), nil
		case "updatedAt":
			return ts(o.UpdatedAt), nil
		case "archivedAt":
			return tsp(o.ArchivedAt), nil
		case "creator":
			return child(ex, f, o.Creator, path)
		case "project":
			return child(ex, f, o.Project, path)
		}
	}
	return nil, fieldError{newError(CodeValidation, fmt.Sprintf("field %s is not served by this emulator", f.Name))}
}

type workflowState struct{ id, name, typ string }

type label struct{ name string }

// commentOf is a comment with the issue it belongs to, for its url.
type commentOf struct {
	c     *Comment
	issue *Issue
}

var priorityLabels = []string{"No priority", "Urgent", "High", "Medium", "Low"}

func (ex *executor) issueField(o *Issue, f *ast.Field, args map[string]any, path []any) (any, error) {
	switch f.Name {
	case "id":
		return o.ID, nil
	case "identifier":
		return o.Identifier(), nil
	case "number":
		return o.Number, nil
	case "title":
		return o.Title, nil
	case "description":
		if o.Description == "" {
			return nil, nil
		}
		return o.Description, nil
	case "priority":
		return o.Priority, nil
	case "priorityLabel":
		return priorityLabels[o.Priority%len(priorityLabels)], nil
	case "url":
		return ex.d.IssueURL(o), nil
	case "createdAt":
		return ts(o.CreatedAt), nil
	case "updatedAt":
		return ts(o.UpdatedAt), nil
	case "archivedAt":
		return tsp(o.ArchivedAt), nil
	case "creator":
		return child(ex, f, o.Creator, path)
	case "assignee":
		return child(ex, f, o.Assignee, path)
	case "team":
		return ex.object(f.SelectionSet, o.Team, path)
	case "project":
		if o.Project != nil && !ex.projectVisible(o.Project) {
			return nil, nil
		}
		return child(ex, f, o.Project, path)
	case "state":
		return ex.object(f.SelectionSet, &workflowState{id: "state-" + slug(o.State), name: o.State, typ: o.StateType}, path)
	case "labels":
		ls := make([]*label, len(o.Labels))
		for i, l := range o.Labels {
			ls[i] = &label{name: l}
		}
		return connection(ex, f, args, path, ls, func(l *label) entry { return entry{id: l.name} })
	case "comments":
		cs := make([]*commentOf, len(o.Comments))
		for i, c := range o.Comments {
			cs[i] = &commentOf{c: c, issue: o}
		}
		return connection(ex, f, args, path, cs, func(c *commentOf) entry {
			return entry{id: c.c.ID, created: c.c.CreatedAt, updated: c.c.UpdatedAt}
		})
	}
	return nil, fieldError{newError(CodeValidation, fmt.Sprintf("field Issue.%s is not served by this emulator", f.Name))}
}

func teamEntry(t *Team) entry { return entry{id: t.ID, created: t.CreatedAt, updated: t.UpdatedAt} }

func (ex *executor) teamVisible(t *Team) bool {
	return !t.Private || slices.Contains(t.Members, ex.viewer)
}

func (ex *executor) visibleTeams(ts []*Team) []*Team {
	var out []*Team
	for _, t := range ts {
		if ex.teamVisible(t) {
			out = append(out, t)
		}
	}
	return out
}

func (ex *executor) projectVisible(p *Project) bool {
	return len(p.Teams) == 0 || len(ex.visibleTeams(p.Teams)) > 0
}

func (ex *executor) documentVisible(d *Document) bool {
	return d.Project == nil || ex.projectVisible(d.Project)
}

func notFound(kind string) error {
	e := newError(CodeInvalidInput, "Entity not found: "+kind)
	e.Extensions["userPresentableMessage"] = "Could not find referenced " + kind + "."
	return fieldError{e}
}

func (ex *executor) root(f *ast.Field, args map[string]any, path []any) (any, error) {
	d := ex.d
	id, _ := args["id"].(string)
	switch f.Name {
	case "viewer":
		return ex.object(f.SelectionSet, ex.viewer, path)
	case "organization":
		return ex.object(f.SelectionSet, &d.Org, path)
	case "teams":
		return connection(ex, f, args, path, ex.visibleTeams(d.Teams), teamEntry)
	case "team":
		for _, t := range d.Teams {
			if (t.ID == id || t.Key == id) && ex.teamVisible(t) {
				return ex.object(f.SelectionSet, t, path)
			}
		}
		return nil, notFound("Team")
	case "issues":
		var list []*Issue
		for _, is := range d.Issues {
			if ex.teamVisible(is.Team) {
				list = append(list, is)
			}
		}
		return connection(ex, f, args, path, list, func(i *Issue) entry {
			return entry{id: i.ID, created: i.CreatedAt, updated: i.UpdatedAt, archived: i.ArchivedAt != nil, teams: []string{i.Team.Key}}
		})
	case "issue":
		for _, is := range d.Issues {
			if (is.ID == id || is.Identifier() == strings.ToUpper(id)) && ex.teamVisible(is.Team) {
				return ex.object(f.SelectionSet, is, path)
			}
		}
		if is := d.Aliases[strings.ToUpper(id)]; is != nil && ex.teamVisible(is.Team) {
			return ex.object(f.SelectionSet, is, path)
		}
		return nil, notFound("Issue")
	case "projects":
		var list []*Project
		for _, p := range d.Projects {
			if ex.projectVisible(p) {
				list = append(list, p)
			}
		}
		return connection(ex, f, args, path, list, func(p *Project) entry {
			e := entry{id: p.ID, created: p.CreatedAt, updated: p.UpdatedAt, archived: p.ArchivedAt != nil}
			for _, t := range p.Teams {
				e.teams = append(e.teams, t.Key)
			}
			return e
		})
	case "project":
		for _, p := range d.Projects {
			if (p.ID == id || p.SlugID == id) && ex.projectVisible(p) {
				return ex.object(f.SelectionSet, p, path)
			}
		}
		return nil, notFound("Project")
	case "documents":
		var list []*Document
		for _, doc := range d.Documents {
			if ex.documentVisible(doc) {
				list = append(list, doc)
			}
		}
		return connection(ex, f, args, path, list, func(doc *Document) entry {
			return entry{id: doc.ID, created: doc.CreatedAt, updated: doc.UpdatedAt, archived: doc.ArchivedAt != nil}
		})
	case "document":
		for _, doc := range d.Documents {
			if (doc.ID == id || doc.SlugID == id) && ex.documentVisible(doc) {
				return ex.object(f.SelectionSet, doc, path)
			}
		}
		return nil, notFound("Document")
	}
	return nil, fieldError{newError(CodeValidation, "query "+f.Name+" is not served by this emulator")}
}

// entry is what a connection sorts and filters an item by.
type entry struct {
	id               string
	created, updated time.Time
	archived         bool
	teams            []string // the keys of the item's teams, for team filters
}

// connection cuts a page of items the way Linear's connections do: sorted
// by createdAt or updatedAt, newest first (ties by id), filtered by
// updatedAt, archived items left out unless asked for, first items after
// the cursor.
func connection[T any](ex *executor, f *ast.Field, args map[string]any, path []any, items []T, key func(T) entry) (any, error) {
	if args["last"] != nil || args["before"] != nil {
		return nil, invalid("backward pagination (last, before) is not served by this emulator")
	}
	first := defaultFirst
	if v, ok := toInt(args["first"]); ok {
		first = v
	}
	if first < 0 || first > maxFirst {
		return nil, invalid("first must be between 0 and %d", maxFirst)
	}
	byUpdated := args["orderBy"] == "updatedAt"
	sortKey := func(e entry) time.Time {
		if byUpdated {
			return e.updated
		}
		return e.created
	}
	cmpFilter, err := dateFilter(args["filter"])
	if err != nil {
		return nil, err
	}
	archived, _ := args["includeArchived"].(bool)
	type item struct {
		v T
		e entry
	}
	var list []item
	for _, it := range items {
		e := key(it)
		if e.archived && !archived || !cmpFilter(e) {
			continue
		}
		list = append(list, item{it, e})
	}
	slices.SortStableFunc(list, func(a, b item) int {
		if c := sortKey(b.e).Compare(sortKey(a.e)); c != 0 {
			return c
		}
		return strings.Compare(b.e.id, a.e.id)
	})
	startAt := 0
	if after, _ := args["after"].(string); after != "" {
		at, id, ok := decodeCursor(after)
		if !ok {
			return nil, invalid("Invalid cursor: %s", after)
		}
		startAt = len(list)
		for i, it := range list {
			k := sortKey(it.e)
			if k.Before(at) || k.Equal(at) && it.e.id < id {
				startAt = i
				break
			}
		}
	}
	page := list[startAt:min(startAt+first, len(list))]
	out := map[string]any{}
	for _, s := range f.SelectionSet {
		sf, ok := s.(*ast.Field)
		if !ok {
			return nil, fieldError{newError(CodeValidation, "fragments are not supported by this emulator")}
		}
		key := cmp.Or(sf.Alias, sf.Name)
		switch sf.Name {
		case "nodes":
			nodes := make([]any, 0, len(page))
			for i, it := range page {
				n, err := ex.object(sf.SelectionSet, it.v, append(path, key, i))
				if err != nil {
					return nil, err
				}
				nodes = append(nodes, n)
			}
			out[key] = nodes
		case "pageInfo":
			info := map[string]any{}
			for _, ps := range sf.SelectionSet {
				pf, ok := ps.(*ast.Field)
				if !ok {
					return nil, fieldError{newError(CodeValidation, "fragments are not supported by this emulator")}
				}
				var v any
				switch pf.Name {
				case "hasNextPage":
					v = startAt+len(page) < len(list)
				case "hasPreviousPage":
					v = startAt > 0
				case "startCursor":
					if len(page) > 0 {
						v = encodeCursor(sortKey(page[0].e), page[0].e.id)
					}
				case "endCursor":
					if len(page) > 0 {
						v = encodeCursor(sortKey(page[len(page)-1].e), page[len(page)-1].e.id)
					}
				case "__typename":
					v = "PageInfo"
				}
				info[cmp.Or(pf.Alias, pf.Name)] = v
			}
			out[key] = info
		case "__typename":
			out[key] = sf.ObjectDefinition.Name
		}
	}
	return out, nil
}

func encodeCursor(t time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(t.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeCursor(c string) (time.Time, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", false
	}
	ts, id, ok := strings.Cut(string(b), "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	return t, id, ok && err == nil && id != ""
}

// dateFilter reads a filter: {updatedAt: {gt, gte, lt, lte, eq, neq}},
// and for issues {team: {key: {eq, in}}}, for projects {accessibleTeams:
// {some: {key: {eq, in}}}}.
func dateFilter(v any) (func(entry) bool, error) {
	m, _ := v.(map[string]any)
	if m == nil {
		return func(entry) bool { return true }, nil
	}
	var keys func(string) bool
	for k, f := range m {
		switch k {
		case "updatedAt":
		case "team", "accessibleTeams":
			tf, _ := f.(map[string]any)
			if k == "accessibleTeams" {
				tf, _ = tf["some"].(map[string]any)
			}
			kc, _ := tf["key"].(map[string]any)
			var err error
			if keys, err = stringComparator(kc); err != nil {
				return nil, err
			}
		default:
			return nil, invalid("filter %s is not served by this emulator", k)
		}
	}
	times, err := timeFilter(m["updatedAt"])
	if err != nil {
		return nil, err
	}
	return func(e entry) bool {
		if keys != nil && !slices.ContainsFunc(e.teams, keys) {
			return false
		}
		return times(e.updated)
	}, nil
}

// stringComparator reads {eq: S} or {in: [S ...]}.
func stringComparator(c map[string]any) (func(string) bool, error) {
	if c == nil {
		return nil, invalid("a team filter needs key: {eq} or key: {in}")
	}
	var want []string
	if eq, ok := c["eq"].(string); ok {
		want = append(want, eq)
	}
	if in, ok := c["in"].([]any); ok {
		for _, v := range in {
			s, _ := v.(string)
			want = append(want, s)
		}
	}
	return func(s string) bool { return slices.Contains(want, s) }, nil
}

// timeFilter reads {gt, gte, lt, lte, eq, neq} of dates.
func timeFilter(v any) (func(time.Time) bool, error) {
	c, _ := v.(map[string]any)
	type bound struct {
		op string
		t  time.Time
	}
	var bounds []bound
	for op, raw := range c {
		if raw == nil {
			continue
		}
		s, _ := raw.(string)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, invalid("Argument Validation Error: updatedAt.%s must be a date", op)
		}
		bounds = append(bounds, bound{op, t})
	}
	return func(t time.Time) bool {
		for _, b := range bounds {
			c := t.Compare(b.t)
			ok := map[string]bool{"eq": c == 0, "neq": c != 0, "gt": c > 0, "gte": c >= 0, "lt": c < 0, "lte": c <= 0}[b.op]
			if !ok {
				return false
			}
		}
		return true
	}, nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), n == math.Trunc(n)
	case json.Number:
		i, err := strconv.Atoi(string(n))
		return i, err == nil
	}
	return 0, false
}

// complexity estimates a selection's cost the way Linear documents it: a
// tenth of a point per scalar field, a point per object, and a
// connection's nodes counted as many times as the page may hold (first,
// or 50).
func complexity(sel ast.SelectionSet, vars map[string]any) float64 {
	total := 0.0
	for _, s := range sel {
		f, ok := s.(*ast.Field)
		if !ok {
			continue
		}
		switch {
		case len(f.SelectionSet) == 0:
			total += 0.1
		case strings.HasSuffix(f.Definition.Type.Name(), "Connection"):
			n := defaultFirst
			if v, ok := toInt(f.ArgumentMap(vars)["first"]); ok {
				n = v
			}
			total++
			for _, cs := range f.SelectionSet {
				if cf, ok := cs.(*ast.Field); ok && cf.Name == "nodes" {
					total += float64(n) * (1 + complexity(cf.SelectionSet, vars))
				} else if ok {
					total += 1 + complexity(cf.SelectionSet, vars)
				}
			}
		default:
			total += 1 + complexity(f.SelectionSet, vars)
		}
	}
	return total
}
