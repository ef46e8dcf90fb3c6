package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// The listings read in each repository.
const (
	kindPulls  = "pulls"
	kindIssues = "issues"
	kindDone   = "done" // the repository is finished
)

// The phases of a stream: the configured repositories, then the owner's.
const (
	phaseConfigured = 0
	phaseOwner      = 1
)

const (
	checkpointKind    = "github"
	checkpointVersion = 1
	maxPerPage        = 100 // GitHub's largest listing page
)

// position is the checkpoint state: where the stream is, never what it has
// seen. Its size does not depend on the size of the source.
type position struct {
	Phase int    `json:"phase"`
	Repo  string `json:"repo,omitempty"` // full name of the repository in progress
	Kind  string `json:"kind,omitempty"` // listing in progress: pulls, issues or done
	// Page is the listing page last finished: a resumed stream reads it
	// again and skips the items it yielded before: those updated after
	// Cursor, and those updated at Cursor whose numbers are in AtCursor.
	// Re-reading one page covers items that moved up a page because others
	// were deleted in between, including an item updated in the same
	// second as the page's last. When Unsorted is set, Page is instead the
	// next page to read.
	Page     string    `json:"page,omitempty"`
	Cursor   time.Time `json:"cursor,omitzero"`
	AtCursor []int     `json:"at_cursor,omitempty"`
	Unsorted bool      `json:"unsorted,omitempty"`
}

func (c *Connector) decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := func(format string, args ...any) (position, error) {
		return position{}, tributary.NewError("github: decode checkpoint", tributary.ErrInvalidCheckpoint, fmt.Errorf(format, args...))
	}
	switch {
	case pos.Phase != phaseConfigured && pos.Phase != phaseOwner:
		return bad("unknown phase %d", pos.Phase)
	case pos.Kind != kindPulls && pos.Kind != kindIssues && pos.Kind != kindDone:
		return bad("unknown listing %q", pos.Kind)
	case !validFullName(pos.Repo):
		return bad("bad repository %q", pos.Repo)
	case pos.Page != "" && !c.client.sameAPI(pos.Page):
		return bad("page outside the API root %s", c.client.base)
	case len(pos.AtCursor) > maxPerPage:
		return bad("%d items at the cursor, more than a page holds", len(pos.AtCursor))
	}
	return pos, nil
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if pos.Phase == phaseConfigured {
		for _, name := range r.c.repos {
			if pos.Repo != "" && lessName(name, pos.Repo) {
				continue
			}
			from := resumeAt(pos, name)
			if !r.configuredRepo(name, from) {
				return
			}
		}
		pos = position{Phase: phaseOwner}
	}
	if r.c.settings.Owner != "" {
		r.ownerRepos(pos)
	}
}

// resumeAt returns where to start in the repository: pos itself when it is
// the repository pos names, else its beginning.
func resumeAt(pos position, name string) position {
	if strings.EqualFold(pos.Repo, name) {
		return pos
	}
	return position{Phase: pos.Phase, Repo: name}
}

func lessName(a, b string) bool { return strings.ToLower(a) < strings.ToLower(b) }

// configuredRepo reads one configured repository. A repository that no
// longer exists or can no longer be seen is a failure, not the end of the
// run.
func (r *run) configuredRepo(name string, from position) bool {
	if from.Kind == kindDone {
		return true
	}
	repo, err := r.c.client.getRepo(r.ctx, name)
	switch {
	case errors.Is(err, tributary.ErrNotFound), errors.Is(err, tributary.ErrInsufficientPermissions):
		f := tributary.EntityFailure(name, "", err)
		f.MissedStart, f.MissedEnd = r.start, r.end
		return r.Yield(tributary.FailureItem(f)) &&
			r.Checkpoint(position{Phase: phaseConfigured, Repo: name, Kind: kindDone})
	case err != nil:
		return r.Fail(err)
	}
	from.Phase = phaseConfigured
	return r.repo(repo, from)
}

// ownerRepos reads the owner's repositories in name order, skipping the
// configured ones (already read) and, on resume, those before pos.Repo.
func (r *run) ownerRepos(pos position) {
	next, err := r.c.ownerListURL(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	for repo, err := range each[apiRepo](r.ctx, r.c.client, next) {
		if err != nil {
			r.Fail(fmt.Errorf("github: list repositories of %s: %w", r.c.settings.Owner, err))
			return
		}
		if r.c.configured(repo.FullName) || (pos.Repo != "" && lessName(repo.FullName, pos.Repo)) {
			continue
		}
		if err := repo.check(); err != nil {
			r.Fail(tributary.NewError("github: list repositories of "+r.c.settings.Owner, tributary.ErrMalformedResponse, err))
			return
		}
		from := resumeAt(pos, repo.FullName)
		from.Phase = phaseOwner
		if from.Kind != kindDone && !r.repo(repo, from) {
			return
		}
	}
}

func (c *Connector) configured(fullName string) bool {
	for _, n := range c.repos {
		if strings.EqualFold(n, fullName) {
			return true
		}
	}
	return false
}

// ownerListURL returns the first page of the owner's repositories sorted by
// name: the organization listing for an organization, the authenticated
// user's own listing (which includes private repositories) when the owner
// is the token's user, and the public listing of another user.
func (c *Connector) ownerListURL(ctx context.Context) (string, error) {
	owner := c.settings.Owner
	var u apiUser
	if err := c.client.get(ctx, c.client.url("/users/"+url.PathEscape(owner), nil), &u); err != nil {
		return "", fmt.Errorf("github: look up owner %s: %w", owner, err)
	}
	q := url.Values{"sort": {"full_name"}, "direction": {"asc"}, "per_page": {"100"}}
	if strings.EqualFold(u.Type, "Organization") {
		q.Set("type", "all")
		return c.client.url("/orgs/"+url.PathEscape(owner)+"/repos", q), nil
	}
	var me apiUser
	if err := c.client.get(ctx, c.client.url("/user", nil), &me); err != nil {
		return "", fmt.Errorf("github: look up the token's user: %w", err)
	}
	if strings.EqualFold(me.Login, owner) {
		q.Set("affiliation", "owner")
		return c.client.url("/user/repos", q), nil
	}
	q.Set("type", "owner")
	return c.client.url("/users/"+url.PathEscape(owner)+"/repos", q), nil
}

// repo yields the repository's node, then its listings from from.Kind on,
// with a checkpoint after each listing.
func (r *run) repo(repo *apiRepo, from position) bool {
	access, ok := r.access(repo)
	if !ok {
		return false
	}
	if !r.Yield(tributary.NodeItem(repoNode(repo, cloneAccess(access)))) {
		return false
	}
	kinds := r.c.kindsOf(repo)
	first := max(0, slices.Index(kinds, from.Kind))
	for i := first; i < len(kinds); i++ {
		lpos := position{Phase: from.Phase, Repo: repo.FullName, Kind: kinds[i]}
		if i == first && from.Kind == kinds[i] {
			lpos = from
		}
		if !r.listing(repo, kinds[i], lpos, access) {
			return false
		}
		after := kindDone
		if i+1 < len(kinds) {
			after = kinds[i+1]
		}
		if !r.Checkpoint(position{Phase: from.Phase, Repo: repo.FullName, Kind: after}) {
			return false
		}
	}
	return true
}

// listURL returns the first page of a listing: every item (or the
// configured state) sorted by update time, newest first. The issues listing
// also takes since, one second before start because GitHub compares at
// second precision; the pull request listing has no such filter.
func (r *run) listURL(repo *apiRepo, kind string) string {
	q := url.Values{"state": {r.c.settings.State}, "sort": {"updated"}, "direction": {"desc"},
		"per_page": {fmt.Sprint(r.c.settings.PerPage)}}
	if kind == kindIssues && !r.start.IsZero() {
		q.Set("since", r.start.Add(-time.Second).UTC().Format(time.RFC3339))
	}
	return r.c.client.url(repoPath(repo.FullName)+"/"+kind, q)
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// listing reads one listing page by page from pos. Items come newest first;
// those updated at or after end are skipped, and once a whole page was in
// order and ends before start the listing stops: only because the listing
// is sorted by the very field compared can nothing older follow. A page
// found out of order turns early stopping off for the rest of the listing.
func (r *run) listing(repo *apiRepo, kind string, pos position, access *tributary.ExternalAccess) bool {
	first := pos.Page
	if first == "" {
		first = r.listURL(repo, kind)
	}
	l := &lister{run: r, repo: repo, kind: kind, access: access, unsorted: pos.Unsorted}
	if pos.Page != "" && !pos.Unsorted {
		l.skipAfter, l.skipAt = pos.Cursor, pos.AtCursor
	}
	for pg, err := range r.c.client.pages(r.ctx, first) {
		if err != nil {
			return r.listingFailed(repo, kind, err)
		}
		last, ok := l.page(pg.Items, pg.At)
		if !ok {
			return false
		}
		l.skipAfter, l.skipAt = time.Time{}, nil
		if !r.start.IsZero() && !l.unsorted && !last.IsZero() && last.Before(r.start) {
			break // sorted newest first: nothing in the window follows
		}
		cp := position{Phase: pos.Phase, Repo: repo.FullName, Kind: kind, Page: pg.At, Cursor: last, AtCursor: l.atLast}
		if l.unsorted {
			cp = position{Phase: pos.Phase, Repo: repo.FullName, Kind: kind, Page: pg.Next, Unsorted: true}
		}
		if pg.Next != "" && !r.Checkpoint(cp) {
			return false
		}
	}
	return true
}

// listingFailed reports a listing that could not be read. A repository
// deleted or hidden meanwhile (404, 410) or a listing the token may not
// read (403) is a failure of that listing, and the stream goes on with the
// next one; anything else ends the stream, to resume from the last
// checkpoint.
func (r *run) listingFailed(repo *apiRepo, kind string, err error) bool {
	err = fmt.Errorf("github: list %s of %s: %w", kind, repo.FullName, err)
	if !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrInsufficientPermissions) {
		return r.Fail(err)
	}
	f := tributary.EntityFailure(repo.FullName+"/"+kind, repo.HTMLURL, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// lister holds what one listing needs across its pages.
type lister struct {
	*run
	repo      *apiRepo
	kind      string
	access    *tributary.ExternalAccess
	prev      time.Time // update time of the previous item, for the order check
	unsorted  bool
	atLast    []int     // numbers of the page's items updated at its last item's time
	skipAfter time.Time // on a resumed page: items newer than this were yielded,
	skipAt    []int     // and so were these, updated at skipAfter
}

// page yields the documents of one page and returns the update time of its
// last item.
func (l *lister) page(page []json.RawMessage, pageURL string) (last time.Time, ok bool) {
	for _, raw := range page {
		var it apiItem
		if err := json.Unmarshal(raw, &it); err != nil || it.HTMLURL == "" || it.UpdatedAt.IsZero() {
			if !l.badItem(raw, pageURL, err) {
				return last, false
			}
			continue
		}
		if !l.prev.IsZero() && it.UpdatedAt.After(l.prev) && !l.unsorted {
			l.unsorted = true
			l.c.env.Log().Warn("github: listing not sorted by update time; reading it to the end",
				"repo", l.repo.FullName, "listing", l.kind)
		}
		if !it.UpdatedAt.Equal(last) {
			l.atLast = l.atLast[:0]
		}
		l.prev, last = it.UpdatedAt, it.UpdatedAt
		l.atLast = append(l.atLast, it.Number)
		if l.kind == kindIssues && it.isPull() {
			continue // pull requests come from their own listing
		}
		if l.yieldedBefore(&it) || !l.inWindow(it.UpdatedAt) {
			continue
		}
		if !l.item(&it) {
			return last, false
		}
	}
	return last, true
}

// yieldedBefore reports whether a resumed page's item was yielded before
// the checkpoint.
func (l *lister) yieldedBefore(it *apiItem) bool {
	if l.skipAfter.IsZero() {
		return false
	}
	return it.UpdatedAt.After(l.skipAfter) || it.UpdatedAt.Equal(l.skipAfter) && slices.Contains(l.skipAt, it.Number)
}

// badItem reports an item that does not decode, named by the id its
// document would have had.
func (l *lister) badItem(raw json.RawMessage, pageURL string, err error) bool {
	if err == nil {
		err = errors.New("item lacks html_url or updated_at")
	}
	var ref itemRef
	if json.Unmarshal(raw, &ref) == nil && (ref.HTMLURL != "" || ref.Number > 0) {
		id := itemID(l.repo, ref.HTMLURL, ref.Number, l.kind == kindPulls)
		return l.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("github: malformed %s item: %w", l.kind, err))))
	}
	f := tributary.EntityFailure(pageURL, l.repo.HTMLURL, fmt.Errorf("github: malformed %s item: %w", l.kind, err))
	f.MissedStart, f.MissedEnd = l.start, l.end
	return l.Yield(tributary.FailureItem(f))
}

// item maps one item and yields its document, with comments when asked.
func (l *lister) item(it *apiItem) bool {
	pull := l.kind == kindPulls
	d, err := toDocument(l.repo, it, pull, l.access)
	if err != nil {
		id := itemID(l.repo, it.HTMLURL, it.Number, pull)
		return l.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	if l.c.settings.IncludeComments && !l.slim && (pull || it.Comments == nil || *it.Comments > 0) {
		sections, err := l.comments(it.Number)
		if err != nil {
			if terminal(err) {
				return l.Fail(fmt.Errorf("github: comments of %s: %w", d.ID, err))
			}
			return l.Yield(tributary.FailureItem(tributary.DocumentFailure(d.ID, d.ID, fmt.Errorf("github: comments: %w", err))))
		}
		d.Sections = append(d.Sections, sections...)
	}
	return l.Yield(tributary.DocumentItem(d))
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// comments reads every comment of an item, page by page.
func (l *lister) comments(number int) ([]tributary.Section, error) {
	first := l.c.client.url(fmt.Sprintf("%s/issues/%d/comments", repoPath(l.repo.FullName), number), url.Values{"per_page": {"100"}})
	var out []tributary.Section
	for cm, err := range each[apiComment](l.ctx, l.c.client, first) {
		if err != nil {
			return nil, err
		}
		out = append(out, commentSection(cm))
	}
	return out, nil
}
