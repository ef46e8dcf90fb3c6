package linear

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// Metadata keys set on documents.
const (
	MetaKind       = "kind"       // "issue", "project" or "document"
	MetaTeam       = "team"       // issues: the team's key; projects: one value per team
	MetaProject    = "project"    // issues and documents: the project's name
	MetaState      = "state"      // issues: the workflow state's name; projects: planned, started ...
	MetaStateType  = "state_type" // issues: backlog, unstarted, started, completed or canceled
	MetaLabel      = "label"      // issues: one value per label
	MetaPriority   = "priority"   // issues: Urgent, High, Medium, Low or No priority
	MetaIdentifier = "identifier" // issues: ENG-12
	MetaArchived   = "archived"   // "true" for an archived item (read with include_archived)
)

// NodeTeam is the kind of a team's hierarchy node.
const NodeTeam tributary.NodeKind = "team"

// ids builds ids and links from the workspace's address,
// https://linear.app/URLKEY.
type ids struct {
	web string
	// teams, when set, are the configured team keys: a project's node is
	// placed under one of them.
	teams []string
}

func (x ids) team(key string) string       { return x.web + "/team/" + key }
func (x ids) issue(ident string) string    { return x.web + "/issue/" + strings.ToUpper(ident) }
func (x ids) project(slugID string) string { return x.web + "/project/" + slugID }
func (x ids) document(slugID string) string {
	return x.web + "/document/" + slugID
}

func person(u *apiUser) (tributary.Person, bool) {
	if u == nil || u.Name == "" && u.DisplayName == "" && u.Email == "" {
		return tributary.Person{}, false
	}
	return tributary.Person{DisplayName: cmp.Or(u.Name, u.DisplayName), Email: strings.ToLower(u.Email)}, true
}

func owners(us ...*apiUser) []tributary.Person {
	var out []tributary.Person
	for _, u := range us {
		if p, ok := person(u); ok && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func text(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}

// teamParent is the node of a project's first team (teams sorted by
// key, among the configured ones when the settings name teams), or ""
// when it has none.
func (x ids) teamParent(teams []apiTeam) string {
	if x.teams != nil {
		teams = slices.DeleteFunc(slices.Clone(teams), func(t apiTeam) bool { return !slices.Contains(x.teams, t.Key) })
	}
	if len(teams) == 0 {
		return ""
	}
	first := slices.MinFunc(teams, func(a, b apiTeam) int { return strings.Compare(a.Key, b.Key) })
	return x.team(first.Key)
}

// issueDocument maps an issue, its comments (all of them, oldest first)
// included. Its parent is its project's node, or its team's.
func (x ids) issueDocument(is *apiIssue, comments []apiComment) (*tributary.Document, error) {
	if is.Identifier == "" || is.UpdatedAt.IsZero() || is.Team == nil || is.Team.Key == "" {
		return nil, errors.New("issue lacks identifier, updatedAt or team")
	}
	id := x.issue(is.Identifier)
	link := cmp.Or(is.URL, id)
	body := text(is.Description)
	d := &tributary.Document{
		ID:         id,
		Source:     Source,
		SemanticID: is.Identifier + ": " + is.Title,
		Title:      is.Title,
		Sections:   []tributary.Section{tributary.TextSection(link, cmp.Or(body, is.Title))},
		Metadata:   tributary.Metadata{},
		UpdatedAt:  utc(is.UpdatedAt),
		CreatedAt:  utc(is.CreatedAt),
		ParentID:   x.team(is.Team.Key),
	}
	if is.Project != nil && is.Project.SlugID != "" {
		d.ParentID = x.project(is.Project.SlugID)
		d.Metadata.Add(MetaProject, is.Project.Name)
	}
	d.PrimaryOwners = owners(is.Creator)
	d.SecondaryOwners = owners(is.Assignee)
	d.Metadata.Add(MetaKind, "issue")
	d.Metadata.Add(MetaIdentifier, is.Identifier)
	d.Metadata.Add(MetaTeam, is.Team.Key)
	d.Metadata.Add(MetaPriority, is.PriorityLabel)
	if is.State != nil {
		d.Metadata.Add(MetaState, is.State.Name)
		d.Metadata.Add(MetaStateType, is.State.Type)
	}
	if is.Labels != nil {
		for _, l := range is.Labels.Nodes {
			d.Metadata.Add(MetaLabel, l.Name)
		}
	}
	if is.ArchivedAt != nil {
		d.Metadata.Add(MetaArchived, "true")
	}
	slices.SortStableFunc(comments, func(a, b apiComment) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i := range comments {
		c := &comments[i]
		if strings.TrimSpace(c.Body) == "" {
			continue
		}
		s := tributary.TextSection(cmp.Or(c.URL, link), c.Body)
		s.Heading = "Comment"
		if p, ok := person(c.User); ok {
			s.Heading = "Comment by " + p.DisplayName
		}
		d.Sections = append(d.Sections, s)
	}
	return d, nil
}

func teamsOf(c *connection[apiTeam]) []apiTeam {
	if c == nil {
		return nil
	}
	return c.Nodes
}

// projectNode is a project's hierarchy node, under its first team.
func (x ids) projectNode(p *apiProject, access *tributary.ExternalAccess) *tributary.HierarchyNode {
	id := x.project(p.SlugID)
	return &tributary.HierarchyNode{ID: id, ParentID: x.teamParent(teamsOf(p.Teams)), Name: cmp.Or(p.Name, p.SlugID),
		Link: cmp.Or(p.URL, id), Kind: tributary.NodeProject, ExternalAccess: access}
}

// projectDocument maps a project: its summary and its content.
func (x ids) projectDocument(p *apiProject) *tributary.Document {
	id := x.project(p.SlugID)
	link := cmp.Or(p.URL, id)
	body := strings.TrimSpace(strings.Join(slices.DeleteFunc([]string{strings.TrimSpace(p.Description), text(p.Content)},
		func(s string) bool { return s == "" }), "\n\n"))
	d := &tributary.Document{
		ID:              id,
		Source:          Source,
		SemanticID:      "Project: " + p.Name,
		Title:           p.Name,
		Sections:        []tributary.Section{tributary.TextSection(link, cmp.Or(body, p.Name))},
		Metadata:        tributary.Metadata{},
		UpdatedAt:       utc(p.UpdatedAt),
		CreatedAt:       utc(p.CreatedAt),
		ParentID:        x.teamParent(teamsOf(p.Teams)),
		PrimaryOwners:   owners(p.Lead),
		SecondaryOwners: owners(p.Creator),
	}
	d.Metadata.Add(MetaKind, "project")
	d.Metadata.Add(MetaState, p.State)
	for _, t := range teamsOf(p.Teams) {
		d.Metadata.Add(MetaTeam, t.Key)
	}
	if p.ArchivedAt != nil {
		d.Metadata.Add(MetaArchived, "true")
	}
	return d
}

// documentDocument maps a document, under its project's node when it has
// one.
func (x ids) documentDocument(doc *apiDocument) *tributary.Document {
	id := x.document(doc.SlugID)
	link := cmp.Or(doc.URL, id)
	d := &tributary.Document{
		ID:            id,
		Source:        Source,
		SemanticID:    "Document: " + doc.Title,
		Title:         doc.Title,
		Sections:      []tributary.Section{tributary.TextSection(link, cmp.Or(text(doc.Content), doc.Title))},
		Metadata:      tributary.Metadata{},
		UpdatedAt:     utc(doc.UpdatedAt),
		CreatedAt:     utc(doc.CreatedAt),
		PrimaryOwners: owners(doc.Creator),
	}
	d.Metadata.Add(MetaKind, "document")
	if doc.Project != nil && doc.Project.SlugID != "" {
		d.ParentID = x.project(doc.Project.SlugID)
		d.Metadata.Add(MetaProject, doc.Project.Name)
	}
	if doc.ArchivedAt != nil {
		d.Metadata.Add(MetaArchived, "true")
	}
	return d
}
