package linear

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// The single-object lookups Refetch sends; an issue's project comes with
// its teams, so that the project's node can be named under its team's.
const (
	refetchIssueQuery = `query Issue($id: String!) {
  issue(id: $id) { ` + issueFields + `
    comments(first: 20) { nodes { ` + commentFields + ` } pageInfo { hasNextPage endCursor } }
    projectTeams: project { id slugId name url teams(first: 10) { nodes { id key name private } } } }
}`
	projectQuery = `query Project($id: String!) {
  project(id: $id) { ` + projectFields + ` }
}`
	documentQuery = `query Document($id: String!) {
  document(id: $id) { ` + documentFields + ` }
}`
)

// Refetch fetches documents again by id, one request each (and one per
// further page of an issue's comments): an issue by its identifier, a
// project or a document by its short id. Each comes after the nodes of its
// team and project. An id that names nothing Linear has (any longer, or
// that the credentials can see) is a deletion, as is an archived item
// when archived items are not read, as is one of a team the settings do
// not read; an issue moved to another team comes
// under its new identifier, followed by a deletion of the id asked. An id
// of another workspace or source fails with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, asked []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, time.Time{}, time.Time{}, false, yield)
		web, err := c.workspace(ctx)
		if err != nil {
			r.Fail(err)
			return
		}
		r.ids = ids{web: web, teams: c.teams}
		for _, id := range asked {
			if !r.refetch(id) {
				return
			}
		}
	}
}

// refetch answers one id.
func (r *run) refetch(id string) bool {
	rest, ok := strings.CutPrefix(id, r.ids.web+"/")
	kind, key, _ := strings.Cut(rest, "/")
	if !ok || key == "" || strings.ContainsAny(key, "/?#") {
		return r.refetchFailed(id, tributary.NewError("linear: refetch", tributary.ErrForeignURL,
			fmt.Errorf("%s is not a document of this workspace", id)))
	}
	var err error
	switch {
	case kind == "issue" && r.c.settings.IncludeIssues:
		return r.refetchIssue(id, key)
	case kind == "project" && r.c.settings.IncludeProjects:
		return r.refetchProject(id, key)
	case kind == "document" && r.c.settings.IncludeDocuments:
		return r.refetchDocument(id, key)
	case kind == "issue" || kind == "project" || kind == "document":
		err = tributary.NewError("linear: refetch", tributary.ErrNotSupported, fmt.Errorf("the settings do not read %ss", kind))
	default:
		err = tributary.NewError("linear: refetch", tributary.ErrForeignURL, fmt.Errorf("%s names no issue, project or document", id))
	}
	return r.refetchFailed(id, err)
}

// refetchFailed answers an id that could not be fetched: a deletion when
// Linear has nothing under it, the end of the stream on a terminal error,
// else a failure under the id.
func (r *run) refetchFailed(id string, err error) bool {
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return r.Yield(tributary.DeletionItem(id))
	case terminal(err):
		return r.Fail(err)
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
}

func (r *run) teamNode(t *apiTeam) bool {
	n := &tributary.HierarchyNode{ID: r.ids.team(t.Key), Name: t.Name, Link: r.ids.team(t.Key), Kind: NodeTeam,
		ExternalAccess: r.c.access([]apiTeam{*t})}
	if n.Name == "" {
		n.Name = t.Key
	}
	return r.Yield(tributary.NodeItem(n))
}

// projectNodes yields the node of a project's first team and then the
// project's.
func (r *run) projectNodes(p *apiProject) bool {
	teams := teamsOf(p.Teams)
	if parent := r.ids.teamParent(teams); parent != "" {
		for i := range teams {
			if r.ids.team(teams[i].Key) == parent && !r.teamNode(&teams[i]) {
				return false
			}
		}
	}
	return r.Yield(tributary.NodeItem(r.ids.projectNode(p, r.c.access(teams))))
}

func (r *run) refetchIssue(id, key string) bool {
	var v struct {
		Issue *struct {
			apiIssue
			ProjectTeams *apiProjectRef `json:"projectTeams"`
		} `json:"issue"`
	}
	if err := r.c.client.query(r.ctx, "Issue", refetchIssueQuery, map[string]any{"id": key}, true, &v); err != nil {
		return r.refetchFailed(id, fmt.Errorf("linear: refetch %s: %w", id, err))
	}
	if v.Issue == nil || v.Issue.Team == nil {
		return r.refetchFailed(id, tributary.NewError("linear: refetch "+id, tributary.ErrMalformedResponse, errors.New("answer without the issue or its team")))
	}
	is := &v.Issue.apiIssue
	if is.ArchivedAt != nil && !r.c.settings.IncludeArchived || !r.c.readsTeam(is.Team.Key) {
		return r.Yield(tributary.DeletionItem(id))
	}
	if !r.teamNode(is.Team) {
		return false
	}
	if p := v.Issue.ProjectTeams; p != nil && p.SlugID != "" {
		if !r.projectNodes(&apiProject{ID: p.ID, SlugID: p.SlugID, Name: p.Name, URL: p.URL, Teams: p.Teams}) {
			return false
		}
	}
	d, ok := r.issueDocument(is)
	if !ok || d == nil {
		return ok
	}
	if !r.Yield(tributary.DocumentItem(d)) {
		return false
	}
	// An issue moved to another team is found by its old identifier too:
	// the document lives on under its new one.
	return d.ID == id || r.Yield(tributary.DeletionItem(id))
}

func (r *run) refetchProject(id, slugID string) bool {
	var v struct {
		Project *apiProject `json:"project"`
	}
	if err := r.c.client.query(r.ctx, "Project", projectQuery, map[string]any{"id": slugID}, true, &v); err != nil {
		return r.refetchFailed(id, fmt.Errorf("linear: refetch %s: %w", id, err))
	}
	p := v.Project
	if p == nil || p.SlugID == "" {
		return r.refetchFailed(id, tributary.NewError("linear: refetch "+id, tributary.ErrMalformedResponse, errors.New("answer without the project")))
	}
	if p.ArchivedAt != nil && !r.c.settings.IncludeArchived || !r.c.readsProject(teamsOf(p.Teams)) {
		return r.Yield(tributary.DeletionItem(id))
	}
	if !r.projectNodes(p) {
		return false
	}
	d := r.ids.projectDocument(p)
	d.ExternalAccess = r.c.access(teamsOf(p.Teams))
	return r.Yield(tributary.DocumentItem(d))
}

func (r *run) refetchDocument(id, slugID string) bool {
	var v struct {
		Document *apiDocument `json:"document"`
	}
	if err := r.c.client.query(r.ctx, "Document", documentQuery, map[string]any{"id": slugID}, true, &v); err != nil {
		return r.refetchFailed(id, fmt.Errorf("linear: refetch %s: %w", id, err))
	}
	doc := v.Document
	if doc == nil || doc.SlugID == "" {
		return r.refetchFailed(id, tributary.NewError("linear: refetch "+id, tributary.ErrMalformedResponse, errors.New("answer without the document")))
	}
	if doc.ArchivedAt != nil && !r.c.settings.IncludeArchived || !r.c.readsDocument(doc) {
		return r.Yield(tributary.DeletionItem(id))
	}
	if p := doc.Project; p != nil && p.SlugID != "" {
		if !r.projectNodes(&apiProject{ID: p.ID, SlugID: p.SlugID, Name: p.Name, URL: p.URL, Teams: p.Teams}) {
			return false
		}
	}
	d := r.ids.documentDocument(doc)
	d.ExternalAccess = r.c.documentAccess(doc)
	return r.Yield(tributary.DocumentItem(d))
}
