package clickupemu

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// Data is what the emulator serves: the workspaces ("teams" in API v2)
// one or more tokens may read. Tests change it through Server.Update.
type Data struct {
	Users []*User
	Teams []*Team
}

// User is a ClickUp user.
type User struct {
	ID       int64
	Username string
	Email    string
	// Role is 1 for the owner, 2 admin, 3 member, 4 guest.
	Role int
}

// Team is a workspace: its members, user groups and spaces.
type Team struct {
	ID      string
	Name    string
	Members []int64 // user ids
	Groups  []*Group
	Spaces  []*Space
}

// Group is a user group of a workspace.
type Group struct {
	ID      string // a UUID
	Name    string
	Handle  string
	Members []int64
}

// Space is a space of a workspace. A private space is seen by its
// members only.
type Space struct {
	ID       string
	Name     string
	Private  bool
	Archived bool
	Members  []int64
	Folders  []*Folder
	Lists    []*List // folderless lists
}

// Folder is a folder ("project" in API v2) of a space.
type Folder struct {
	ID       string
	Name     string
	Private  bool
	Archived bool
	Members  []int64
	Lists    []*List
}

// List is a list of tasks. Tasks holds the tasks whose home it is.
type List struct {
	ID       string
	Name     string
	Content  string
	Private  bool
	Archived bool
	Members  []int64
	Tasks    []*Task
}

// Task is a task (or a subtask, with Parent set).
type Task struct {
	ID          string
	CustomID    string
	Name        string
	TextContent string
	Markdown    string
	Status      string
	Closed      bool // its status is of the closed type
	Archived    bool
	Parent      string
	Creator     int64
	Assignees   []int64
	Tags        []string
	Created     time.Time
	Updated     time.Time
	// AlsoIn are the ids of other lists the task is in (Tasks in
	// Multiple Lists); the task's home is the list holding it.
	AlsoIn []string
	// Members are users the task is shared with beyond its list's.
	Members  []int64
	Comments []*Comment // oldest first
	// Broken makes the task's comments unreadable (404), to give a
	// connector a per-task failure.
	Broken bool
}

// Comment is a task comment.
type Comment struct {
	ID   string
	Text string
	User int64
	Date time.Time
}

// User returns the user with id, or nil.
func (d *Data) User(id int64) *User {
	for _, u := range d.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// Team returns the workspace with id, or nil.
func (d *Data) Team(id string) *Team {
	for _, t := range d.Teams {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Lists returns every list of the workspace with its space and folder
// (nil for a folderless list).
func (t *Team) Lists() []Located {
	var out []Located
	for _, s := range t.Spaces {
		for _, f := range s.Folders {
			for _, l := range f.Lists {
				out = append(out, Located{Team: t, Space: s, Folder: f, List: l})
			}
		}
		for _, l := range s.Lists {
			out = append(out, Located{Team: t, Space: s, List: l})
		}
	}
	return out
}

// Located is a list with where it is.
type Located struct {
	Team   *Team
	Space  *Space
	Folder *Folder
	List   *List
}

// FindList returns the list with id and where it is.
func (d *Data) FindList(id string) (Located, bool) {
	for _, t := range d.Teams {
		for _, l := range t.Lists() {
			if l.List.ID == id {
				return l, true
			}
		}
	}
	return Located{}, false
}

// FindTask returns the task with id (or, when custom, custom id within
// team) and its home list.
func (d *Data) FindTask(id string, custom bool, team string) (*Task, Located, bool) {
	for _, t := range d.Teams {
		if custom && t.ID != team {
			continue
		}
		for _, l := range t.Lists() {
			for _, k := range l.List.Tasks {
				if (!custom && k.ID == id) || (custom && k.CustomID != "" && k.CustomID == id) {
					return k, l, true
				}
			}
		}
	}
	return nil, Located{}, false
}

// DeleteTask removes a task, reporting whether it existed.
func (d *Data) DeleteTask(id string) bool {
	_, l, ok := d.FindTask(id, false, "")
	if ok {
		l.List.Tasks = slices.DeleteFunc(l.List.Tasks, func(k *Task) bool { return k.ID == id })
	}
	return ok
}

// Members is who may see the list: its members when private, else its
// folder's when that is private, else its space's, else the workspace's.
func (l Located) Members() []int64 {
	switch {
	case l.List.Private:
		return l.List.Members
	case l.Folder != nil && l.Folder.Private:
		return l.Folder.Members
	case l.Space.Private:
		return l.Space.Members
	}
	return l.Team.Members
}

// GenerateOptions say what Generate fills a workspace with.
type GenerateOptions struct {
	// Spaces is the number of spaces; zero means 2. The second is
	// private.
	Spaces int
	// Folders per space and Lists per folder; zero means 1 and 2. Each
	// space also has one folderless list.
	Folders, Lists int
	// Tasks is the number of tasks, spread over the lists.
	Tasks int
	// Subtasks is how many of the tasks are subtasks of the task before.
	Subtasks int
	// Comments is how many comments a task has at most.
	Comments int
	// Closed and Archived are how many tasks are closed and archived.
	Closed, Archived int
	// Users is the number of workspace members; zero means 5.
	Users int
	Seed  uint64
	// Start is the first creation time; zero means DefaultStart.
	Start time.Time
}

// DefaultStart is when generated tasks begin.
var DefaultStart = time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)

// DefaultTeam is the id of generated workspaces.
const DefaultTeam = "9015123"

var (
	names  = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John"}
	topics = []string{"billing", "onboarding", "search", "exports", "mobile app", "release 4.2", "SSO"}
	verbs  = []string{"Fix", "Design", "Review", "Document", "Ship", "Measure"}
)

// Generate returns a workspace filled as o says. Tasks are created a few
// seconds to minutes apart, a quarter of them in the millisecond of the
// task before, so that update times tie.
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0xc1c4))
	o.Spaces = max(o.Spaces, 0)
	if o.Spaces == 0 {
		o.Spaces = 2
	}
	if o.Folders == 0 {
		o.Folders = 1
	}
	if o.Lists == 0 {
		o.Lists = 2
	}
	if o.Users == 0 {
		o.Users = 5
	}
	d := &Data{}
	team := &Team{ID: DefaultTeam, Name: "Acme"}
	d.Teams = append(d.Teams, team)
	for i := range o.Users {
		n := names[i%len(names)]
		u := &User{ID: int64(81000 + i), Username: fmt.Sprintf("%s %d", n, i), Email: fmt.Sprintf("%s%d@example.com", lower(n), i), Role: min(i+1, 3)}
		d.Users = append(d.Users, u)
		team.Members = append(team.Members, u.ID)
	}
	team.Groups = []*Group{
		{ID: "4bfdfcec-6f4f-40a7-b0d6-0000000000a1", Name: "Engineering", Handle: "engineering", Members: team.Members[:min(3, len(team.Members))]},
		{ID: "4bfdfcec-6f4f-40a7-b0d6-0000000000a2", Name: "Design", Handle: "design", Members: team.Members[len(team.Members)/2:]},
	}
	var lists []*List
	id := 90150000
	next := func() string { id++; return strconv.Itoa(id) }
	for s := range o.Spaces {
		sp := &Space{ID: next(), Name: fmt.Sprintf("Space %d", s+1)}
		if s == 1 {
			sp.Private, sp.Members = true, team.Members[:min(2, len(team.Members))]
		}
		for f := range o.Folders {
			fo := &Folder{ID: next(), Name: fmt.Sprintf("Folder %d.%d", s+1, f+1)}
			for l := range o.Lists {
				li := &List{ID: next(), Name: fmt.Sprintf("List %d.%d.%d", s+1, f+1, l+1), Content: "Work of the quarter."}
				fo.Lists = append(fo.Lists, li)
				lists = append(lists, li)
			}
			sp.Folders = append(sp.Folders, fo)
		}
		li := &List{ID: next(), Name: fmt.Sprintf("Backlog %d", s+1)}
		if s == 0 && len(team.Members) > 1 {
			li.Private, li.Members = true, []int64{team.Members[0], team.Members[len(team.Members)-1]}
		}
		sp.Lists = append(sp.Lists, li)
		lists = append(lists, li)
		team.Spaces = append(team.Spaces, sp)
	}
	at := o.Start
	if at.IsZero() {
		at = DefaultStart
	}
	tick := func() time.Time {
		if rng.IntN(4) != 0 {
			at = at.Add(time.Duration(1+rng.IntN(300))*time.Second + time.Duration(rng.IntN(1000))*time.Millisecond)
		}
		return at
	}
	subtasks := 0
	for i := range o.Tasks {
		li := lists[i%len(lists)]
		if o.Tasks > 1000 {
			li = lists[0] // a big fixture is one big list
		}
		created := tick()
		k := &Task{ID: taskID(i), Name: fmt.Sprintf("%s %s (%d)", verbs[rng.IntN(len(verbs))], topics[rng.IntN(len(topics))], i+1),
			Status: "to do", Creator: team.Members[rng.IntN(len(team.Members))], Created: created, Updated: created,
			Tags: []string{topics[rng.IntN(len(topics))]}}
		if i%3 == 0 {
			k.CustomID = fmt.Sprintf("ACME-%d", i+1)
		}
		k.TextContent = fmt.Sprintf("%s\nAcceptance: the %s flow works end to end.", k.Name, topics[rng.IntN(len(topics))])
		k.Markdown = fmt.Sprintf("## %s\n\nAcceptance: **the flow works** end to end.", k.Name)
		k.Assignees = []int64{team.Members[rng.IntN(len(team.Members))]}
		if n := len(li.Tasks); subtasks < o.Subtasks && n > 0 && li.Tasks[n-1].Parent == "" && i%2 == 1 {
			k.Parent, subtasks = li.Tasks[n-1].ID, subtasks+1
		}
		for j := range rng.IntN(o.Comments + 1) {
			k.Comments = append(k.Comments, &Comment{ID: strconv.Itoa(900000000 + i*100 + j), User: team.Members[rng.IntN(len(team.Members))],
				Text: fmt.Sprintf("Comment %d on %s: looks good, one question about %s.", j+1, k.ID, topics[rng.IntN(len(topics))]), Date: created.Add(time.Duration(j+1) * time.Minute)})
		}
		if n := len(k.Comments); n > 0 {
			k.Updated = k.Comments[n-1].Date
		}
		li.Tasks = append(li.Tasks, k)
	}
	all := []*Task{}
	for _, li := range lists {
		all = append(all, li.Tasks...)
	}
	for i := 0; i < o.Closed && i*5+2 < len(all); i++ {
		k := all[i*5+2]
		k.Status, k.Closed = "complete", true
	}
	for i := 0; i < o.Archived && i*3+1 < len(all); i++ {
		all[i*3+1].Archived = true
	}
	return d
}

// taskID is a task id in ClickUp's shape: lower-case letters and digits.
func taskID(i int) string { return "86" + strconv.FormatInt(int64(1_000_000+i), 36) }

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
