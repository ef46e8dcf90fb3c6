package gitlabemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// GenerateOptions shapes a generated instance.
type GenerateOptions struct {
	// Group is the top-level group's path; "acme" when empty.
	Group string
	// Subgroups is the number of subgroups of the top-level group; each
	// subgroup has one nested subgroup of its own when Nested is set.
	Subgroups int
	Nested    bool
	// Projects is the number of projects in each group; 1 when zero.
	Projects int
	// Issues and MergeRequests are the numbers of each per project.
	Issues, MergeRequests int
	// Notes is the most notes an item gets (each gets 0..Notes, a few of
	// them system notes).
	Notes int
	// WikiPages is the number of wiki pages per project.
	WikiPages int
	// PrivateEvery makes every n-th project private (and every n-th+1
	// internal); 0 makes all public.
	PrivateEvery int
	// Start is the earliest creation time; Span is how long after it items
	// are created and updated. Defaults: 2023-01-01 and two years.
	Start time.Time
	Span  time.Duration
	// Seed makes the data reproducible.
	Seed uint64
}

func (o *GenerateOptions) defaults() {
	if o.Group == "" {
		o.Group = "acme"
	}
	if o.Projects <= 0 {
		o.Projects = 1
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 2 * 365 * 24 * time.Hour
	}
}

// Generate returns an instance with people, a group tree, projects with
// issues, merge requests, notes and wiki pages, whose creation and update
// times vary item by item at millisecond precision. A few items share an
// update time, as busy projects do. A second top-level group, "partners",
// is shared with every private project.
func Generate(o GenerateOptions) *Data {
	o.defaults()
	g := &generator{rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), o: o}
	d := &Data{}
	for i, name := range []string{"ana", "bo", "chen", "dara", "eli", "fay"} {
		u := &User{ID: g.nextID(), Username: name, Name: strings.ToUpper(name[:1]) + name[1:] + " Example",
			Email: name + "@" + o.Group + ".example"}
		if i%2 == 0 {
			u.PublicEmail = u.Email
		}
		d.Users = append(d.Users, u)
	}
	g.people = d.Users
	top := &Group{ID: g.nextID(), Path: o.Group, Name: strings.ToUpper(o.Group[:1]) + o.Group[1:], Visibility: "public",
		CreatedAt: o.Start, Members: []Member{{User: d.Users[0], AccessLevel: Owner}, {User: d.Users[1], AccessLevel: Developer}}}
	partners := &Group{ID: g.nextID(), Path: "partners", Name: "Partners", Visibility: "private", CreatedAt: o.Start,
		Members: []Member{{User: d.Users[4], AccessLevel: Reporter}, {User: d.Users[5], AccessLevel: Guest}}}
	d.Groups = []*Group{top, partners}
	groups := []*Group{top}
	for i := range o.Subgroups {
		sg := &Group{ID: g.nextID(), Path: fmt.Sprintf("team-%02d", i), Name: fmt.Sprintf("Team %02d", i), Parent: top,
			Visibility: "private", CreatedAt: o.Start, Members: []Member{{User: d.Users[2+i%2], AccessLevel: Maintainer}}}
		d.Groups = append(d.Groups, sg)
		groups = append(groups, sg)
		if o.Nested {
			ng := &Group{ID: g.nextID(), Path: "core", Name: "Core", Parent: sg, Visibility: "private", CreatedAt: o.Start}
			d.Groups = append(d.Groups, ng)
			groups = append(groups, ng)
		}
	}
	n := 0
	for _, grp := range groups {
		for range o.Projects {
			p := g.project(grp, n)
			if p.Visibility == "private" {
				p.SharedWith = []Share{{Group: partners, AccessLevel: Reporter}}
			}
			d.Projects = append(d.Projects, p)
			n++
		}
	}
	return d
}

type generator struct {
	rng    *rand.Rand
	o      GenerateOptions
	id     int64
	people []*User
}

func (g *generator) nextID() int64 { g.id++; return g.id }

// at returns a time in the span at millisecond precision.
func (g *generator) at() time.Time {
	return g.o.Start.Add(time.Duration(g.rng.Int64N(int64(g.o.Span/time.Millisecond))) * time.Millisecond)
}

func (g *generator) person() *User { return g.people[g.rng.IntN(len(g.people))] }

func (g *generator) project(ns *Group, n int) *Project {
	vis := "public"
	if k := g.o.PrivateEvery; k > 0 && n%k == k-1 {
		vis = "private"
	} else if k > 1 && n%k == k-2 {
		vis = "internal"
	}
	p := &Project{ID: g.nextID(), Path: fmt.Sprintf("project-%03d", n), Name: fmt.Sprintf("Project %03d", n),
		Namespace: ns, Visibility: vis, Description: "Generated project " + fmt.Sprint(n), CreatedAt: g.o.Start,
		Members: []Member{{User: g.people[(n+3)%len(g.people)], AccessLevel: Developer}}}
	var prev time.Time
	for i := range g.o.Issues {
		it := g.item(int64(i+1), false, prev)
		prev = it.UpdatedAt
		p.Issues = append(p.Issues, it)
	}
	for i := range g.o.MergeRequests {
		it := g.item(int64(i+1), true, prev)
		prev = it.UpdatedAt
		p.MergeRequests = append(p.MergeRequests, it)
	}
	for i := range g.o.WikiPages {
		slug := fmt.Sprintf("page-%02d", i)
		if i == 1 {
			slug = "guides/setup" // a page in a wiki folder
		}
		p.Wiki = append(p.Wiki, &WikiPage{Slug: slug, Title: strings.ReplaceAll(slug, "-", " "), Format: "markdown",
			Content: fmt.Sprintf("# %s\n\nHow %s works in project %03d.", slug, slug, n)})
	}
	p.LastActivityAt = prev
	return p
}

func (g *generator) item(iid int64, mr bool, prev time.Time) *Item {
	created := g.at()
	updated := created.Add(time.Duration(g.rng.Int64N(int64(30*24*time.Hour/time.Millisecond))) * time.Millisecond)
	if !prev.IsZero() && g.rng.IntN(12) == 0 {
		updated = prev // the same millisecond as another item
		if created.After(updated) {
			created = updated
		}
	}
	kind := "Issue"
	if mr {
		kind = "Merge request"
	}
	it := &Item{ID: g.nextID(), IID: iid, MR: mr, Title: fmt.Sprintf("%s %d: %s", kind, iid, words[g.rng.IntN(len(words))]),
		Description: fmt.Sprintf("Details of %s %d.\n\nIt concerns %s.", strings.ToLower(kind), iid, words[g.rng.IntN(len(words))]),
		State:       "opened", Author: g.person(), CreatedAt: created, UpdatedAt: updated,
		Labels: []string{labels[g.rng.IntN(len(labels))]}}
	if g.rng.IntN(2) == 0 {
		it.Assignees = []*User{g.person()}
	}
	if g.rng.IntN(3) == 0 {
		it.Milestone = &Milestone{ID: 900 + iid%3, IID: 1 + iid%3, Title: fmt.Sprintf("v1.%d", iid%3), State: "active"}
	}
	if g.rng.IntN(3) == 0 {
		it.State, it.ClosedAt = "closed", updated
	}
	if mr {
		it.SourceBranch, it.TargetBranch = fmt.Sprintf("feature-%d", iid), "main"
		if it.State == "closed" && g.rng.IntN(2) == 0 {
			it.State, it.MergedAt, it.ClosedAt = "merged", updated, time.Time{}
		}
		it.Draft = g.rng.IntN(5) == 0
		it.Reviewers = []*User{g.person()}
	}
	if g.o.Notes > 0 {
		for j := range g.rng.IntN(g.o.Notes + 1) {
			at := created.Add(time.Duration(j+1) * time.Minute)
			if at.After(updated) {
				at = updated
			}
			it.Notes = append(it.Notes, Note{ID: g.nextID(), Body: fmt.Sprintf("Note %d on %s %d", j+1, strings.ToLower(kind), iid),
				Author: g.person(), System: j%3 == 2, CreatedAt: at, UpdatedAt: at})
		}
	}
	return it
}

var (
	words  = []string{"login fails", "slow search", "export to CSV", "dark mode", "flaky test", "memory leak", "typo in docs"}
	labels = []string{"bug", "feature", "docs", "performance"}
)
