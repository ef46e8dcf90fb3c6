package gitlabemu

import (
	"fmt"
	"net/url"
	"strings"
)

// The JSON objects below carry a subset of the fields GitLab documents,
// each with its documented name and type. Times are ISO 8601 in UTC with
// milliseconds ("2016-01-04T15:31:51.081Z"); absent times are null.

type userBasic struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Name      string `json:"name"`
	State     string `json:"state"`
	Locked    bool   `json:"locked"`
	AvatarURL string `json:"avatar_url"`
	WebURL    string `json:"web_url"`
}

type userJSON struct {
	userBasic
	PublicEmail *string `json:"public_email"`
	Bot         bool    `json:"bot"`
	CreatedAt   *string `json:"created_at"`
	Email       *string `json:"email,omitempty"` // administrators and the user only
}

type memberJSON struct {
	userBasic
	AccessLevel int     `json:"access_level"`
	CreatedAt   *string `json:"created_at"`
	ExpiresAt   *string `json:"expires_at"`
	Email       *string `json:"email,omitempty"` // group owners of enterprise users, administrators
}

type groupJSON struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Path        string  `json:"path"`
	Description string  `json:"description"`
	Visibility  string  `json:"visibility"`
	FullName    string  `json:"full_name"`
	FullPath    string  `json:"full_path"`
	ParentID    *int64  `json:"parent_id"`
	WebURL      string  `json:"web_url"`
	CreatedAt   *string `json:"created_at"`
}

type namespaceJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	Kind     string `json:"kind"` // group or user
	FullPath string `json:"full_path"`
	ParentID *int64 `json:"parent_id"`
	WebURL   string `json:"web_url"`
}

type shareJSON struct {
	GroupID          int64  `json:"group_id"`
	GroupName        string `json:"group_name"`
	GroupFullPath    string `json:"group_full_path"`
	GroupAccessLevel int    `json:"group_access_level"`
}

type projectJSON struct {
	ID                       int64         `json:"id"`
	Description              *string       `json:"description"`
	Name                     string        `json:"name"`
	NameWithNamespace        string        `json:"name_with_namespace"`
	Path                     string        `json:"path"`
	PathWithNamespace        string        `json:"path_with_namespace"`
	CreatedAt                *string       `json:"created_at"`
	DefaultBranch            string        `json:"default_branch"`
	WebURL                   string        `json:"web_url"`
	Visibility               string        `json:"visibility"`
	Namespace                namespaceJSON `json:"namespace"`
	Archived                 bool          `json:"archived"`
	LastActivityAt           *string       `json:"last_activity_at"`
	IssuesEnabled            bool          `json:"issues_enabled"`
	MergeRequestsEnabled     bool          `json:"merge_requests_enabled"`
	WikiEnabled              bool          `json:"wiki_enabled"`
	IssuesAccessLevel        string        `json:"issues_access_level"`
	MergeRequestsAccessLevel string        `json:"merge_requests_access_level"`
	WikiAccessLevel          string        `json:"wiki_access_level"`
	SharedWithGroups         []shareJSON   `json:"shared_with_groups"`
	Owner                    *userBasic    `json:"owner,omitempty"`
}

type milestoneJSON struct {
	ID        int64  `json:"id"`
	IID       int64  `json:"iid"`
	ProjectID int64  `json:"project_id"`
	Title     string `json:"title"`
	State     string `json:"state"`
	WebURL    string `json:"web_url"`
}

type referencesJSON struct {
	Short    string `json:"short"`
	Relative string `json:"relative"`
	Full     string `json:"full"`
}

// itemJSON is an issue or a merge request; the fields of one kind only are
// left out of the other.
type itemJSON struct {
	ID             int64          `json:"id"`
	IID            int64          `json:"iid"`
	ProjectID      int64          `json:"project_id"`
	Title          string         `json:"title"`
	Description    *string        `json:"description"`
	State          string         `json:"state"`
	CreatedAt      *string        `json:"created_at"`
	UpdatedAt      *string        `json:"updated_at"`
	ClosedAt       *string        `json:"closed_at"`
	Labels         []string       `json:"labels"`
	Milestone      *milestoneJSON `json:"milestone"`
	Author         userBasic      `json:"author"`
	Assignees      []userBasic    `json:"assignees"`
	Assignee       *userBasic     `json:"assignee"`
	UserNotesCount int            `json:"user_notes_count"`
	Upvotes        int            `json:"upvotes"`
	Downvotes      int            `json:"downvotes"`
	WebURL         string         `json:"web_url"`
	References     referencesJSON `json:"references"`
	// Issues.
	Type         string `json:"type,omitempty"`
	IssueType    string `json:"issue_type,omitempty"`
	Confidential *bool  `json:"confidential,omitempty"`
	// Merge requests.
	MergedAt        *string     `json:"merged_at,omitempty"`
	SourceBranch    string      `json:"source_branch,omitempty"`
	TargetBranch    string      `json:"target_branch,omitempty"`
	Draft           *bool       `json:"draft,omitempty"`
	WorkInProgress  *bool       `json:"work_in_progress,omitempty"`
	Reviewers       []userBasic `json:"reviewers,omitempty"`
	SourceProjectID int64       `json:"source_project_id,omitempty"`
	TargetProjectID int64       `json:"target_project_id,omitempty"`
	MergeStatus     string      `json:"merge_status,omitempty"`
}

type noteJSON struct {
	ID           int64     `json:"id"`
	Type         *string   `json:"type"`
	Body         string    `json:"body"`
	Author       userBasic `json:"author"`
	CreatedAt    *string   `json:"created_at"`
	UpdatedAt    *string   `json:"updated_at"`
	System       bool      `json:"system"`
	NoteableID   int64     `json:"noteable_id"`
	NoteableType string    `json:"noteable_type"`
	NoteableIID  int64     `json:"noteable_iid"`
	ProjectID    int64     `json:"project_id"`
	Resolvable   bool      `json:"resolvable"`
	Confidential bool      `json:"confidential"`
	Internal     bool      `json:"internal"`
}

type wikiJSON struct {
	Content  *string `json:"content,omitempty"`
	Format   string  `json:"format"`
	Slug     string  `json:"slug"`
	Title    string  `json:"title"`
	Encoding string  `json:"encoding"`
}

// mapper builds JSON objects with the instance's web addresses.
type mapper struct{ web string }

func (m mapper) user(u *User) userBasic {
	if u == nil {
		return userBasic{State: "active"}
	}
	return userBasic{ID: u.ID, Username: u.Username, Name: u.Name, State: "active",
		AvatarURL: m.web + "/uploads/-/system/user/avatar/" + fmt.Sprint(u.ID) + "/avatar.png",
		WebURL:    m.web + "/" + u.Username}
}

func (m mapper) users(us []*User) []userBasic {
	out := make([]userBasic, 0, len(us))
	for _, u := range us {
		out = append(out, m.user(u))
	}
	return out
}

func (m mapper) fullUser(u *User, showEmail bool) userJSON {
	j := userJSON{userBasic: m.user(u), Bot: u.Bot}
	if u.PublicEmail != "" {
		j.PublicEmail = &u.PublicEmail
	} else {
		empty := ""
		j.PublicEmail = &empty // GitLab sends "" for no public address
	}
	if showEmail && u.Email != "" {
		j.Email = &u.Email
	}
	return j
}

func (m mapper) member(mb Member, showEmail bool) memberJSON {
	j := memberJSON{userBasic: m.user(mb.User), AccessLevel: mb.AccessLevel}
	if showEmail && mb.User.Email != "" {
		j.Email = &mb.User.Email
	}
	return j
}

func (m mapper) groupURL(g *Group) string { return m.web + "/groups/" + g.FullPath() }

func (m mapper) group(g *Group) groupJSON {
	j := groupJSON{ID: g.ID, Name: g.Name, Path: g.Path, Description: g.Description, Visibility: g.Visibility,
		FullName: g.FullName(), FullPath: g.FullPath(), WebURL: m.groupURL(g), CreatedAt: isoTime(g.CreatedAt)}
	if g.Parent != nil {
		j.ParentID = &g.Parent.ID
	}
	return j
}

func (m mapper) projectURL(p *Project) string { return m.web + "/" + p.PathWithNamespace() }

func accessLevel(disabled bool, visibility string) string {
	switch {
	case disabled:
		return "disabled"
	case visibility == "private":
		return "private"
	}
	return "enabled"
}

func (m mapper) project(p *Project) projectJSON {
	j := projectJSON{ID: p.ID, Name: p.Name, NameWithNamespace: p.NameWithNamespace(), Path: p.Path,
		PathWithNamespace: p.PathWithNamespace(), CreatedAt: isoTime(p.CreatedAt), DefaultBranch: "main",
		WebURL: m.projectURL(p), Visibility: p.Visibility, Archived: p.Archived, LastActivityAt: isoTime(p.LastActivityAt),
		IssuesEnabled: !p.IssuesDisabled, MergeRequestsEnabled: !p.MergeRequestsDisabled, WikiEnabled: !p.WikiDisabled,
		IssuesAccessLevel:        accessLevel(p.IssuesDisabled, p.Visibility),
		MergeRequestsAccessLevel: accessLevel(p.MergeRequestsDisabled, p.Visibility),
		WikiAccessLevel:          accessLevel(p.WikiDisabled, p.Visibility),
		SharedWithGroups:         []shareJSON{}}
	if p.Description != "" {
		j.Description = &p.Description
	}
	if g := p.Namespace; g != nil {
		j.Namespace = namespaceJSON{ID: g.ID, Name: g.Name, Path: g.Path, Kind: "group", FullPath: g.FullPath(), WebURL: m.groupURL(g)}
		if g.Parent != nil {
			j.Namespace.ParentID = &g.Parent.ID
		}
	} else {
		j.Namespace = namespaceJSON{ID: p.Owner.ID + 1_000_000, Name: p.Owner.Name, Path: p.Owner.Username, Kind: "user",
			FullPath: p.Owner.Username, WebURL: m.web + "/" + p.Owner.Username}
		o := m.user(p.Owner)
		j.Owner = &o
	}
	for _, sh := range p.SharedWith {
		j.SharedWithGroups = append(j.SharedWithGroups, shareJSON{GroupID: sh.Group.ID, GroupName: sh.Group.Name,
			GroupFullPath: sh.Group.FullPath(), GroupAccessLevel: sh.AccessLevel})
	}
	return j
}

// itemURL returns an issue's or merge request's web address.
func (m mapper) itemURL(p *Project, it *Item) string {
	kind := "issues"
	if it.MR {
		kind = "merge_requests"
	}
	return fmt.Sprintf("%s/-/%s/%d", m.projectURL(p), kind, it.IID)
}

func userNotes(it *Item) int {
	n := 0
	for _, nt := range it.Notes {
		if !nt.System {
			n++
		}
	}
	return n
}

func (m mapper) item(p *Project, it *Item) itemJSON {
	sigil := "#"
	if it.MR {
		sigil = "!"
	}
	ref := fmt.Sprintf("%s%d", sigil, it.IID)
	labels := it.Labels
	if labels == nil {
		labels = []string{}
	}
	j := itemJSON{ID: it.ID, IID: it.IID, ProjectID: p.ID, Title: it.Title, State: it.State,
		CreatedAt: isoTime(it.CreatedAt), UpdatedAt: isoTime(it.UpdatedAt), ClosedAt: isoTime(it.ClosedAt),
		Labels: labels, Author: m.user(it.Author), Assignees: m.users(it.Assignees), UserNotesCount: userNotes(it),
		WebURL: m.itemURL(p, it), References: referencesJSON{Short: ref, Relative: ref, Full: p.PathWithNamespace() + ref}}
	if it.Description != "" {
		j.Description = &it.Description
	}
	if len(it.Assignees) > 0 {
		a := m.user(it.Assignees[0])
		j.Assignee = &a
	}
	if ms := it.Milestone; ms != nil {
		j.Milestone = &milestoneJSON{ID: ms.ID, IID: ms.IID, ProjectID: p.ID, Title: ms.Title, State: ms.State,
			WebURL: fmt.Sprintf("%s/-/milestones/%d", m.projectURL(p), ms.IID)}
	}
	if it.MR {
		draft := it.Draft
		j.MergedAt, j.SourceBranch, j.TargetBranch = isoTime(it.MergedAt), it.SourceBranch, it.TargetBranch
		j.Draft, j.WorkInProgress, j.Reviewers = &draft, &draft, m.users(it.Reviewers)
		j.SourceProjectID, j.TargetProjectID, j.MergeStatus = p.ID, p.ID, "can_be_merged"
	} else {
		conf := it.Confidential
		j.Type, j.IssueType, j.Confidential = "ISSUE", "issue", &conf
	}
	return j
}

func (m mapper) note(p *Project, it *Item, n *Note) noteJSON {
	kind := "Issue"
	if it.MR {
		kind = "MergeRequest"
	}
	return noteJSON{ID: n.ID, Body: n.Body, Author: m.user(n.Author), CreatedAt: isoTime(n.CreatedAt),
		UpdatedAt: isoTime(n.UpdatedAt), System: n.System, NoteableID: it.ID, NoteableType: kind,
		NoteableIID: it.IID, ProjectID: p.ID}
}

func wiki(w *WikiPage, withContent bool) wikiJSON {
	j := wikiJSON{Format: w.Format, Slug: w.Slug, Title: w.Title, Encoding: "UTF-8"}
	if withContent {
		c := w.Content
		j.Content = &c
	}
	return j
}

// WikiURL returns a wiki page's web address on an instance at web.
func WikiURL(web string, p *Project, w *WikiPage) string {
	return strings.TrimSuffix(web, "/") + "/" + p.PathWithNamespace() + "/-/wikis/" + (&url.URL{Path: w.Slug}).EscapedPath()
}

// ItemURL returns an issue's or merge request's web address on an
// instance at web.
func ItemURL(web string, p *Project, it *Item) string {
	return mapper{web: strings.TrimSuffix(web, "/")}.itemURL(p, it)
}

// ProjectURL returns a project's web address on an instance at web.
func ProjectURL(web string, p *Project) string {
	return strings.TrimSuffix(web, "/") + "/" + p.PathWithNamespace()
}

// GroupURL returns a group's web address on an instance at web.
func GroupURL(web string, g *Group) string {
	return strings.TrimSuffix(web, "/") + "/groups/" + g.FullPath()
}
