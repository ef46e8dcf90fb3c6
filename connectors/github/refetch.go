package github

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches issues and pull requests again by id, one GET each (GET
// /repos/OWNER/NAME/issues/N or /pulls/N) plus, per repository asked
// about, the repository and, when the host asks for permissions, who may
// see it. The document is built as Load builds it, with its comments when
// configured, after its repository's node.
//
// An id is one of the connector's when it is the html_url of an issue or
// pull request of a configured repository or of the configured owner's;
// any other id is a Failure matching tributary.ErrForeignURL, without a
// request. An item the source no longer has (404, 410), one that moved
// (transferred, or an issue that is a pull request), and one the settings
// now leave out (its kind is not read, the repository's issues are turned
// off, its state is not the configured one) is a deletion. A refusal
// (403), a failing read and a repository that cannot be read (404 may
// mean hidden from the token rather than deleted, as Load takes it) are a
// Failure under the id. Rejected credentials, an exhausted rate limit and
// the end of ctx end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := &run{c: c, ctx: ctx}
		r.Yielder = tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)
		rf := &refetcher{run: r, repos: map[string]*refetchRepo{}}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				r.Fail(fmt.Errorf("github: refetch: %w", err))
				return
			}
			if !rf.one(id) {
				return
			}
		}
	}
}

// refetcher is one Refetch call: the repositories it has read, each once.
type refetcher struct {
	*run
	repos map[string]*refetchRepo // by lower-case full name
}

// refetchRepo is a repository as one Refetch call read it.
type refetchRepo struct {
	repo   *apiRepo
	err    error // the repository could not be read
	access *tributary.ExternalAccess
	sent   bool // its node was yielded
}

// target is what an id names.
type target struct {
	repo   string // owner/name as in the id
	number int
	pull   bool
}

// one answers id, reporting whether the stream goes on.
func (rf *refetcher) one(id string) bool {
	t, err := rf.c.refetchTarget(rf.ctx, id)
	if err != nil {
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, "", err)))
	}
	kind := kindIssues
	if t.pull {
		kind = kindPulls
	}
	if !rf.c.readsKind(kind) {
		return rf.Yield(tributary.DeletionItem(id))
	}
	rr, ok := rf.repo(t.repo)
	switch {
	case !ok:
		return false
	case rr.err != nil:
		// As in Load, a repository that answers 404 may be deleted or
		// only hidden from the token: its documents are not deleted.
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, rr.err)))
	case !t.pull && rr.repo.HasIssues != nil && !*rr.repo.HasIssues:
		return rf.Yield(tributary.DeletionItem(id))
	}
	var it apiItem
	path := fmt.Sprintf("%s/%s/%d", repoPath(rr.repo.FullName), kind, t.number)
	err = rf.c.client.get(rf.ctx, rf.c.client.url(path, nil), &it)
	switch {
	case err != nil && terminal(err):
		return rf.Fail(fmt.Errorf("github: refetch %s: %w", id, err))
	case errors.Is(err, tributary.ErrNotFound):
		return rf.Yield(tributary.DeletionItem(id))
	case err != nil:
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("github: refetch: %w", err))))
	case it.HTMLURL == "" || it.UpdatedAt.IsZero():
		err := fmt.Errorf("github: refetch: malformed %s item: item lacks html_url or updated_at", kind)
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	case it.HTMLURL != id || (!t.pull && it.isPull()):
		return rf.Yield(tributary.DeletionItem(id)) // moved: a window finds it under its new id
	case rf.c.settings.State != "all" && it.State != rf.c.settings.State:
		return rf.Yield(tributary.DeletionItem(id))
	}
	if !rr.sent {
		rr.sent = true
		if !rf.Yield(tributary.NodeItem(repoNode(rr.repo, cloneAccess(rr.access)))) {
			return false
		}
	}
	l := &lister{run: rf.run, repo: rr.repo, kind: kind, access: rr.access}
	return l.item(&it)
}

// repo returns the repository of the full name, reading it and who may
// see it on first use. It reports false when the stream ended.
func (rf *refetcher) repo(name string) (*refetchRepo, bool) {
	key := strings.ToLower(name)
	if rr, ok := rf.repos[key]; ok {
		return rr, true
	}
	rr := &refetchRepo{}
	rr.repo, rr.err = rf.c.client.getRepo(rf.ctx, name)
	if rr.err == nil {
		rr.access, rr.err = rf.readAccess(rr.repo)
	}
	if rr.err != nil && terminal(rr.err) {
		return nil, rf.Fail(fmt.Errorf("github: refetch: %w", rr.err))
	}
	rf.repos[key] = rr
	return rr, true
}

// readAccess reads who may see the repository as Load does, on a stream
// of its own: a repository whose access cannot be read is logged and its
// documents admit nobody, as in Load, since Refetch answers ids with
// documents only; an error that would end a Load is returned, for the
// caller to end the stream or fail the ids of the repository.
func (rf *refetcher) readAccess(repo *apiRepo) (*tributary.ExternalAccess, error) {
	var failed error
	sub := &run{c: rf.c, ctx: rf.ctx}
	sub.Yielder = tributary.NewYielder(rf.ctx, func(it tributary.Item, err error) bool {
		switch {
		case err != nil:
			failed = err
			return false
		case it.Failure != nil:
			rf.c.env.Log().Warn("github: refetch: "+it.Failure.Error(), "repo", repo.FullName)
		}
		return true
	}, checkpointKind, checkpointVersion)
	access, ok := sub.access(repo)
	if !ok {
		return nil, failed
	}
	return access, nil
}

// readsKind reports whether the settings read the listing.
func (c *Connector) readsKind(kind string) bool {
	if kind == kindPulls {
		return c.settings.IncludePullRequests
	}
	return c.settings.IncludeIssues
}

// refetchTarget maps an id to the item it names, or to the ErrForeignURL
// error of an id that is not the html_url of an item of a repository the
// settings read. It parses the id as NormalizeURL does, and accepts only
// the form Load gives ids.
func (c *Connector) refetchTarget(ctx context.Context, id string) (target, error) {
	foreign := func(why string) error {
		return tributary.NewError("github: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", id, why))
	}
	norm, err := c.NormalizeURL(ctx, id)
	switch {
	case errors.Is(err, tributary.ErrForeignURL):
		return target{}, err
	case err != nil:
		return target{}, foreign("not the id of an issue or pull request")
	case !strings.EqualFold(norm, id):
		return target{}, foreign("not in the form of the connector's document ids")
	}
	// norm is scheme://host/owner/name/(issues|pull)/N.
	_, rest, _ := strings.Cut(id, "://")
	parts := strings.Split(rest, "/")
	n, _ := strconv.Atoi(parts[4])
	return target{repo: parts[1] + "/" + parts[2], number: n, pull: parts[3] == "pull"}, nil
}
