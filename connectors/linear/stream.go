package linear

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
)

// The phases of a stream, in order.
const (
	phaseTeams     = "teams"
	phaseProjects  = "projects"
	phaseIssues    = "issues"
	phaseDocuments = "documents"
	phaseDone      = "done"
)

var phases = []string{phaseTeams, phaseProjects, phaseIssues, phaseDocuments, phaseDone}

const (
	checkpointKind    = "linear"
	checkpointVersion = 1
)

// maxTied bounds position.Tied, and with it the checkpoint.
const maxTied = 20

// position is the checkpoint state: where the stream is, never what it has
// seen. Its size does not depend on the size of the source.
type position struct {
	// Phase is the listing in progress.
	Phase string `json:"phase,omitempty"`
	// Cursor is the update time of the last item passed (listings come
	// newest first, so everything updated after it was passed), and Tied
	// the ids of the items passed that were updated at exactly that time.
	// Tied holds at most maxTied ids: a longer tie is delivered again
	// when the listing must restart from Cursor, never lost.
	Cursor time.Time `json:"cursor,omitzero"`
	Tied   []string  `json:"tied,omitempty"`
	// After is the connection cursor (pageInfo.endCursor) of the last page
	// read. Linear's cursors do not expire, but when one is refused the
	// listing restarts from Cursor.
	After string `json:"after,omitempty"`
}

// passed reports whether the item (id, updated at t) was passed.
func (p *position) passed(t time.Time, id string) bool {
	if p.Cursor.IsZero() {
		return false
	}
	if c := t.Compare(p.Cursor); c != 0 {
		return c > 0
	}
	return slices.Contains(p.Tied, id)
}

// pass moves the cursor past the item (id, updated at t).
func (p *position) pass(t time.Time, id string) {
	if !t.Equal(p.Cursor) {
		p.Cursor, p.Tied = t, []string{id}
		return
	}
	if len(p.Tied) < maxTied {
		p.Tied = append(p.Tied, id)
	}
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	if !slices.Contains(phases, pos.Phase) || len(pos.Tied) > maxTied || len(pos.After) > 1024 {
		return position{}, tributary.NewError("linear: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (phase %q, %d tied)", pos.Phase, len(pos.Tied)))
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
	ids ids
}

func (c *Connector) newRun(ctx context.Context, start, end time.Time, slim bool, yield func(tributary.Item, error) bool) *run {
	return &run{c: c, ctx: ctx, start: start, end: end, slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	web, err := r.c.workspace(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	r.ids = ids{web: web, teams: r.c.teams}
	if pos.Phase == "" {
		pos.Phase = phaseTeams
	}
	for i := slices.Index(phases, pos.Phase); i < len(phases)-1; i++ {
		from := position{Phase: phases[i]}
		if phases[i] == pos.Phase {
			from = pos
		}
		var ok bool
		switch phases[i] {
		case phaseTeams:
			ok = r.teams()
		case phaseProjects:
			ok = r.listing(from, projectsQuery, false, r.project)
		case phaseIssues:
			q := issuesQuery
			switch {
			case r.slim:
				q = issuesSlimQuery
			case !r.c.settings.IncludeComments:
				q = issuesNoCommentsQuery
			}
			ok = !r.c.settings.IncludeIssues || r.listing(from, q, true, r.issue)
		case phaseDocuments:
			ok = !r.c.settings.IncludeDocuments || r.listing(from, documentsQuery, true, r.document)
		}
		if !ok || !r.Checkpoint(position{Phase: phases[i+1]}) {
			return
		}
	}
}

// workspace reads the workspace's web address, https://linear.app/URLKEY,
// on which ids are built.
func (c *Connector) workspace(ctx context.Context) (string, error) {
	var v struct {
		Organization apiOrganization `json:"organization"`
	}
	if err := c.client.query(ctx, "Viewer", viewerQuery, nil, false, &v); err != nil {
		return "", fmt.Errorf("linear: read the workspace: %w", err)
	}
	if !validURLKey(v.Organization.URLKey) {
		return "", tributary.NewError("linear: read the workspace", tributary.ErrMalformedResponse,
			fmt.Errorf("organization without a valid urlKey (%q)", v.Organization.URLKey))
	}
	return webBase + "/" + v.Organization.URLKey, nil
}

// webBase is the address of Linear's web app.
const webBase = "https://linear.app"

func validURLKey(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// teams yields a node per team the credentials can see. Teams are few:
// the listing is read whole, and a resumed stream reads it again.
func (r *run) teams() bool {
	after := ""
	for {
		var v struct {
			Teams connection[apiTeam] `json:"teams"`
		}
		vars := map[string]any{"first": 100}
		if after != "" {
			vars["after"] = after
		}
		if err := r.c.client.query(r.ctx, "Teams", teamsQuery, vars, false, &v); err != nil {
			return r.Fail(fmt.Errorf("linear: list teams: %w", err))
		}
		for _, t := range v.Teams.Nodes {
			if t.Key != "" && !r.c.readsTeam(t.Key) {
				continue
			}
			if t.Key == "" {
				f := tributary.EntityFailure(r.ids.web+"/teams", r.ids.web, errors.New("linear: team without a key"))
				if !r.Yield(tributary.FailureItem(f)) {
					return false
				}
				continue
			}
			n := &tributary.HierarchyNode{ID: r.ids.team(t.Key), Name: t.Name, Link: r.ids.team(t.Key), Kind: NodeTeam,
				ExternalAccess: r.c.access([]apiTeam{t})}
			if n.Name == "" {
				n.Name = t.Key
			}
			if !r.Yield(tributary.NodeItem(n)) {
				return false
			}
		}
		next, err := nextCursor("teams", v.Teams.PageInfo, after)
		if err != nil {
			return r.Fail(err)
		}
		if next == "" {
			return true
		}
		after = next
	}
}

// nextCursor returns the cursor of the page after one whose pageInfo is
// info, "" after the last page. A page that says more follow without a
// new cursor contradicts itself.
func nextCursor(what string, info pageInfo, after string) (string, error) {
	if !info.HasNextPage {
		return "", nil
	}
	if info.EndCursor == "" || info.EndCursor == after {
		return "", tributary.NewError("linear: list "+what, tributary.ErrMalformedResponse,
			errors.New("page says more follow but gives no new endCursor"))
	}
	return info.EndCursor, nil
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// dateFilter is the updatedAt filter of a listing: the window's bounds
// when windowed (projects are listed whole: they are every issue's
// nodes), and at most the cursor when the listing restarts from it.
//
// With teams configured, issues are filtered by their team and projects
// by the teams they take part in; documents (whose filter has no team) are
// filtered by their project's teams as they come.
func (r *run) dateFilter(phase string, windowed bool, cursor time.Time) map[string]any {
	cmp := map[string]any{}
	if windowed && !r.start.IsZero() {
		cmp["gte"] = r.start.UTC().Format(time.RFC3339Nano)
	}
	if windowed && !r.end.IsZero() {
		cmp["lt"] = r.end.UTC().Format(time.RFC3339Nano)
	}
	if !cursor.IsZero() {
		cmp["lte"] = cursor.UTC().Format(time.RFC3339Nano)
	}
	f := map[string]any{}
	if len(cmp) > 0 {
		f["updatedAt"] = cmp
	}
	if r.c.teams != nil {
		keys := map[string]any{"in": r.c.teams}
		switch phase {
		case phaseIssues:
			f["team"] = map[string]any{"key": keys}
		case phaseProjects:
			f["accessibleTeams"] = map[string]any{"some": map[string]any{"key": keys}}
		}
	}
	if len(f) == 0 {
		return nil
	}
	return f
}

// listing reads one listing from pos, newest first, page by page with a
// checkpoint after each page, handing each node that was not passed to
// handle. A connection cursor that Linear refuses restarts the listing
// from the time cursor, skipping what was passed.
func (r *run) listing(pos position, query string, windowed bool, handle func(json.RawMessage, *itemRef) bool) bool {
	phase := pos.Phase
	st := pos
	restart := st.After == "" && !st.Cursor.IsZero()
	prev := time.Time{}
	for {
		vars := map[string]any{"first": r.c.settings.PageSize, "archived": r.c.settings.IncludeArchived || phase == phaseProjects}
		if st.After != "" {
			vars["after"] = st.After
		}
		var cursor time.Time
		if restart {
			cursor = st.Cursor
		}
		if f := r.dateFilter(phase, windowed, cursor); f != nil {
			vars["filter"] = f
		}
		pg, err := r.page(phase, query, vars)
		if err != nil && errors.Is(err, tributary.ErrInvalidConfig) && st.After != "" && !st.Cursor.IsZero() {
			r.c.env.Log().Warn("linear: page cursor refused; reading again from the last update time", "listing", phase)
			st.After, restart, prev = "", true, time.Time{}
			continue
		}
		if err != nil {
			return r.Fail(fmt.Errorf("linear: list %s: %w", phase, err))
		}
		for _, raw := range pg.Nodes {
			var ref itemRef
			if err := json.Unmarshal(raw, &ref); err != nil || ref.ID == "" || ref.UpdatedAt.IsZero() {
				if !r.badItem(phase, raw) {
					return false
				}
				continue
			}
			if !prev.IsZero() && ref.UpdatedAt.After(prev) {
				return r.Fail(tributary.NewError("linear: list "+phase, tributary.ErrMalformedResponse,
					fmt.Errorf("listing not sorted by updatedAt: %s after %s", ref.UpdatedAt.Format(time.RFC3339Nano), prev.Format(time.RFC3339Nano))))
			}
			prev = ref.UpdatedAt
			if st.passed(ref.UpdatedAt, ref.ID) {
				continue
			}
			st.pass(ref.UpdatedAt, ref.ID)
			if !handle(raw, &ref) {
				return false
			}
		}
		next, err := nextCursor(phase, pg.PageInfo, st.After)
		if err != nil {
			return r.Fail(err)
		}
		if next == "" {
			return true
		}
		st.After, restart = next, false
		if !r.Checkpoint(st) {
			return false
		}
	}
}

// page reads one page of a listing.
func (r *run) page(phase, query string, vars map[string]any) (rawPage, error) {
	var v map[string]rawPage
	op := map[string]string{phaseProjects: "Projects", phaseIssues: "Issues", phaseDocuments: "Documents"}[phase]
	if query == issuesSlimQuery {
		op = "IssuesSlim"
	}
	if err := r.c.client.query(r.ctx, op, query, vars, false, &v); err != nil {
		return rawPage{}, err
	}
	pg, ok := v[phase]
	if !ok {
		return rawPage{}, tributary.NewError("linear: list "+phase, tributary.ErrMalformedResponse, errors.New("answer without the connection"))
	}
	return pg, nil
}

// badItem reports a node that does not decode, under the id its document
// would have had when the node names it.
func (r *run) badItem(phase string, raw json.RawMessage) bool {
	err := fmt.Errorf("linear: malformed %s node", phase)
	var ref itemRef
	_ = json.Unmarshal(raw, &ref)
	var id string
	switch {
	case phase == phaseIssues && ref.Identifier != "":
		id = r.ids.issue(ref.Identifier)
	case phase == phaseProjects && ref.SlugID != "":
		id = r.ids.project(ref.SlugID)
	case phase == phaseDocuments && ref.SlugID != "":
		id = r.ids.document(ref.SlugID)
	}
	if id != "" {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	f := tributary.EntityFailure(r.ids.web+"/"+phase, r.ids.web, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// project yields a project's node and, when it lies in the window, its
// document.
func (r *run) project(raw json.RawMessage, ref *itemRef) bool {
	var p apiProject
	if err := json.Unmarshal(raw, &p); err != nil || p.SlugID == "" {
		return r.badItem(phaseProjects, raw)
	}
	access := r.c.access(teamsOf(p.Teams))
	if !r.Yield(tributary.NodeItem(r.ids.projectNode(&p, access))) {
		return false
	}
	if !r.c.settings.IncludeProjects || !r.inWindow(p.UpdatedAt) || p.ArchivedAt != nil && !r.c.settings.IncludeArchived {
		return true
	}
	d := r.ids.projectDocument(&p)
	d.ExternalAccess = access
	return r.Yield(tributary.DocumentItem(d))
}

// issue yields an issue's document, with every comment when asked. An
// issue whose comments cannot all be read is a failure, never a document
// that looks complete.
func (r *run) issue(raw json.RawMessage, ref *itemRef) bool {
	var is apiIssue
	if err := json.Unmarshal(raw, &is); err != nil {
		return r.badItem(phaseIssues, raw)
	}
	if !r.inWindow(is.UpdatedAt) {
		return true
	}
	d, ok := r.issueDocument(&is)
	return !ok || d == nil || r.Yield(tributary.DocumentItem(d))
}

// issueDocument maps an issue and reads the rest of its comments. It
// yields a failure (and returns nil) for an issue it cannot map, and
// reports false when the stream ends.
func (r *run) issueDocument(is *apiIssue) (*tributary.Document, bool) {
	var comments []apiComment
	if r.c.settings.IncludeComments && !r.slim && is.Comments != nil {
		comments = is.Comments.Nodes
		if is.Comments.PageInfo.HasNextPage {
			more, err := r.c.moreComments(r.ctx, is.ID, is.Comments.PageInfo.EndCursor)
			if err != nil {
				id := r.ids.issue(is.Identifier)
				if terminal(err) {
					return nil, r.Fail(fmt.Errorf("linear: comments of %s: %w", id, err))
				}
				return nil, r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("linear: comments: %w", err))))
			}
			comments = append(slices.Clip(comments), more...)
		}
	}
	d, err := r.ids.issueDocument(is, comments)
	if err != nil {
		if is.Identifier == "" {
			return nil, r.badItem(phaseIssues, nil)
		}
		id := r.ids.issue(is.Identifier)
		return nil, r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("linear: %w", err))))
	}
	d.ExternalAccess = r.c.issueAccess(is)
	return d, true
}

// moreComments reads an issue's comments after the first page.
func (c *Connector) moreComments(ctx context.Context, issueID, after string) ([]apiComment, error) {
	var out []apiComment
	for after != "" {
		var v struct {
			Issue *struct {
				Comments connection[apiComment] `json:"comments"`
			} `json:"issue"`
		}
		if err := c.client.query(ctx, "IssueComments", issueCommentsQuery, map[string]any{"id": issueID, "after": after}, true, &v); err != nil {
			return nil, err
		}
		if v.Issue == nil {
			return nil, tributary.NewError("linear: comments", tributary.ErrMalformedResponse, errors.New("answer without the issue"))
		}
		out = append(out, v.Issue.Comments.Nodes...)
		next, err := nextCursor("comments", v.Issue.Comments.PageInfo, after)
		if err != nil {
			return nil, err
		}
		after = next
	}
	return out, nil
}

// document yields a document.
func (r *run) document(raw json.RawMessage, ref *itemRef) bool {
	var doc apiDocument
	if err := json.Unmarshal(raw, &doc); err != nil || doc.SlugID == "" {
		return r.badItem(phaseDocuments, raw)
	}
	if !r.inWindow(doc.UpdatedAt) || !r.c.readsDocument(&doc) {
		return true
	}
	d := r.ids.documentDocument(&doc)
	d.ExternalAccess = r.c.documentAccess(&doc)
	return r.Yield(tributary.DocumentItem(d))
}

// readsDocument reports whether the settings read a document: with teams
// configured, one in a project of those teams.
func (c *Connector) readsDocument(doc *apiDocument) bool {
	if c.teams == nil {
		return true
	}
	return doc.Project != nil && c.readsProject(teamsOf(doc.Project.Teams))
}
