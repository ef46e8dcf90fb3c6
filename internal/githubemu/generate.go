package githubemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// GenerateOptions shapes a generated organization.
type GenerateOptions struct {
	// Org is the organization's login; "acme" when empty.
	Org string
	// Repos is the number of repositories; 1 when zero.
	Repos int
	// Items is the number of issues and pull requests per repository.
	Items int
	// PullShare is the share of items that are pull requests, in [0, 1].
	PullShare float64
	// PrivateEvery makes every n-th repository private; 0 makes none.
	PrivateEvery int
	// Comments is the most comments an item gets (each gets 0..Comments).
	Comments int
	// Start is the earliest creation time; Span is how long after it items
	// are created and updated. Defaults: 2023-01-01 and two years.
	Start time.Time
	Span  time.Duration
	// Seed makes the data reproducible.
	Seed uint64
}

func (o *GenerateOptions) defaults() {
	if o.Org == "" {
		o.Org = "acme"
	}
	if o.Repos <= 0 {
		o.Repos = 1
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 2 * 365 * 24 * time.Hour
	}
}

// Generate returns an organization with people, repositories, issues and
// pull requests whose creation and update times vary item by item. A few
// items share an update time to the second, as busy repositories do.
func Generate(o GenerateOptions) *Data {
	o.defaults()
	g := &generator{rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), o: o}
	org := &User{Login: o.Org, ID: g.nextID(), Organization: true, Name: strings.ToUpper(o.Org[:1]) + o.Org[1:]}
	d := &Data{Users: []*User{org}}
	for i, name := range []string{"ana", "bo", "chen", "dara", "eli", "fay"} {
		u := &User{Login: name, ID: g.nextID(), Name: strings.ToUpper(name[:1]) + name[1:] + " Example"}
		if i%2 == 0 {
			u.Email = name + "@" + o.Org + ".example"
		}
		d.Users = append(d.Users, u)
	}
	g.people = d.Users[1:]
	for i := range o.Repos {
		d.Repos = append(d.Repos, g.repo(org, i))
	}
	return d
}

type generator struct {
	rng    *rand.Rand
	o      GenerateOptions
	id     int64
	people []*User
}

func (g *generator) nextID() int64 {
	g.id++
	return 1000 + g.id
}

// at returns a time at a random second within the span.
func (g *generator) at() time.Time {
	return g.o.Start.Add(time.Duration(g.rng.Int64N(int64(g.o.Span/time.Second))) * time.Second)
}

// after returns a time at or after t and within the span.
func (g *generator) after(t time.Time) time.Time {
	end := g.o.Start.Add(g.o.Span)
	if !t.Before(end) {
		return t
	}
	return t.Add(time.Duration(g.rng.Int64N(int64(end.Sub(t)/time.Second)+1)) * time.Second)
}

func (g *generator) person() *User { return g.people[g.rng.IntN(len(g.people))] }

func (g *generator) repo(owner *User, i int) *Repo {
	r := &Repo{
		ID: g.nextID(), Owner: owner, Name: fmt.Sprintf("repo-%03d", i),
		Private:       g.o.PrivateEvery > 0 && i%g.o.PrivateEvery == g.o.PrivateEvery-1,
		Description:   fmt.Sprintf("Repository %d of %s", i, owner.Login),
		DefaultBranch: "main",
	}
	r.CreatedAt = g.at()
	r.Collaborators = []*User{g.people[0], g.people[1+i%(len(g.people)-1)]}
	r.Teams = []Team{{ID: g.nextID(), Slug: "engineering", Name: "Engineering", Permission: "push", Members: g.people[:3]}}
	var last time.Time
	for n := 1; n <= g.o.Items; n++ {
		it := g.item(r, n)
		// Every 50th item shares its predecessor's update time, so that
		// sorting and resuming meet ties.
		if n%50 == 0 && !last.IsZero() && !last.Before(it.CreatedAt) {
			it.UpdatedAt = last
		}
		last = it.UpdatedAt
		r.Items = append(r.Items, it)
		if it.UpdatedAt.After(r.UpdatedAt) {
			r.UpdatedAt = it.UpdatedAt
		}
	}
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = r.CreatedAt
	}
	r.PushedAt = r.UpdatedAt
	return r
}

var labelNames = [...]string{"bug", "enhancement", "documentation", "question", "performance"}

func (g *generator) item(r *Repo, n int) *Item {
	it := &Item{ID: g.nextID(), Number: n, PR: g.rng.Float64() < g.o.PullShare, User: g.person(), State: "open"}
	it.CreatedAt = g.after(r.CreatedAt)
	it.UpdatedAt = g.after(it.CreatedAt)
	kind := "issue"
	if it.PR {
		kind = "change"
		it.HeadRef, it.BaseRef = fmt.Sprintf("feature-%d", n), r.DefaultBranch
		it.Draft = n%7 == 0
	}
	it.Title = fmt.Sprintf("%s (%s %d)", capitalize(topics[g.rng.IntN(len(topics))]), kind, n)
	it.Body = g.body(r, n)
	if g.rng.IntN(3) == 0 {
		it.State, it.ClosedAt = "closed", it.UpdatedAt
		if it.PR && g.rng.IntN(2) == 0 {
			it.MergedAt = it.UpdatedAt
		}
	}
	if n%3 == 0 {
		it.Assignees = []*User{g.person()}
	}
	for j := range g.rng.IntN(3) {
		name := labelNames[(n+j)%len(labelNames)]
		it.Labels = append(it.Labels, Label{ID: int64(100 + (n+j)%len(labelNames)), Name: name, Color: "d73a4a"})
	}
	g.comments(it)
	return it
}

func (g *generator) comments(it *Item) {
	if g.o.Comments <= 0 {
		return
	}
	t := it.CreatedAt
	for j := range g.rng.IntN(g.o.Comments + 1) {
		if t = g.after(t); t.After(it.UpdatedAt) {
			t = it.UpdatedAt
		}
		it.Comments = append(it.Comments, Comment{ID: g.nextID(), User: g.person(), CreatedAt: t, UpdatedAt: t,
			Body: fmt.Sprintf("Comment %d on #%d: %s", j+1, it.Number, topics[g.rng.IntN(len(topics))])})
	}
}

var topics = [...]string{
	"login fails behind the proxy", "retry uploads after a timeout", "document the release steps",
	"speed up the search index", "crash when the config file is empty", "add dark mode to settings",
	"flaky test in the scheduler", "upgrade the database driver", "clarify the error on bad tokens",
	"support for repositories with many branches",
}

func (g *generator) body(r *Repo, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Reported in %s as #%d.\n\n", r.FullName(), n)
	for range 1 + g.rng.IntN(4) {
		b.WriteString("Steps: open the page, ")
		b.WriteString(topics[g.rng.IntN(len(topics))])
		b.WriteString(". Expected it to work; it did not.\n")
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
