package bitbucket

import (
	"fmt"
	"net/url"

	"github.com/tributary-dev/tributary"
)

// Group ids of access and group sync.
const (
	// workspacePrefix begins the group of a workspace's members:
	// "workspace:acme".
	workspacePrefix = "workspace:"
	// repositoryPrefix begins the group of the users given a permission
	// on a repository: "repository:acme/api".
	repositoryPrefix = "repository:"
)

// WorkspaceGroup returns the group id of a workspace's members.
func WorkspaceGroup(ws string) string { return workspacePrefix + lower(ws) }

// RepositoryGroup returns the group id of the users with a permission on
// a repository ("workspace/slug").
func RepositoryGroup(full string) string { return repositoryPrefix + lower(full) }

// repoAccess is who may see a repository's documents, read once per
// repository when the host asked for permissions.
type repoAccess struct {
	want    bool
	private bool
	group   string
	basis   string // MetaAccessBasis, for private repositories
}

// repoAccess reads who may see the repository's documents, or returns a
// repoAccess that gives none when permissions were not asked for.
//
// A public repository's documents are public. A private one's are open to
// RepositoryGroup, whose members group sync reads from the workspace's
// repository permissions. Bitbucket lets only workspace administrators
// (and admin access tokens) read those: with other credentials the access
// falls back to WorkspaceGroup, the workspace's members, which is wider
// than the repository's own access; the connector warns once per
// workspace and marks the documents with MetaAccessBasis "workspace".
func (r *run) repoAccess(repo *apiRepository) (*repoAccess, bool) {
	ra := &repoAccess{want: r.c.env.WantPermissions, private: repo.IsPrivate != nil && *repo.IsPrivate}
	if !ra.want || !ra.private {
		return ra, true
	}
	ws := lower(repo.Workspace.Slug)
	ra.group, ra.basis = RepositoryGroup(repo.fullName()), "repository"
	if r.noAdmin[ws] {
		ra.group, ra.basis = WorkspaceGroup(ws), "workspace"
		return ra, true
	}
	err := r.c.client.get(r.ctx, r.c.permissionsURL(repo, 1), new(pageBody))
	switch {
	case err == nil:
		return ra, true
	case hidden(err):
		r.noAdmin[ws] = true
		r.c.env.Log().Warn("bitbucket: the credentials may not read repository permissions (a workspace admin may); "+
			"private repositories' documents are open to all workspace members", "workspace", ws)
		ra.group, ra.basis = WorkspaceGroup(ws), "workspace"
		return ra, true
	default:
		return nil, r.Fail(fmt.Errorf("bitbucket: read who may see %s: %w", repo.fullName(), err))
	}
}

// permissionsURL lists the users with a permission on the repository.
func (c *Connector) permissionsURL(repo *apiRepository, pagelen int) string {
	ws, slug, _ := splitRepo(repo.fullName())
	return c.client.url("/workspaces/"+url.PathEscape(ws)+"/permissions/repositories/"+url.PathEscape(slug),
		url.Values{"pagelen": {fmt.Sprint(pagelen)}})
}

// access returns the documents' access, nil when not asked for.
func (ra *repoAccess) access() *tributary.ExternalAccess {
	switch {
	case !ra.want:
		return nil
	case !ra.private:
		return &tributary.ExternalAccess{Public: true}
	}
	return &tributary.ExternalAccess{GroupIDs: []string{ra.group}}
}
