package gitlab

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// ref is what a document id names.
type ref struct {
	project string // lower-cased full path
	kind    string // issues, merge_requests or wikis
	iid     int64
	slug    string
}

// Refetch fetches documents again by id, as Load reads them: an issue or
// merge request (GET /projects/:id/issues/:iid, with its notes) or a wiki
// page (GET /projects/:id/wikis/:slug), after the nodes of its project. An
// id of another instance, outside the configured groups and projects, or
// of a kind the settings do not read, is a Failure matching
// tributary.ErrForeignURL. An item or page the project no longer has, or
// one the state setting leaves out, is a deletion; a project that cannot
// be read, or any other failed request, a Failure under the id. Rejected
// credentials, a rate limit or the end of ctx end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, time.Time{}, time.Time{}, false, yield)
		projects := map[string]*apiProject{}
		access := map[string]*projectAccess{}
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				r.Fail(fmt.Errorf("gitlab: refetch: %w", err))
				return
			}
			rf, err := c.refOf(id)
			if err != nil {
				if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, "", err))) {
					return
				}
				continue
			}
			p := projects[rf.project]
			if p == nil {
				if p, err = c.client.getProject(ctx, rf.project); err != nil {
					if terminal(err) {
						r.Fail(fmt.Errorf("gitlab: refetch: %w", err))
						return
					}
					if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("gitlab: refetch: %w", err)))) {
						return
					}
					continue
				}
				pa, ok := r.projectAccess(p)
				if !ok {
					return
				}
				for _, n := range projectNodes(c.client.web, p, pa.nodeAccess()) {
					if !r.Yield(tributary.NodeItem(n)) {
						return
					}
				}
				projects[rf.project], access[rf.project] = p, pa
			}
			if !r.refetchOne(id, rf, p, access[rf.project]) {
				return
			}
		}
	}
}

// refetchOne yields the one answer for id.
func (r *run) refetchOne(id string, rf ref, p *apiProject, pa *projectAccess) bool {
	var d *tributary.Document
	var err error
	if rf.kind == kindWiki {
		var w apiWikiPage
		err = r.c.client.get(r.ctx, r.c.client.url(fmt.Sprintf("/projects/%d/wikis/%s", p.ID, url.PathEscape(rf.slug)), nil), &w)
		if err == nil {
			d = wikiDocument(p, &w, pa.forWiki())
		}
	} else {
		var it apiItem
		err = r.c.client.get(r.ctx, r.c.client.url(fmt.Sprintf("/projects/%d/%s/%d", p.ID, rf.kind, rf.iid), nil), &it)
		if err == nil {
			if !admitState(r.c.settings.State, it.State) {
				return r.Yield(tributary.DeletionItem(id))
			}
			var ok bool
			if d, ok = r.document(p, &it, rf.kind == kindMRs, pa); !ok || d == nil {
				return ok // the stream ended, or a failure was yielded
			}
		}
	}
	switch {
	case err == nil:
		return r.Yield(tributary.DocumentItem(d))
	case terminal(err):
		return r.Fail(fmt.Errorf("gitlab: refetch %s: %w", id, err))
	case errors.Is(err, tributary.ErrNotFound):
		return r.Yield(tributary.DeletionItem(id))
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("gitlab: refetch: %w", err))))
}

// refOf maps a document id to what it names, refusing ids that Load would
// not yield with tributary.ErrForeignURL.
func (c *Connector) refOf(id string) (ref, error) {
	rf, why, _ := c.parseRef(id)
	if why != "" {
		return ref{}, tributary.NewError("gitlab: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", id, why))
	}
	return rf, nil
}

// parseRef maps a document id to what it names, or says why Load would not
// yield it; shape tells an id that names no issue, merge request or wiki
// page from one outside the settings.
func (c *Connector) parseRef(id string) (rf ref, why string, shape bool) {
	rest, ok := strings.CutPrefix(id, c.client.web+"/")
	if !ok {
		return ref{}, "not a document of " + c.client.web, false
	}
	project, tail, ok := strings.Cut(rest, "/-/")
	project = lower(project)
	if !ok || !validPath(project, 2) {
		return ref{}, "not an issue, merge request or wiki page address", true
	}
	kind, what, _ := strings.Cut(tail, "/")
	rf = ref{project: project, kind: kind}
	switch kind {
	case kindIssues, kindMRs:
		n, err := strconv.ParseInt(what, 10, 64)
		if err != nil || n <= 0 || strconv.FormatInt(n, 10) != what {
			return ref{}, "not an issue or merge request number", true
		}
		rf.iid = n
	case kindWiki:
		slug, err := url.PathUnescape(what)
		if err != nil || slug == "" {
			return ref{}, "not a wiki page address", true
		}
		rf.slug = slug
	default:
		return ref{}, "not an issue, merge request or wiki page address", true
	}
	switch {
	case !c.inScope(project):
		return ref{}, "outside the configured groups and projects", false
	case (kind == kindIssues && !c.settings.IncludeIssues) || (kind == kindMRs && !c.settings.IncludeMergeRequests) ||
		(kind == kindWiki && !c.settings.IncludeWiki):
		return ref{}, "of a kind the settings do not read", false
	}
	return rf, "", false
}

// inScope reports whether a project's path is configured or lies in a
// configured group (directly, unless subgroups are read).
func (c *Connector) inScope(project string) bool {
	if c.configured(project) {
		return true
	}
	ns := project[:strings.LastIndexByte(project, '/')]
	for _, g := range c.groups {
		if ns == g || (c.settings.IncludeSubgroups && within(ns, g)) {
			return true
		}
	}
	return false
}
