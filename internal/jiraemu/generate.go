package jiraemu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// GenerateOptions shape a generated site.
type GenerateOptions struct {
	// Projects is the number of projects; 1 when zero. Keys are AAA, AAB...
	Projects int
	// Issues is the number of issues per project.
	Issues int
	// Comments is the most comments an issue gets (each gets 0..Comments).
	Comments int
	// Start is the earliest creation time; Span is how long after it issues
	// are created and updated. Defaults: 2023-01-01 and two years.
	Start time.Time
	Span  time.Duration
	// TimeZone is every user's time zone; "UTC" when empty.
	TimeZone string
	// Seed makes the data reproducible.
	Seed uint64
}

// Generate returns a site with people, projects, issues with ADF
// descriptions and comments. Update times vary issue by issue, and a few
// issues share their update time to the millisecond, as bulk edits do.
func Generate(o GenerateOptions) *Data {
	if o.Projects <= 0 {
		o.Projects = 1
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 2 * 365 * 24 * time.Hour
	}
	if o.TimeZone == "" {
		o.TimeZone = "UTC"
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5bd1e995))
	d := &Data{}
	for i, name := range []string{"Ana Silva", "Bo Lind", "Chen Wei", "Dara Okafor", "Eli Cohen"} {
		first := name[:len(name)-len(name[indexSpace(name):])]
		d.Users = append(d.Users, &User{AccountID: fmt.Sprintf("5b10a2844c20165700ede%03d", i), Name: first,
			DisplayName: name, Email: first + "@example.com", HideEmail: i%2 == 1, TimeZone: o.TimeZone, Admin: i == 0})
	}
	d.Groups = []*Group{{Name: "devs", Users: slices.Clone(d.Users[2:4])}, {Name: "editors", Users: slices.Clone(d.Users[1:2])},
		{Name: "jira-software-users", Users: slices.Clone(d.Users)}}
	d.AppRoles = []*AppRole{{Key: "jira-software", Name: "Jira Software", Groups: []string{"jira-software-users"}}}
	id := 10000
	for p := range o.Projects {
		key := projectKey(p)
		proj := &Project{ID: strconv.Itoa(10000 + p), Key: key, Name: "Project " + key,
			Roles: []*Role{{ID: "10002", Name: "Developers", Users: []*User{d.Users[2], d.Users[3]}, Groups: []string{"devs"}}},
			Grants: []Grant{{Permission: "BROWSE_PROJECTS", Type: "group", Parameter: "jira-software-users"},
				{Permission: "BROWSE_PROJECTS", Type: "projectRole", Parameter: "10002"},
				{Permission: "BROWSE_PROJECTS", Type: "reporter"},
				{Permission: "EDIT_ISSUES", Type: "group", Parameter: "editors"}}}
		if p%3 == 2 {
			proj.Grants = append(proj.Grants, Grant{Permission: "BROWSE_PROJECTS", Type: "anyone"})
		}
		var prev time.Time
		for n := 1; n <= o.Issues; n++ {
			id++
			created := o.Start.Add(time.Duration(rng.Int64N(int64(o.Span)))).Truncate(time.Millisecond)
			updated := created.Add(time.Duration(rng.Int64N(int64(o.Span) / 4))).Truncate(time.Millisecond)
			if n%17 == 0 && !prev.IsZero() {
				updated = prev // a bulk edit
				if created.After(updated) {
					created = updated
				}
			}
			prev = updated
			is := &Issue{ID: strconv.Itoa(id), Key: key + "-" + strconv.Itoa(n),
				Summary: fmt.Sprintf("%s issue %d", key, n), Created: created, Updated: updated,
				Reporter: d.Users[rng.IntN(len(d.Users))], Status: []string{"To Do", "In Progress", "Done"}[rng.IntN(3)],
				Priority: []string{"Low", "Medium", "High"}[rng.IntN(3)], IssueType: []string{"Bug", "Task", "Story"}[rng.IntN(3)],
				Labels: [][]string{nil, {"backend"}, {"frontend", "ux"}}[rng.IntN(3)]}
			is.Creator = is.Reporter
			if rng.IntN(3) > 0 {
				is.Assignee = d.Users[rng.IntN(len(d.Users))]
			}
			if is.Status == "Done" {
				is.Resolution = "Done"
			}
			is.Description = SampleDescription(is.Key, is.Reporter)
			for c := range rng.IntN(o.Comments + 1) {
				id++
				at := created.Add(time.Duration(c+1) * time.Minute)
				is.Comments = append(is.Comments, &Comment{ID: strconv.Itoa(id), Author: d.Users[rng.IntN(len(d.Users))],
					Body: Doc(Paragraph(Text(fmt.Sprintf("Comment %d on %s.", c+1, is.Key)))), Created: at, Updated: at})
			}
			proj.Issues = append(proj.Issues, is)
		}
		d.Projects = append(d.Projects, proj)
	}
	return d
}

func indexSpace(s string) int {
	for i, r := range s {
		if r == ' ' {
			return i
		}
	}
	return len(s)
}

// projectKey returns the i-th project key: AAA, AAB, ...
func projectKey(i int) string {
	b := []byte{'A', 'A', 'A'}
	for j := 2; j >= 0; j-- {
		b[j] = byte('A' + i%26)
		i /= 26
	}
	return string(b)
}

// SampleDescription is an ADF description with a heading, a paragraph with
// a mention and a link, a list and a code block.
func SampleDescription(key string, who *User) map[string]any {
	return Doc(
		Node("heading", map[string]any{"level": 2}, Text("Summary of "+key)),
		Paragraph(Text("Reported by "), Node("mention", map[string]any{"id": who.AccountID, "text": "@" + who.DisplayName}),
			Text(". See "), Link("the runbook", "https://example.com/runbook"), Text(".")),
		Node("bulletList", nil, Node("listItem", nil, Paragraph(Text("first step"))), Node("listItem", nil, Paragraph(Text("second step")))),
		Node("codeBlock", map[string]any{"language": "go"}, Text("fmt.Println(\"hi\")")),
	)
}

// Doc returns an ADF document of the blocks.
func Doc(blocks ...map[string]any) map[string]any {
	n := Node("doc", nil, blocks...)
	n["version"] = 1
	return n
}

// Node returns an ADF node.
func Node(typ string, attrs map[string]any, content ...map[string]any) map[string]any {
	n := map[string]any{"type": typ}
	if attrs != nil {
		n["attrs"] = attrs
	}
	if len(content) > 0 {
		cs := make([]any, len(content))
		for i, c := range content {
			cs[i] = c
		}
		n["content"] = cs
	}
	return n
}

// Paragraph returns an ADF paragraph.
func Paragraph(content ...map[string]any) map[string]any { return Node("paragraph", nil, content...) }

// Text returns an ADF text node.
func Text(s string) map[string]any { return map[string]any{"type": "text", "text": s} }

// Link returns an ADF text node with a link mark.
func Link(s, href string) map[string]any {
	return map[string]any{"type": "text", "text": s, "marks": []any{map[string]any{"type": "link", "attrs": map[string]any{"href": href}}}}
}
