package asana

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Metadata keys the connector sets; custom fields are set under their
// names.
const (
	MetaProject   = "project"
	MetaSection   = "section"
	MetaCompleted = "completed"
	MetaAssignee  = "assignee"
	MetaDueOn     = "due_on"
	MetaComments  = "comments"
)

// document maps a task to its document: a first section of its notes and
// fields, then a section per comment, oldest first.
func (r *run) document(p *project, t *task, comments []story) *tributary.Document {
	id := TaskID(t.GID)
	d := &tributary.Document{ID: id, Source: Source, ParentID: projectID(r.ws, p.GID), ExternalAccess: r.taskAccess(p, t),
		UpdatedAt: t.modified()}
	if r.slim {
		return d
	}
	link := cmp.Or(t.PermalinkURL, id)
	d.Title = cmp.Or(strings.TrimSpace(t.Name), "Task "+t.GID)
	d.SemanticID = d.Title
	if t.CreatedAt != nil {
		d.CreatedAt = t.CreatedAt.UTC()
	}
	d.Metadata = tributary.Metadata{}
	var lines []string
	if n := strings.TrimSpace(t.Notes); n != "" {
		lines = append(lines, n, "")
	}
	var projects []string
	for _, m := range t.Memberships {
		if m.Project != nil && m.Project.Name != "" && !slices.Contains(projects, m.Project.Name) {
			projects = append(projects, m.Project.Name)
			d.Metadata.Add(MetaProject, m.Project.Name)
		}
		if m.Section != nil && m.Section.Name != "" && m.Section.Name != "Untitled section" {
			d.Metadata.Add(MetaSection, m.Section.Name)
		}
	}
	if len(projects) == 0 {
		projects = append(projects, p.Name)
		d.Metadata.Add(MetaProject, p.Name)
	}
	lines = append(lines, "Projects: "+strings.Join(projects, ", "))
	if t.Assignee != nil && t.Assignee.Name != "" {
		lines = append(lines, "Assignee: "+t.Assignee.Name)
		d.Metadata.Add(MetaAssignee, t.Assignee.Name)
		d.PrimaryOwners = []tributary.Person{person(t.Assignee)}
	}
	if t.DueOn != "" {
		lines = append(lines, "Due: "+t.DueOn)
		d.Metadata.Add(MetaDueOn, t.DueOn)
	}
	if t.Completed {
		lines = append(lines, "Completed: yes")
		d.Metadata.Add(MetaCompleted, "true")
	} else {
		d.Metadata.Add(MetaCompleted, "false")
	}
	for _, f := range t.CustomFields {
		if f.Name != "" && f.DisplayValue != nil && *f.DisplayValue != "" {
			lines = append(lines, f.Name+": "+*f.DisplayValue)
			d.Metadata.Add(f.Name, *f.DisplayValue)
		}
	}
	d.Sections = []tributary.Section{tributary.TextSection(link, strings.Join(lines, "\n"))}
	for i := range t.Followers {
		d.SecondaryOwners = addPerson(d.SecondaryOwners, &t.Followers[i])
	}
	for _, c := range comments {
		heading := "Comment"
		if c.CreatedBy != nil && c.CreatedBy.Name != "" {
			heading += " by " + c.CreatedBy.Name
			d.SecondaryOwners = addPerson(d.SecondaryOwners, c.CreatedBy)
		}
		if !c.CreatedAt.IsZero() {
			heading += " (" + c.CreatedAt.UTC().Format("2006-01-02") + ")"
		}
		d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionText, Link: link, Heading: heading,
			Text: strings.TrimSpace(c.Text)})
	}
	if r.c.settings.IncludeComments {
		d.Metadata.Add(MetaComments, strconv.Itoa(len(comments)))
	}
	return d
}

func person(u *user) tributary.Person {
	return tributary.Person{DisplayName: u.Name, Email: strings.ToLower(u.Email)}
}

// addPerson adds u to people unless someone with its e-mail (or name) is
// there.
func addPerson(people []tributary.Person, u *user) []tributary.Person {
	if u == nil || u.Name == "" && u.Email == "" {
		return people
	}
	p := person(u)
	if slices.ContainsFunc(people, func(q tributary.Person) bool { return q.Email == p.Email && q.DisplayName == p.DisplayName }) {
		return people
	}
	return append(people, p)
}

// projectAccess is who may see a project: the workspace's members when it
// is public to the workspace; its team and members when private to the
// team; its members when private.
func (r *run) projectAccess(p *project) *tributary.ExternalAccess {
	ea := &tributary.ExternalAccess{}
	r.addProjectAccess(ea, p)
	return normalizeAccess(ea)
}

func (r *run) addProjectAccess(ea *tributary.ExternalAccess, p *project) {
	switch p.privacy() {
	case privacyPublic:
		ea.GroupIDs = append(ea.GroupIDs, workspaceGroup(r.ws))
	case privacyTeam:
		if p.Team != nil && p.Team.GID != "" {
			ea.GroupIDs = append(ea.GroupIDs, teamGroup(p.Team.GID))
		}
	}
	for _, m := range p.Members {
		if m.Email != "" {
			ea.UserEmails = append(ea.UserEmails, m.Email)
		}
	}
}

// taskAccess is who may see a task: whoever may see one of its projects
// read, its assignee and its followers.
func (r *run) taskAccess(home *project, t *task) *tributary.ExternalAccess {
	ea := &tributary.ExternalAccess{}
	r.addProjectAccess(ea, home)
	for _, m := range t.Memberships {
		if m.Project != nil && m.Project.GID != home.GID {
			if p := r.projects[m.Project.GID]; p != nil {
				r.addProjectAccess(ea, p)
			}
		}
	}
	if t.Assignee != nil && t.Assignee.Email != "" {
		ea.UserEmails = append(ea.UserEmails, t.Assignee.Email)
	}
	for _, f := range t.Followers {
		if f.Email != "" {
			ea.UserEmails = append(ea.UserEmails, f.Email)
		}
	}
	return normalizeAccess(ea)
}

func normalizeAccess(ea *tributary.ExternalAccess) *tributary.ExternalAccess {
	for i, e := range ea.UserEmails {
		ea.UserEmails[i] = strings.ToLower(strings.TrimSpace(e))
	}
	slices.Sort(ea.UserEmails)
	ea.UserEmails = slices.Compact(ea.UserEmails)
	slices.Sort(ea.GroupIDs)
	ea.GroupIDs = slices.Compact(ea.GroupIDs)
	return ea
}

func jsonInto(raw json.RawMessage, v any) error { return json.Unmarshal(raw, v) }
