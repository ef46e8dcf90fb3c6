package linearemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// The objects of an emulated workspace, with the fields Linear's GraphQL
// API serves. Times are UTC with millisecond precision, as Linear keeps
// them.

// Organization is the workspace.
type Organization struct {
	ID     string
	Name   string
	URLKey string // the workspace's part of every web address
}

// User is a member of the workspace.
type User struct {
	ID          string
	Name        string
	DisplayName string
	Email       string
	Active      bool
	Guest       bool
}

// Team owns issues. A private team is visible only to its members.
type Team struct {
	ID        string
	Key       string
	Name      string
	Private   bool
	Members   []*User
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Project groups issues across teams.
type Project struct {
	ID          string
	SlugID      string
	Name        string
	Description string
	Content     string
	State       string
	Lead        *User
	Creator     *User
	Teams       []*Team
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ArchivedAt  *time.Time
}

// Issue is a team's issue, ENG-12.
type Issue struct {
	ID          string
	Team        *Team
	Number      int
	Title       string
	Description string
	Priority    int
	State       string
	StateType   string
	Labels      []string
	Creator     *User
	Assignee    *User
	Project     *Project
	Comments    []*Comment
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ArchivedAt  *time.Time
}

// Identifier returns the issue's key, such as ENG-12.
func (i *Issue) Identifier() string { return fmt.Sprintf("%s-%d", i.Team.Key, i.Number) }

// Comment is a comment on an issue.
type Comment struct {
	ID        string
	Body      string
	User      *User
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Document is a document, usually in a project.
type Document struct {
	ID         string
	SlugID     string
	Title      string
	Content    string
	Creator    *User
	Project    *Project
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ArchivedAt *time.Time
}

// Data is a workspace.
type Data struct {
	Org       Organization
	Users     []*User
	Teams     []*Team
	Projects  []*Project
	Issues    []*Issue
	Documents []*Document
	// Aliases are the former identifiers of issues moved to another team,
	// which Linear still resolves to them.
	Aliases map[string]*Issue
}

// WebBase is the address every web URL of the emulated workspace starts
// with.
const WebBase = "https://linear.app"

// slug makes the title part of a web address.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// IssueURL is the issue's web address, with its title's slug.
func (d *Data) IssueURL(i *Issue) string {
	return WebBase + "/" + d.Org.URLKey + "/issue/" + i.Identifier() + "/" + slug(i.Title)
}

// IssueID is the connector's id of an issue: its address without the
// title's slug.
func (d *Data) IssueID(i *Issue) string {
	return WebBase + "/" + d.Org.URLKey + "/issue/" + i.Identifier()
}

// ProjectURL is the project's web address.
func (d *Data) ProjectURL(p *Project) string {
	return WebBase + "/" + d.Org.URLKey + "/project/" + slug(p.Name) + "-" + p.SlugID
}

// ProjectID is the connector's id of a project.
func (d *Data) ProjectID(p *Project) string {
	return WebBase + "/" + d.Org.URLKey + "/project/" + p.SlugID
}

// DocumentURL is the document's web address.
func (d *Data) DocumentURL(doc *Document) string {
	return WebBase + "/" + d.Org.URLKey + "/document/" + slug(doc.Title) + "-" + doc.SlugID
}

// DocumentID is the connector's id of a document.
func (d *Data) DocumentID(doc *Document) string {
	return WebBase + "/" + d.Org.URLKey + "/document/" + doc.SlugID
}

// TeamURL is the team's web address, the id of its node.
func (d *Data) TeamURL(t *Team) string {
	return WebBase + "/" + d.Org.URLKey + "/team/" + t.Key
}

// GenerateOptions shape a generated workspace.
type GenerateOptions struct {
	Teams    int // teams, ENG, OPS ...; at least 1
	Private  int // how many of the teams are private (the last ones)
	Projects int // projects, each in one or two teams
	Issues   int // issues in all, spread over the teams
	Comments int // comments per issue
	// Documents is the number of documents, spread over the projects (and
	// one in three in no project).
	Documents int
	// Ties makes groups of this many issues share one update time.
	Ties int
	Seed uint64
	// Start is the creation time of the first object; zero means
	// 2024-01-01.
	Start time.Time
}

var teamKeys = []string{"ENG", "OPS", "DES", "MKT", "SUP", "FIN", "LEG", "HR"}

// Generate builds a workspace: users, teams, projects, issues with
// comments, and documents, with distinct update times (unless Ties) in a
// pseudo-random order.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	start := o.Start
	if start.IsZero() {
		start = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	n := 0
	id := func(kind string) string {
		n++
		return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", n, len(kind), n%4096, o.Seed%4096, rng.Uint64()>>16)
	}
	d := &Data{Org: Organization{ID: id("org"), Name: "Acme", URLKey: "acme"}}
	for i := range 6 {
		d.Users = append(d.Users, &User{ID: id("user"), Name: fmt.Sprintf("User %d", i), DisplayName: fmt.Sprintf("user%d", i),
			Email: fmt.Sprintf("user%d@acme.test", i), Active: true})
	}
	at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Hour) }
	for i := range max(o.Teams, 1) {
		key := teamKeys[i%len(teamKeys)]
		if i >= len(teamKeys) {
			key += fmt.Sprint(i / len(teamKeys))
		}
		t := &Team{ID: id("team"), Key: key, Name: "Team " + key, Private: i >= max(o.Teams, 1)-o.Private,
			CreatedAt: at(i), UpdatedAt: at(i)}
		t.Members = []*User{d.Users[0]}
		for j, u := range d.Users[1:] {
			if (j+i)%2 == 0 {
				t.Members = append(t.Members, u)
			}
		}
		d.Teams = append(d.Teams, t)
	}
	for i := range o.Projects {
		p := &Project{ID: id("project"), SlugID: fmt.Sprintf("%012x", rng.Uint64()>>16), Name: fmt.Sprintf("Project %d", i),
			Description: fmt.Sprintf("Short summary of project %d", i), Content: fmt.Sprintf("# Project %d\n\nThe plan for project %d.", i, i),
			State: []string{"planned", "started", "completed"}[i%3], Lead: d.Users[i%len(d.Users)], Creator: d.Users[0],
			CreatedAt: at(10 + i)}
		p.Teams = []*Team{d.Teams[i%len(d.Teams)]}
		if i%3 == 1 && len(d.Teams) > 1 {
			p.Teams = append(p.Teams, d.Teams[(i+1)%len(d.Teams)])
		}
		p.UpdatedAt = p.CreatedAt.Add(time.Duration(rng.IntN(1000)+1) * time.Minute)
		d.Projects = append(d.Projects, p)
	}
	base := start.Add(1000 * time.Hour)
	numbers := map[*Team]int{}
	for i := range o.Issues {
		t := d.Teams[i%len(d.Teams)]
		numbers[t]++
		is := &Issue{ID: id("issue"), Team: t, Number: numbers[t], Title: fmt.Sprintf("Issue %d: %s", i, []string{"crash on start", "slow sync", "typo in docs", "login fails"}[i%4]),
			Description: fmt.Sprintf("Steps to reproduce issue %d.\n\n- open the app\n- see it fail", i),
			Priority:    i % 5, State: []string{"Backlog", "Todo", "In Progress", "Done"}[i%4], StateType: []string{"backlog", "unstarted", "started", "completed"}[i%4],
			Creator: d.Users[i%len(d.Users)], CreatedAt: base.Add(time.Duration(i) * time.Minute)}
		if i%3 != 0 {
			is.Assignee = d.Users[(i+1)%len(d.Users)]
		}
		if i%4 == 0 {
			is.Labels = []string{"bug"}
		} else if i%4 == 1 {
			is.Labels = []string{"feature", "ux"}
		}
		var inTeam []*Project
		for _, p := range d.Projects {
			for _, pt := range p.Teams {
				if pt == t {
					inTeam = append(inTeam, p)
				}
			}
		}
		if len(inTeam) > 0 && i%2 == 0 {
			is.Project = inTeam[(i/2)%len(inTeam)]
		}
		for c := range o.Comments {
			ct := is.CreatedAt.Add(time.Duration(c+1) * time.Second)
			is.Comments = append(is.Comments, &Comment{ID: id("comment"), Body: fmt.Sprintf("Comment %d on issue %d", c, i),
				User: d.Users[(i+c)%len(d.Users)], CreatedAt: ct, UpdatedAt: ct})
		}
		d.Issues = append(d.Issues, is)
	}
	// Update times: a shuffled order, spaced a few seconds apart, or tied
	// in groups.
	order := rng.Perm(len(d.Issues))
	for k, i := range order {
		step := k
		if o.Ties > 1 {
			step = k / o.Ties
		}
		d.Issues[i].UpdatedAt = base.Add(time.Duration(len(d.Issues)) * time.Minute).Add(time.Duration(step)*7*time.Second + time.Duration(step%1000)*time.Millisecond)
	}
	for i := range o.Documents {
		doc := &Document{ID: id("document"), SlugID: fmt.Sprintf("%012x", rng.Uint64()>>16), Title: fmt.Sprintf("Document %d", i),
			Content: fmt.Sprintf("# Document %d\n\nNotes written for document %d.", i, i), Creator: d.Users[i%len(d.Users)],
			CreatedAt: at(20 + i)}
		doc.UpdatedAt = doc.CreatedAt.Add(time.Duration(rng.IntN(5000)+1) * time.Minute)
		if len(d.Projects) > 0 && i%3 != 2 {
			doc.Project = d.Projects[i%len(d.Projects)]
		}
		d.Documents = append(d.Documents, doc)
	}
	return d
}
