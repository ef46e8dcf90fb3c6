package asanaemu

import (
	"slices"
	"time"
)

// Project privacy settings, as privacy_setting names them.
const (
	PublicToWorkspace = "public_to_workspace"
	PrivateToTeam     = "private_to_team"
	Private           = "private"
)

// User is a person with an Asana account.
type User struct {
	GID, Name, Email string
}

// Workspace is a workspace or an organization, with its members (user
// gids).
type Workspace struct {
	GID, Name      string
	IsOrganization bool
	Members        []string
}

// Team is a team of an organization, with its members (user gids).
type Team struct {
	GID, Name, Workspace string
	Members              []string
}

// Project is a project of a workspace. Tasks are the gids of its tasks in
// the project's order, which is the order GET /tasks?project= lists them.
type Project struct {
	GID, Name, Workspace string
	// Team is the team the project belongs to, in an organization.
	Team       string
	Privacy    string
	Archived   bool
	Members    []string
	CreatedAt  time.Time
	ModifiedAt time.Time
	Tasks      []string
}

// CustomField is a custom field's value on a task.
type CustomField struct {
	GID, Name, Type, DisplayValue string
}

// Story is an entry of a task's activity: a comment, or a system story.
type Story struct {
	GID       string
	Type      string // "comment" or "system"
	Text      string
	CreatedBy string // user gid
	CreatedAt time.Time
}

// Task is a task, in one or more projects (Projects, gids), or a subtask
// of Parent.
type Task struct {
	GID, Name, Notes, HTMLNotes string
	Assignee                    string   // user gid, empty when unassigned
	Followers                   []string // user gids
	CreatedAt, ModifiedAt       time.Time
	Completed                   bool
	Projects                    []string
	Parent                      string
	Subtasks                    []string
	CustomFields                []CustomField
	Stories                     []Story
	Deleted                     bool
	// Broken makes the task's stories answer 404 every time, as if the
	// task were deleted between its listing and the read of its stories.
	Broken bool
}

// Event is an entry of a project's event stream.
type Event struct {
	Seq          int
	Project      string
	Action       string // "added", "changed", "removed", "deleted", "undeleted"
	ResourceType string // "task", "story", ...
	Resource     string // gid
	Name         string
	User         string
	At           time.Time
}

// Data is what a Server serves.
type Data struct {
	Users      map[string]*User
	Workspaces []*Workspace
	Teams      []*Team
	Projects   []*Project
	Tasks      map[string]*Task
	Events     []Event
	// Domain is the host of permalinks; app.asana.com by default.
	Domain string
}

// NewData returns empty data.
func NewData() *Data {
	return &Data{Users: map[string]*User{}, Tasks: map[string]*Task{}, Domain: "app.asana.com"}
}

// Workspace returns the workspace with gid, or nil.
func (d *Data) Workspace(gid string) *Workspace {
	for _, w := range d.Workspaces {
		if w.GID == gid {
			return w
		}
	}
	return nil
}

// Project returns the project with gid, or nil.
func (d *Data) Project(gid string) *Project {
	for _, p := range d.Projects {
		if p.GID == gid {
			return p
		}
	}
	return nil
}

// Team returns the team with gid, or nil.
func (d *Data) Team(gid string) *Team {
	for _, t := range d.Teams {
		if t.GID == gid {
			return t
		}
	}
	return nil
}

// AddTask adds t at the end of each of its projects and records the
// "added" events.
func (d *Data) AddTask(t *Task) {
	d.Tasks[t.GID] = t
	for _, p := range t.Projects {
		if pr := d.Project(p); pr != nil {
			pr.Tasks = append(pr.Tasks, t.GID)
		}
		d.event(p, "added", t, t.CreatedAt)
	}
}

// TouchTask changes a task's name at the time at, recording the events.
func (d *Data) TouchTask(gid, name string, at time.Time) {
	t := d.Tasks[gid]
	if t == nil {
		return
	}
	t.Name, t.ModifiedAt = name, at
	for _, p := range t.Projects {
		d.event(p, "changed", t, at)
	}
}

// DeleteTask deletes a task at the time at: it leaves its projects'
// listings, GET /tasks/{gid} answers 404, and each project's event stream
// records the deletion.
func (d *Data) DeleteTask(gid string, at time.Time) {
	t := d.Tasks[gid]
	if t == nil || t.Deleted {
		return
	}
	t.Deleted = true
	for _, p := range t.Projects {
		if pr := d.Project(p); pr != nil {
			pr.Tasks = slices.DeleteFunc(pr.Tasks, func(g string) bool { return g == gid })
		}
		d.event(p, "deleted", t, at)
	}
}

func (d *Data) event(project, action string, t *Task, at time.Time) {
	d.Events = append(d.Events, Event{Seq: len(d.Events) + 1, Project: project, Action: action,
		ResourceType: "task", Resource: t.GID, Name: t.Name, User: t.Assignee, At: at})
}

// LiveTasks returns the tasks not deleted, in no particular order.
func (d *Data) LiveTasks() []*Task {
	var out []*Task
	for _, t := range d.Tasks {
		if !t.Deleted {
			out = append(out, t)
		}
	}
	return out
}
