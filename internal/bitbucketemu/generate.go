package bitbucketemu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// GenerateOptions shapes generated data.
type GenerateOptions struct {
	// Workspaces is the number of workspaces ("acme", "globex", then
	// "ws-2" ...); 1 when zero.
	Workspaces int
	// Repositories is the number of repositories per workspace; 1 when
	// zero.
	Repositories int
	// PullRequests is the number of pull requests per repository.
	PullRequests int
	// Comments is the most comments a pull request gets (each gets
	// 0..Comments, a few of them deleted, inline or replies).
	Comments int
	// PrivateEvery makes every n-th repository private; 0 makes all
	// public.
	PrivateEvery int
	// Start is the earliest creation time; Span is how long after it pull
	// requests are created and updated. Defaults: 2023-01-01 and two years.
	Start time.Time
	Span  time.Duration
	// Seed makes the data reproducible.
	Seed uint64
}

var workspaceNames = []string{"acme", "globex"}

// Generate returns people, workspaces and repositories with pull requests
// whose times vary at microsecond precision, as Bitbucket's do. About one
// pull request in seven shares its update time with another of its
// repository, as on busy repositories. The first user administers every
// workspace; the next three are members; the last two belong to none.
func Generate(o GenerateOptions) *Data {
	o.Workspaces = max(o.Workspaces, 1)
	o.Repositories = max(o.Repositories, 1)
	if o.Start.IsZero() {
		o.Start = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Span <= 0 {
		o.Span = 2 * 365 * 24 * time.Hour
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	d := &Data{}
	for i, name := range []string{"ana", "bo", "chen", "dara", "eli", "fay"} {
		d.Users = append(d.Users, &User{
			UUID:        fmt.Sprintf("{00000000-0000-4000-8000-%012d}", i+1),
			AccountID:   fmt.Sprintf("5b10a2844c20165700ede2%02d", i+1),
			DisplayName: strings.ToUpper(name[:1]) + name[1:] + " Example",
			Nickname:    name,
			Email:       name + "@example.com",
		})
	}
	u := d.Users
	var nextComment int64 = 1000
	for w := range o.Workspaces {
		slug := fmt.Sprintf("ws-%d", w)
		if w < len(workspaceNames) {
			slug = workspaceNames[w]
		}
		ws := &Workspace{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], UUID: fmt.Sprintf("{10000000-0000-4000-8000-%012d}", w+1),
			Private: true, Members: []*User{u[1], u[2], u[3]}, Admins: []*User{u[0]}}
		d.Workspaces = append(d.Workspaces, ws)
		for r := range o.Repositories {
			repo := &Repository{Workspace: ws, Slug: fmt.Sprintf("repo-%03d", r), Name: fmt.Sprintf("Repo %03d", r),
				UUID:        fmt.Sprintf("{20000000-0000-4000-8000-%06d%06d}", w+1, r+1),
				Description: fmt.Sprintf("Repository %d of %s", r, slug), ProjectKey: "PRJ", CreatedOn: o.Start}
			repo.Private = o.PrivateEvery > 0 && r%o.PrivateEvery == 0
			if repo.Private {
				repo.Permissions = []Permission{{User: u[1], Level: "read"}, {User: u[2], Level: "write"}}
			}
			var prev time.Time
			for i := range o.PullRequests {
				created := o.Start.Add(time.Duration(rng.Int64N(int64(o.Span) / 2))).Truncate(time.Microsecond)
				updated := created.Add(time.Duration(rng.Int64N(int64(o.Span) / 2))).Truncate(time.Microsecond)
				if i%7 == 6 && !prev.IsZero() && !prev.Before(created) {
					updated = prev
				}
				prev = updated
				p := &PullRequest{ID: int64(i + 1), Title: fmt.Sprintf("Change %d of %s", i+1, repo.Slug),
					Description: fmt.Sprintf("This pull request changes part %d.\n\nIt touches `%s`.", i+1, repo.Slug),
					State:       []string{StateOpen, StateMerged, StateDeclined, StateSuperseded, StateMerged}[i%5],
					Author:      u[i%4], Reviewers: []*User{u[(i+1)%4]}, SourceBranch: fmt.Sprintf("feature/%d", i+1),
					DestBranch: "main", CreatedOn: created, UpdatedOn: updated}
				for c := range rng.IntN(o.Comments + 1) {
					nextComment++
					cm := &Comment{ID: nextComment, Body: fmt.Sprintf("Comment %d on %d.", c+1, p.ID), User: u[(i+c)%4],
						CreatedOn: created.Add(time.Duration(c+1) * time.Minute), UpdatedOn: created.Add(time.Duration(c+1) * time.Minute)}
					switch c % 4 {
					case 1:
						cm.Inline = "src/main.go"
					case 2:
						cm.Parent = nextComment - 1
					case 3:
						cm.Deleted = true
					}
					p.Comments = append(p.Comments, cm)
				}
				repo.PullRequests = append(repo.PullRequests, p)
				repo.UpdatedOn = maxTime(repo.UpdatedOn, updated)
			}
			d.Repositories = append(d.Repositories, repo)
		}
	}
	return d
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// UpdateTimes returns the update times of every pull request, oldest
// first.
func (d *Data) UpdateTimes() []time.Time {
	var out []time.Time
	for _, r := range d.Repositories {
		for _, p := range r.PullRequests {
			out = append(out, p.UpdatedOn)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}
