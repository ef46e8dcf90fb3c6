package bitbucket

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// The phases of a stream: the configured repositories, then the
// workspaces'.
const (
	phaseRepositories = 0
	phaseWorkspaces   = 1
)

const (
	checkpointKind    = "bitbucket"
	checkpointVersion = 1
)

// position is the checkpoint state: where the stream is, never what it has
// seen. Its size does not depend on the size of the source.
type position struct {
	Phase int `json:"phase"`
	// Workspace is the workspace in progress (phase 1).
	Workspace string `json:"workspace,omitempty"`
	// Repo is the repository in progress ("workspace/slug", lower-cased);
	// in a workspace, repositories come in slug order, so it places the
	// listing. Done says Repo is finished, or with no Repo, Workspace.
	Repo string `json:"repo,omitempty"`
	Done bool   `json:"done,omitempty"`
	// Cursor is the update time the repository's listing has read up to:
	// every pull request updated before it was yielded, and of those
	// updated at Cursor the ones whose ids are in Tied (at most a page of
	// them).
	Cursor time.Time `json:"cursor,omitzero"`
	Tied   []int64   `json:"tied,omitempty"`
	// Next is the next link to follow, set only while more than a page of
	// pull requests share Cursor's time (or the listing is Unsorted);
	// otherwise the listing is asked again from Cursor.
	Next string `json:"next,omitempty"`
	// Unsorted marks a listing found out of update-time order: it is then
	// read to its end by next links, without skipping by Cursor.
	Unsorted bool `json:"unsorted,omitempty"`
}

func (c *Connector) decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := func(format string, args ...any) (position, error) {
		return position{}, tributary.NewError("bitbucket: decode checkpoint", tributary.ErrInvalidCheckpoint, fmt.Errorf(format, args...))
	}
	_, _, repoOK := splitRepo(pos.Repo)
	switch {
	case pos.Phase != phaseRepositories && pos.Phase != phaseWorkspaces:
		return bad("unknown phase %d", pos.Phase)
	case pos.Phase == phaseRepositories && !repoOK:
		return bad("bad repository %q", pos.Repo)
	case pos.Phase == phaseWorkspaces && !slugPattern.MatchString(pos.Workspace):
		return bad("bad workspace %q", pos.Workspace)
	case pos.Repo != "" && !repoOK:
		return bad("bad repository %q", pos.Repo)
	case len(pos.Tied) > maxPageLen:
		return bad("%d pull requests at the cursor, more than a page holds", len(pos.Tied))
	case pos.Next != "" && (!strings.HasPrefix(pos.Next, c.client.api+"/") || len(pos.Next) > 4096):
		return bad("next link outside the API root")
	}
	return pos, nil
}

// splitRepo splits "workspace/slug".
func splitRepo(full string) (ws, slug string, ok bool) {
	ws, slug, ok = strings.Cut(full, "/")
	return ws, slug, ok && slugPattern.MatchString(ws) && slugPattern.MatchString(slug)
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
	// noAdmin remembers the workspaces whose repository permissions the
	// credentials may not read, so each is probed once per run.
	noAdmin map[string]bool
	// lastNode is the workspace whose node was yielded last.
	lastNode string
}

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start, end: end, slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), noAdmin: map[string]bool{}}
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if pos.Phase == phaseRepositories {
		for _, full := range r.c.repos {
			if pos.Repo != "" && full < pos.Repo {
				continue
			}
			from := position{Phase: phaseRepositories, Repo: full}
			if pos.Repo == full {
				from = pos
			}
			if !r.configuredRepo(full, from) {
				return
			}
		}
		pos = position{Phase: phaseWorkspaces}
	}
	for _, ws := range r.c.workspaces {
		if pos.Workspace != "" && ws < pos.Workspace {
			continue
		}
		from := position{Phase: phaseWorkspaces, Workspace: ws}
		if pos.Workspace == ws {
			from = pos
		}
		if !r.workspace(ws, from) {
			return
		}
	}
}

// configuredRepo reads one configured repository. One that no longer
// exists or can no longer be seen is a failure, not the end of the run.
func (r *run) configuredRepo(full string, from position) bool {
	if from.Done {
		return true
	}
	ws, slug, _ := splitRepo(full)
	var repo apiRepository
	err := r.c.client.get(r.ctx, r.c.client.url("/repositories/"+url.PathEscape(ws)+"/"+url.PathEscape(slug), nil), &repo)
	if err == nil {
		err = repo.check()
		if err != nil {
			err = tributary.NewError("bitbucket", tributary.ErrMalformedResponse, err)
		}
	}
	switch {
	case err != nil && (hidden(err) || errors.Is(err, tributary.ErrMalformedResponse)):
		link := r.c.client.web + "/" + full
		f := tributary.EntityFailure(link, link, fmt.Errorf("bitbucket: repository %s: %w", full, err))
		f.MissedStart, f.MissedEnd = r.start, r.end
		return r.Yield(tributary.FailureItem(f)) && r.Checkpoint(position{Phase: phaseRepositories, Repo: full, Done: true})
	case err != nil:
		return r.Fail(fmt.Errorf("bitbucket: repository %s: %w", full, err))
	}
	return r.repository(&repo, from)
}

// workspaceListURL lists a workspace's repositories in slug order.
func (r *run) workspaceListURL(ws string) string {
	return r.c.client.url("/repositories/"+url.PathEscape(ws), url.Values{"sort": {"slug"}, "pagelen": {"100"}})
}

// workspace reads every repository of a workspace the credentials can
// see, in slug order, skipping the configured ones (read already) and on
// resume those before the one in progress.
func (r *run) workspace(ws string, from position) bool {
	if from.Done && from.Repo == "" {
		return true
	}
	for pg, err := range r.c.client.pages(r.ctx, r.workspaceListURL(ws)) {
		if err != nil {
			return r.workspaceFailed(ws, err)
		}
		for _, raw := range pg.Items {
			var repo apiRepository
			if err := decodeRepo(raw, &repo); err != nil {
				return r.Fail(fmt.Errorf("bitbucket: list repositories of %s: %w", ws, err))
			}
			full := repo.fullName()
			if full < from.Repo || r.c.configured(full) {
				continue
			}
			at := position{Phase: phaseWorkspaces, Workspace: ws, Repo: full}
			if full == from.Repo {
				if from.Done {
					continue
				}
				at = from
			}
			if !r.repository(&repo, at) {
				return false
			}
		}
	}
	return r.Checkpoint(position{Phase: phaseWorkspaces, Workspace: ws, Done: true})
}

// decodeRepo decodes a repository item, refusing one that lacks what the
// connector names it by: the listing cannot be placed past it.
func decodeRepo(raw json.RawMessage, repo *apiRepository) error {
	err := json.Unmarshal(raw, repo)
	if err == nil {
		err = repo.check()
	}
	if err != nil {
		return tributary.NewError("bitbucket", tributary.ErrMalformedResponse, err)
	}
	return nil
}

// workspaceFailed reports a workspace that could not be listed: one
// deleted or hidden meanwhile is a failure and the stream goes on with the
// next workspace; anything else ends the stream.
func (r *run) workspaceFailed(ws string, err error) bool {
	err = fmt.Errorf("bitbucket: list repositories of %s: %w", ws, err)
	if !hidden(err) {
		return r.Fail(err)
	}
	link := r.c.client.web + "/" + ws
	f := tributary.EntityFailure(link, link, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f)) && r.Checkpoint(position{Phase: phaseWorkspaces, Workspace: ws, Done: true})
}

func (c *Connector) configured(full string) bool {
	_, found := slices.BinarySearch(c.repos, full)
	return found
}

// repository yields the repository's nodes, then its pull requests from
// pos, and a checkpoint when it is done.
func (r *run) repository(repo *apiRepository, pos position) bool {
	ra, ok := r.repoAccess(repo)
	if !ok {
		return false
	}
	for _, n := range r.nodes(repo, ra.access()) {
		if !r.Yield(tributary.NodeItem(n)) {
			return false
		}
	}
	if !r.listing(repo, pos, ra) {
		return false
	}
	done := position{Phase: pos.Phase, Workspace: pos.Workspace, Repo: repo.fullName(), Done: true}
	return r.Checkpoint(done)
}

// nodes returns the workspace's node (unless it was the last one yielded)
// and the repository's.
func (r *run) nodes(repo *apiRepository, access *tributary.ExternalAccess) []*tributary.HierarchyNode {
	wsID := workspaceNodeID(r.c.client.web, repo.Workspace.Slug)
	var out []*tributary.HierarchyNode
	if r.lastNode != wsID {
		r.lastNode = wsID
		out = append(out, workspaceNode(r.c.client.web, &repo.Workspace))
	}
	return append(out, repoNode(r.c.client.web, repo, access))
}

// listURL returns the first page of pull requests updated in
// [cursor, end), oldest first. Bounds are rounded outwards to whole
// microseconds, Bitbucket's precision; the window is applied exactly
// afterwards.
func (r *run) listURL(repo *apiRepository, cursor time.Time) string {
	q := url.Values{"state": r.c.settings.States, "sort": {"updated_on"}, "pagelen": {strconv.Itoa(r.c.settings.PageLen)}}
	var bql []string
	if !cursor.IsZero() {
		bql = append(bql, "updated_on >= "+bqlTime(cursor.Truncate(time.Microsecond)))
	}
	if !r.end.IsZero() {
		bql = append(bql, "updated_on < "+bqlTime(ceilMicro(r.end)))
	}
	if len(bql) > 0 {
		q.Set("q", strings.Join(bql, " AND "))
	}
	ws, slug, _ := splitRepo(repo.fullName())
	return r.c.client.url("/repositories/"+url.PathEscape(ws)+"/"+url.PathEscape(slug)+"/pullrequests", q)
}

// bqlTime writes a time as Bitbucket does, with microseconds and +00:00.
func bqlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000-07:00") }

func ceilMicro(t time.Time) time.Time {
	if tr := t.Truncate(time.Microsecond); !tr.Equal(t) {
		return tr.Add(time.Microsecond)
	}
	return t
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// listing reads a repository's pull requests from pos, oldest update
// first. After each page that ends later than its cursor, the listing is
// asked again from the last update time read (updated_on >= it), skipping
// the pull requests read at that time: a pull request edited during the
// run moves to the end, so asking again means no unread one shifts back
// past the reader, as following page numbers would allow. Only while a
// page holds nothing but the cursor's time is its next link followed.
func (r *run) listing(repo *apiRepository, pos position, ra *repoAccess) bool {
	cursor, tied, next, unsorted := pos.Cursor, pos.Tied, pos.Next, pos.Unsorted
	if !unsorted && (cursor.IsZero() || cursor.Before(r.start)) {
		cursor, tied, next = r.start, nil, ""
	}
	l := &lister{run: r, repo: repo, ra: ra, order: tributary.NewUpdateOrder[int64](maxPageLen, unsorted)}
	l.order.OnUnsorted(func() {
		r.c.env.Log().Warn("bitbucket: pull requests not sorted by update time; reading the listing by its next links",
			"repository", repo.fullName())
	})
	var before string // the URL of the page before, to catch a listing that loops
	for pages := 1; ; pages++ {
		u := next
		if u == "" {
			u = r.listURL(repo, cursor)
		}
		items, nextLink, err := r.c.client.page(r.ctx, u)
		if err == nil && ((nextLink != "" && nextLink == before) || pages > httpx.DefaultMaxPages) {
			err = tributary.NewError("bitbucket", tributary.ErrMalformedResponse,
				fmt.Errorf("the listing leads back to a page read already: %w", httpx.ErrPagination))
		}
		if err != nil {
			return r.listingFailed(repo, err)
		}
		before = u
		last, atLast, ok := l.page(items, cursor, tied)
		if !ok {
			return false
		}
		if nextLink == "" {
			return true
		}
		switch {
		case l.order.Unsorted():
			next, tied = nextLink, nil
		case last.After(cursor):
			cursor, tied, next = last, atLast, ""
		default: // the whole page shares the cursor's time
			tied, next = atLast, nextLink
		}
		cp := position{Phase: pos.Phase, Workspace: pos.Workspace, Repo: repo.fullName(), Cursor: cursor, Tied: tied,
			Next: next, Unsorted: l.order.Unsorted()}
		if !r.Checkpoint(cp) {
			return false
		}
	}
}

// listingFailed reports a listing that could not be read. A repository
// deleted or hidden meanwhile (404), or one whose pull requests the
// credentials may not read (403), is a failure of that repository, and
// the stream goes on; a malformed listing too, since asking again would
// not help. Anything else ends the stream, to resume from the last
// checkpoint.
func (r *run) listingFailed(repo *apiRepository, err error) bool {
	err = fmt.Errorf("bitbucket: list pull requests of %s: %w", repo.fullName(), err)
	if !hidden(err) && !errors.Is(err, tributary.ErrMalformedResponse) {
		return r.Fail(err)
	}
	link := repoLink(r.c.client.web, repo)
	f := tributary.EntityFailure(link+"/pull-requests", link, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// lister holds what one listing needs across its pages.
type lister struct {
	*run
	repo  *apiRepository
	ra    *repoAccess
	order *tributary.UpdateOrder[int64]
}

// page yields the documents of one page. It returns the update time of
// its last item and the ids of the page's items updated at that time.
// Items updated at cursor whose ids are in skip were yielded before.
func (l *lister) page(items []json.RawMessage, cursor time.Time, skip []int64) (last time.Time, atLast []int64, ok bool) {
	l.order.Page(cursor, skip)
	for _, raw := range items {
		var pr apiPullRequest
		if err := json.Unmarshal(raw, &pr); err != nil || pr.ID <= 0 || pr.UpdatedOn == nil || pr.UpdatedOn.IsZero() {
			if !l.badItem(raw, err) {
				return cursor, nil, false
			}
			continue
		}
		at := pr.UpdatedOn.UTC()
		if l.order.Item(at, pr.ID) || !l.inWindow(at) || !slices.Contains(l.c.settings.States, pr.State) {
			continue
		}
		d, ok := l.document(l.repo, &pr, l.ra)
		if !ok {
			return cursor, nil, false
		}
		if d != nil && !l.Yield(tributary.DocumentItem(d)) {
			return cursor, nil, false
		}
	}
	last, atLast = l.order.Last()
	return last, atLast, true
}

// badItem reports a pull request that does not decode, named by the id
// its document would have had.
func (l *lister) badItem(raw json.RawMessage, err error) bool {
	if err == nil {
		err = errors.New("pull request lacks id or updated_on")
	}
	err = tributary.NewError("bitbucket", tributary.ErrMalformedResponse, fmt.Errorf("malformed pull request: %w", err))
	var ref prRef
	if json.Unmarshal(raw, &ref) == nil && (ref.Links.HTML.Href != "" || ref.ID > 0) {
		id := prID(l.c.client.web, l.repo, ref.Links.HTML.Href, ref.ID)
		return l.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	link := repoLink(l.c.client.web, l.repo)
	f := tributary.EntityFailure(link+"/pull-requests", link, err)
	f.MissedStart, f.MissedEnd = l.start, l.end
	return l.Yield(tributary.FailureItem(f))
}

// document maps a pull request to its document with comments, or yields
// a failure for it (returning nil). It reports false when the stream ends.
func (r *run) document(repo *apiRepository, pr *apiPullRequest, ra *repoAccess) (*tributary.Document, bool) {
	d := toDocument(r.c.client.web, repo, pr, ra.access())
	if ra.basis != "" {
		d.Metadata.Add(MetaAccessBasis, ra.basis)
	}
	if r.c.settings.IncludeComments && !r.slim && (pr.CommentCount == nil || *pr.CommentCount > 0) {
		sections, err := r.comments(repo, pr.ID, d.ID)
		if err != nil {
			if terminal(err) {
				return nil, r.Fail(fmt.Errorf("bitbucket: comments of %s: %w", d.ID, err))
			}
			return nil, r.Yield(tributary.FailureItem(tributary.DocumentFailure(d.ID, d.ID, fmt.Errorf("bitbucket: comments: %w", err))))
		}
		d.Sections = append(d.Sections, sections...)
	}
	return d, true
}

// comments reads every comment of a pull request oldest first, page by
// page, leaving out deleted ones.
func (r *run) comments(repo *apiRepository, id int64, prURL string) ([]tributary.Section, error) {
	ws, slug, _ := splitRepo(repo.fullName())
	first := r.c.client.url(fmt.Sprintf("/repositories/%s/%s/pullrequests/%d/comments", url.PathEscape(ws), url.PathEscape(slug), id),
		url.Values{"sort": {"created_on"}, "pagelen": {"100"}})
	var out []tributary.Section
	for cm, err := range each[apiComment](r.ctx, r.c.client, first) {
		if err != nil {
			return nil, err
		}
		if !cm.Deleted && strings.TrimSpace(cm.Content.Raw) != "" {
			out = append(out, commentSection(prURL, cm))
		}
	}
	return out, nil
}
