package bitbucket

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Metadata keys set on documents.
const (
	MetaKind        = "kind"               // "pull_request"
	MetaWorkspace   = "workspace"          // the workspace's slug
	MetaRepository  = "repository"         // "workspace/slug"
	MetaProject     = "project"            // the repository's project key
	MetaState       = "state"              // OPEN, MERGED, DECLINED or SUPERSEDED
	MetaID          = "id"                 // the pull request's number in its repository
	MetaAuthor      = "author"             // the author's nickname
	MetaSource      = "source_branch"      // the branch merged from
	MetaDestination = "destination_branch" // the branch merged into
	MetaReviewer    = "reviewer"           // one value per reviewer's nickname
	// MetaAccessBasis says what a private repository's access was read
	// from when permissions were asked for: "repository" (its permissions)
	// or "workspace" (the workspace's members, when the credentials may
	// not read its permissions).
	MetaAccessBasis = "access_basis"
)

// NodeWorkspace is the kind of a workspace's hierarchy node.
const NodeWorkspace tributary.NodeKind = "workspace"

// workspaceNodeID is a workspace's web address.
func workspaceNodeID(web, ws string) string { return web + "/" + lower(ws) }

// repoLink is a repository's web address: its links.html.href, else
// built the way Bitbucket builds it.
func repoLink(web string, repo *apiRepository) string {
	if h := repo.Links.HTML.Href; h != "" {
		return strings.TrimSuffix(h, "/")
	}
	return web + "/" + repo.fullName()
}

func workspaceNode(web string, w *apiWorkspace) *tributary.HierarchyNode {
	id := workspaceNodeID(web, w.Slug)
	return &tributary.HierarchyNode{ID: id, Name: cmp.Or(w.Name, w.Slug), Link: id, Kind: NodeWorkspace}
}

func repoNode(web string, repo *apiRepository, access *tributary.ExternalAccess) *tributary.HierarchyNode {
	link := repoLink(web, repo)
	return &tributary.HierarchyNode{ID: link, ParentID: workspaceNodeID(web, repo.Workspace.Slug),
		Name: cmp.Or(repo.Name, repo.Slug), Link: link, Kind: tributary.NodeRepository, ExternalAccess: access}
}

// prID returns a pull request's document id: its links.html.href, the
// canonical web address, or when the API left it out the address built as
// Bitbucket builds it, so that a failure still names the document.
func prID(web string, repo *apiRepository, html string, id int64) string {
	if html != "" {
		return html
	}
	return repoLink(web, repo) + "/pull-requests/" + strconv.FormatInt(id, 10)
}

func person(u *apiUser) tributary.Person {
	return tributary.Person{DisplayName: cmp.Or(u.DisplayName, u.Nickname), Email: strings.ToLower(u.Email)}
}

// toDocument maps a pull request (with its id and update time checked)
// to a document. Times are Bitbucket's own; a missing creation time stays
// zero.
func toDocument(web string, repo *apiRepository, pr *apiPullRequest, access *tributary.ExternalAccess) *tributary.Document {
	id := prID(web, repo, pr.Links.HTML.Href, pr.ID)
	body := strings.TrimSpace(pr.Description)
	if body == "" {
		body = pr.Title
	}
	d := &tributary.Document{
		ID:             id,
		Source:         Source,
		SemanticID:     fmt.Sprintf("%s#%d: %s", repo.fullName(), pr.ID, pr.Title),
		Title:          pr.Title,
		Sections:       []tributary.Section{tributary.TextSection(id, body)},
		Metadata:       tributary.Metadata{},
		UpdatedAt:      pr.UpdatedOn.UTC(),
		ParentID:       repoLink(web, repo),
		ExternalAccess: access,
	}
	if !pr.CreatedOn.IsZero() {
		d.CreatedAt = pr.CreatedOn.UTC()
	}
	if pr.Author != nil && (pr.Author.DisplayName != "" || pr.Author.Nickname != "") {
		d.PrimaryOwners = []tributary.Person{person(pr.Author)}
	}
	for i := range pr.Reviewers {
		if pr.Reviewers[i].DisplayName != "" || pr.Reviewers[i].Nickname != "" {
			d.SecondaryOwners = append(d.SecondaryOwners, person(&pr.Reviewers[i]))
			d.Metadata.Add(MetaReviewer, pr.Reviewers[i].Nickname)
		}
	}
	m := d.Metadata
	m.Add(MetaKind, "pull_request")
	m.Add(MetaWorkspace, lower(repo.Workspace.Slug))
	m.Add(MetaRepository, repo.fullName())
	m.Add(MetaProject, repo.Project.Key)
	m.Add(MetaState, pr.State)
	m.Add(MetaID, strconv.FormatInt(pr.ID, 10))
	if pr.Author != nil {
		m.Add(MetaAuthor, pr.Author.Nickname)
	}
	m.Add(MetaSource, pr.Source.Branch.Name)
	m.Add(MetaDestination, pr.Destination.Branch.Name)
	return d
}

// commentSection maps a comment to a section linking to the comment.
func commentSection(prURL string, c *apiComment) tributary.Section {
	heading := "Comment"
	if c.User != nil && (c.User.DisplayName != "" || c.User.Nickname != "") {
		heading = "Comment by " + cmp.Or(c.User.DisplayName, c.User.Nickname)
	}
	if c.Inline != nil && c.Inline.Path != "" {
		heading += " on " + c.Inline.Path
	}
	if c.Parent != nil && c.Parent.ID > 0 {
		heading += " (reply)"
	}
	link := cmp.Or(c.Links.HTML.Href, prURL+"#comment-"+strconv.FormatInt(c.ID, 10))
	s := tributary.TextSection(link, c.Content.Raw)
	s.Heading = heading
	return s
}

func lower(s string) string { return strings.ToLower(s) }
