package asanaemu

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// GenerateOptions say what Generate fills an organization with.
type GenerateOptions struct {
	// Projects is the number of projects; zero means 3. Their privacy
	// settings cycle through public to the workspace, private to the team
	// and private.
	Projects int
	// Tasks is the number of tasks per project.
	Tasks int
	// Stories is how many comments a task has at most (each has between
	// none and this many), beside a system story each.
	Stories int
	// Shared is how many tasks of each project after the first are also in
	// the project before it.
	Shared int
	// Archived is how many projects (the last ones) are archived.
	Archived int
	// Subtasks is how many of each project's first tasks have a subtask.
	Subtasks int
	// Users are the organization's members; zero means 5.
	Users int
	Seed  uint64
	// Start is the first creation time; zero means DefaultStart.
	Start time.Time
}

// DefaultStart is when generated tasks begin.
var DefaultStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// The gids of generated objects.
const (
	WorkspaceGID = "1200000000000001"
	// MeGID is the user every generated token belongs to.
	MeGID = "1201000000000001"
)

var (
	names  = []string{"Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth", "Frances Allen"}
	topics = []string{"launch plan", "bug triage", "design review", "hiring loop", "quarterly goals", "security audit", "onboarding"}
)

// Generate returns an organization filled as o says: one workspace with two
// teams, o.Users members (the first, MeGID, is a member of every project),
// and o.Projects projects of o.Tasks tasks each.
// Tasks are created a few minutes apart; some share their millisecond with
// the task before.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0xa5a5a))
	d := NewData()
	o.Projects = max(o.Projects, 0)
	if o.Projects == 0 {
		o.Projects = 3
	}
	if o.Users <= 0 {
		o.Users = 5
	}
	ws := &Workspace{GID: WorkspaceGID, Name: "Example Org", IsOrganization: true}
	d.Workspaces = append(d.Workspaces, ws)
	var users []string
	for i := range o.Users {
		n := names[i%len(names)]
		u := &User{GID: fmt.Sprintf("12010000%08d", i+1), Name: n,
			Email: strings.ToLower(strings.ReplaceAll(n, " ", ".")) + fmt.Sprintf("%d@example.com", i/len(names)+1)}
		if i/len(names) == 0 {
			u.Email = strings.ToLower(strings.ReplaceAll(n, " ", ".")) + "@example.com"
		}
		d.Users[u.GID] = u
		users = append(users, u.GID)
	}
	ws.Members = users
	half := (len(users) + 1) / 2
	d.Teams = []*Team{
		{GID: "1202000000000001", Name: "Engineering", Workspace: ws.GID, Members: users[:half]},
		{GID: "1202000000000002", Name: "Marketing", Workspace: ws.GID, Members: users[half-1:]},
	}
	at := o.Start
	if at.IsZero() {
		at = DefaultStart
	}
	next := func() time.Time {
		if rng.IntN(5) != 0 {
			at = at.Add(time.Duration(1+rng.IntN(900))*time.Second + time.Duration(rng.IntN(1000))*time.Millisecond)
		}
		return at
	}
	privacy := []string{PublicToWorkspace, PrivateToTeam, Private}
	user := func() string { return users[rng.IntN(len(users))] }
	taskN := 0
	for i := range o.Projects {
		team := d.Teams[i%2]
		p := &Project{GID: fmt.Sprintf("12030000%08d", i+1), Name: fmt.Sprintf("Project %d: %s", i+1, topics[i%len(topics)]),
			Workspace: ws.GID, Team: team.GID, Privacy: privacy[i%3], Archived: i >= o.Projects-o.Archived,
			Members: []string{users[0], users[(i+1)%len(users)]}, CreatedAt: next()}
		p.ModifiedAt = p.CreatedAt
		d.Projects = append(d.Projects, p)
		for j := range o.Tasks {
			taskN++
			created := next()
			t := &Task{GID: fmt.Sprintf("1204%012d", taskN), Name: fmt.Sprintf("Task %05d: %s", taskN, topics[rng.IntN(len(topics))]),
				CreatedAt: created, ModifiedAt: created, Projects: []string{p.GID}, Completed: rng.IntN(4) == 0}
			t.Notes = fmt.Sprintf("Work on the %s.\nSee the brief.", topics[rng.IntN(len(topics))])
			t.HTMLNotes = "<body>" + t.Notes + "</body>"
			if rng.IntN(3) != 0 {
				t.Assignee = user()
			}
			t.Followers = []string{user()}
			if i > 0 && j < o.Shared {
				t.Projects = append(t.Projects, d.Projects[i-1].GID)
			}
			t.CustomFields = []CustomField{{GID: "1205000000000001", Name: "Priority", Type: "enum",
				DisplayValue: []string{"Low", "Medium", "High"}[rng.IntN(3)]}}
			t.Stories = append(t.Stories, Story{GID: t.GID + "01", Type: "system", Text: "created this task",
				CreatedBy: user(), CreatedAt: created})
			for k := range rng.IntN(o.Stories + 1) {
				t.Stories = append(t.Stories, Story{GID: fmt.Sprintf("%s%02d", t.GID, k+2), Type: "comment",
					Text: fmt.Sprintf("Comment %d on the %s.", k+1, topics[rng.IntN(len(topics))]), CreatedBy: user(),
					CreatedAt: created.Add(time.Duration(k+1) * time.Minute)})
			}
			if len(t.Stories) > 1 {
				t.ModifiedAt = t.Stories[len(t.Stories)-1].CreatedAt
			}
			d.AddTask(t)
			if j < o.Subtasks {
				taskN++
				st := &Task{GID: fmt.Sprintf("1204%012d", taskN), Name: "Subtask of " + t.Name, Notes: "A step.",
					CreatedAt: created, ModifiedAt: created, Parent: t.GID, Assignee: t.Assignee}
				d.Tasks[st.GID] = st
				t.Subtasks = append(t.Subtasks, st.GID)
			}
		}
	}
	// The ticks of generation are not events a sync token reports.
	d.Events = nil
	return d
}
