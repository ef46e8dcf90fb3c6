package github

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// access returns who may see the repository's documents when the host asked
// for permissions, or nil when it did not.
//
// A public repository is public. For a private (or internal) repository the
// access is its collaborators' emails — those whose profile shows one,
// since GitHub does not reveal other addresses — and its teams as group ids
// "team:OWNER/SLUG". A token that may not list collaborators (push access
// is needed) gets a failure for the repository and an empty access, which
// admits nobody: access is never guessed wider than it is.
func (r *run) access(repo *apiRepo) (*tributary.ExternalAccess, bool) {
	if !r.c.env.WantPermissions {
		return nil, true
	}
	if !repo.Private && repo.Visibility != "internal" {
		return &tributary.ExternalAccess{Public: true}, true
	}
	a := &tributary.ExternalAccess{}
	emails, err := r.collaboratorEmails(repo)
	if err == nil {
		a.UserEmails = emails
		a.GroupIDs, err = r.teams(repo)
	}
	switch {
	case err == nil:
		return a, true
	case errors.Is(err, tributary.ErrInsufficientPermissions), errors.Is(err, tributary.ErrNotFound):
		f := tributary.EntityFailure(repo.FullName, repo.HTMLURL,
			fmt.Errorf("github: read who may see %s (documents admit nobody): %w", repo.FullName, err))
		return &tributary.ExternalAccess{}, r.Yield(tributary.FailureItem(f))
	default:
		return nil, r.Fail(fmt.Errorf("github: read who may see %s: %w", repo.FullName, err))
	}
}

func (r *run) collaboratorEmails(repo *apiRepo) ([]string, error) {
	first := r.c.client.url(repoPath(repo.FullName)+"/collaborators", url.Values{"affiliation": {"all"}, "per_page": {"100"}})
	var emails []string
	for u, err := range each[apiUser](r.ctx, r.c.client, first) {
		if err != nil {
			return nil, err
		}
		if u.Email != "" {
			emails = append(emails, strings.ToLower(u.Email))
		}
	}
	slices.Sort(emails)
	return slices.Compact(emails), nil
}

func (r *run) teams(repo *apiRepo) ([]string, error) {
	if !strings.EqualFold(repo.Owner.Type, "Organization") {
		return nil, nil
	}
	first := r.c.client.url(repoPath(repo.FullName)+"/teams", url.Values{"per_page": {"100"}})
	var ids []string
	for t, err := range each[apiTeam](r.ctx, r.c.client, first) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, "team:"+repo.Owner.Login+"/"+t.Slug)
	}
	return ids, nil
}
