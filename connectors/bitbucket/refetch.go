package bitbucket

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches pull requests again by id, as Load reads them (GET
// /repositories/{ws}/{slug}/pullrequests/{id}, with comments), after the
// nodes of their workspace and repository. An id of another site, or of a
// repository outside the configured workspaces and repositories, is a
// Failure matching tributary.ErrForeignURL. A pull request the repository
// no longer has, or one in a state the settings do not read, is a
// deletion; a repository that cannot be read, a malformed answer or any
// other failed request a Failure under the id. Rejected credentials, a
// rate limit or the end of ctx end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, time.Time{}, time.Time{}, false, yield)
		type repoState struct {
			repo *apiRepository
			ra   *repoAccess
		}
		repos := map[string]repoState{}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				r.Fail(fmt.Errorf("bitbucket: refetch: %w", err))
				return
			}
			full, n, err := c.refOf(id)
			if err != nil {
				if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, "", err))) {
					return
				}
				continue
			}
			st, ok := repos[full]
			if !ok {
				repo, err := r.fetchRepo(full)
				if err != nil {
					if terminal(err) {
						r.Fail(fmt.Errorf("bitbucket: refetch: %w", err))
						return
					}
					if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("bitbucket: refetch: %w", err)))) {
						return
					}
					continue
				}
				ra, ok := r.repoAccess(repo)
				if !ok {
					return
				}
				for _, node := range r.nodes(repo, ra.access()) {
					if !r.Yield(tributary.NodeItem(node)) {
						return
					}
				}
				st = repoState{repo, ra}
				repos[full] = st
			}
			if !r.refetchOne(id, st.repo, n, st.ra) {
				return
			}
		}
	}
}

// fetchRepo reads one repository.
func (r *run) fetchRepo(full string) (*apiRepository, error) {
	ws, slug, _ := splitRepo(full)
	var repo apiRepository
	if err := r.c.client.get(r.ctx, r.c.client.url("/repositories/"+url.PathEscape(ws)+"/"+url.PathEscape(slug), nil), &repo); err != nil {
		return nil, fmt.Errorf("repository %s: %w", full, err)
	}
	if err := repo.check(); err != nil {
		return nil, tributary.NewError("bitbucket: repository "+full, tributary.ErrMalformedResponse, err)
	}
	return &repo, nil
}

// refetchOne yields the one answer for id.
func (r *run) refetchOne(id string, repo *apiRepository, n int64, ra *repoAccess) bool {
	ws, slug, _ := splitRepo(repo.fullName())
	var pr apiPullRequest
	err := r.c.client.get(r.ctx, r.c.client.url(fmt.Sprintf("/repositories/%s/%s/pullrequests/%d", url.PathEscape(ws), url.PathEscape(slug), n), nil), &pr)
	switch {
	case err == nil && (pr.ID <= 0 || pr.UpdatedOn == nil || pr.UpdatedOn.IsZero()):
		err = tributary.NewError("bitbucket", tributary.ErrMalformedResponse, fmt.Errorf("pull request lacks id or updated_on"))
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("bitbucket: refetch: %w", err))))
	case err == nil && !slices.Contains(r.c.settings.States, pr.State):
		return r.Yield(tributary.DeletionItem(id))
	case err == nil:
		d, ok := r.document(repo, &pr, ra)
		if !ok || d == nil {
			return ok // the stream ended, or a failure was yielded
		}
		return r.Yield(tributary.DocumentItem(d))
	case terminal(err):
		return r.Fail(fmt.Errorf("bitbucket: refetch %s: %w", id, err))
	case isNotFound(err):
		return r.Yield(tributary.DeletionItem(id))
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("bitbucket: refetch: %w", err))))
}

// refOf maps a document id to its repository and pull request number,
// refusing ids that Load would not yield.
func (c *Connector) refOf(id string) (full string, n int64, err error) {
	foreign := func(why string) (string, int64, error) {
		return "", 0, tributary.NewError("bitbucket: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", id, why))
	}
	rest, ok := strings.CutPrefix(id, c.client.web+"/")
	if !ok {
		return foreign("not a pull request of " + c.client.web)
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 || parts[2] != "pull-requests" {
		return foreign("not a pull request address")
	}
	full = lower(parts[0] + "/" + parts[1])
	if _, _, ok := splitRepo(full); !ok {
		return foreign("not a pull request address")
	}
	n, perr := strconv.ParseInt(parts[3], 10, 64)
	if perr != nil || n <= 0 || strconv.FormatInt(n, 10) != parts[3] {
		return foreign("not a pull request number")
	}
	ws, _, _ := splitRepo(full)
	if !c.configured(full) && !slices.Contains(c.workspaces, ws) {
		return foreign("outside the configured workspaces and repositories")
	}
	return full, n, nil
}
