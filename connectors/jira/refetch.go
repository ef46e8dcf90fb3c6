package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// refetchBatch is how many issues one search of Refetch asks for.
const refetchBatch = 50

// Refetch fetches issues again by id, reading them as Load does (the
// same fields, comments and access, each document after its project's
// node). One JQL search, key in (...) AND the configured filter, fetches
// up to 50 of them at once; an issue missing from its answer is looked up
// by key (GET /issue/KEY) to tell why: an issue Jira no longer has (404)
// is a deletion, so is one the filter no longer admits; one moved to
// another project comes back under its new key, when the settings read
// that project and the filter admits it, followed by a deletion of the
// old id. Jira refuses a search naming a key it never had (400); the
// issues are then looked up one by one first and searched for again by
// their current keys. An id not of the site's issues or of a project the
// settings do not read is a Failure matching tributary.ErrForeignURL,
// with no request. A refusal (403) or a failing read is a Failure under
// the id; rejected credentials, exhausted rate limits and the end of ctx
// end the stream.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		rf := &refetcher{
			run:   &run{c: c, ctx: ctx, Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)},
			nodes: map[string]*projectAccess{},
			done:  map[string]bool{},
		}
		if err := ctx.Err(); err != nil {
			rf.Fail(fmt.Errorf("jira: refetch: %w", err))
			return
		}
		var keys []string
		asked := map[string]bool{}
		for _, id := range ids {
			if asked[id] {
				continue
			}
			asked[id] = true
			key, err := c.keyOf(id)
			if err != nil {
				if !rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, "", err))) {
					return
				}
				continue
			}
			keys = append(keys, key)
		}
		for chunk := range slices.Chunk(keys, refetchBatch) {
			if !rf.chunk(chunk) {
				return
			}
		}
	}
}

// keyOf maps a document id to its issue key: the id must be the browse
// URL of an issue on the site, spelled as the connector spells it, of a
// project the settings read.
func (c *Connector) keyOf(id string) (string, error) {
	foreign := func(why string) error {
		return tributary.NewError("jira: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", id, why))
	}
	key, ok := strings.CutPrefix(id, c.client.site+"/browse/")
	if !ok {
		return "", foreign("not an issue of " + c.client.site)
	}
	m := issueKey.FindStringSubmatch(key)
	if m == nil || key != strings.ToUpper(key) {
		return "", foreign("not in the form of the connector's document ids")
	}
	if !c.inScope(m[1]) {
		return "", foreign("project " + m[1] + " is not one these settings read")
	}
	return key, nil
}

// inScope reports whether the settings read the project.
func (c *Connector) inScope(project string) bool {
	return len(c.projects) == 0 || slices.Contains(c.projects, project)
}

// refetcher is one Refetch call.
type refetcher struct {
	*run
	// nodes holds who may browse each project whose node was yielded (nil
	// when permissions were not asked for).
	nodes map[string]*projectAccess
	// done lists the ids of the documents answered.
	done map[string]bool
}

// found is what a search of Refetch gave: issues by current key, issues
// that did not decode by key, and whether an issue came back that names
// no key at all (so that an issue missing from the answer may yet be in
// it).
type found struct {
	issues  map[string]*apiIssue
	bad     map[string]error
	unnamed bool
}

// moved is an asked key and the key Jira answers for it now.
type moved struct{ old, cur string }

// chunk answers the ids of up to refetchBatch keys.
func (rf *refetcher) chunk(keys []string) bool {
	res, err := rf.search(keys)
	refused := err != nil && badRequest(err)
	switch {
	case refused:
		res = found{issues: map[string]*apiIssue{}, bad: map[string]error{}}
	case err != nil && terminal(err):
		return rf.Fail(fmt.Errorf("jira: refetch: search: %w", err))
	case err != nil:
		return rf.failAll(keys, fmt.Errorf("jira: refetch: search: %w", err))
	}
	var missing []string
	for _, key := range keys {
		if !res.known(key) {
			missing = append(missing, key)
		} else if !rf.answer(res, key) {
			return false
		}
	}
	var pending []moved
	for _, key := range missing {
		cur, ok := rf.lookup(key)
		if !ok {
			return false
		}
		if cur != "" {
			pending = append(pending, moved{key, cur})
		}
	}
	if refused && len(pending) > 0 {
		cur := make([]string, 0, len(pending))
		for _, m := range pending {
			cur = append(cur, m.cur)
		}
		if res, err = rf.search(slices.Compact(slices.Sorted(slices.Values(cur)))); err != nil {
			if terminal(err) {
				return rf.Fail(fmt.Errorf("jira: refetch: search: %w", err))
			}
			old := make([]string, 0, len(pending))
			for _, m := range pending {
				old = append(old, m.old)
			}
			return rf.failAll(old, fmt.Errorf("jira: refetch: search: %w", err))
		}
	}
	for _, m := range pending {
		if !rf.resolve(res, m) {
			return false
		}
	}
	return true
}

// known reports whether the search answered for the issue keyed key.
func (res found) known(key string) bool {
	_, ok := res.issues[key]
	_, bad := res.bad[key]
	return ok || bad
}

// errStopped says the stream ended while a node was yielded.
var errStopped = errors.New("jira: refetch: the stream ended")

// resolve answers an asked key that the first search did not return,
// now that Jira said which key the issue has.
func (rf *refetcher) resolve(res found, m moved) bool {
	old := rf.c.issueID(m.old)
	if m.cur == m.old {
		switch {
		case res.known(m.cur):
			return rf.answer(res, m.cur)
		case res.unnamed:
			return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(old, old,
				errors.New("jira: refetch: the search answered an issue without key"))))
		}
		return rf.Yield(tributary.DeletionItem(old)) // the filter no longer admits it
	}
	cur := rf.c.issueID(m.cur)
	if res.known(m.cur) && !rf.done[cur] {
		if !rf.answer(res, m.cur) {
			return false
		}
	}
	return rf.Yield(tributary.DeletionItem(old))
}

// failAll answers each key with a Failure for err.
func (rf *refetcher) failAll(keys []string, err error) bool {
	for _, key := range keys {
		id := rf.c.issueID(key)
		if !rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
			return false
		}
	}
	return true
}

// search runs key in (...) AND the filter for the keys, reading every page.
// Issues of projects the settings do not read are left out.
func (rf *refetcher) search(keys []string) (found, error) {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = strconv.Quote(k)
	}
	jql := "key in (" + strings.Join(quoted, ", ") + ")"
	if rf.c.settings.JQL != "" {
		jql += " AND (" + rf.c.settings.JQL + ")"
	}
	fields := rf.fields()
	if rf.c.env.WantPermissions && !slices.Contains(fields, "security") {
		fields = append(fields, "security")
	}
	res := found{issues: map[string]*apiIssue{}, bad: map[string]error{}}
	token, offset := "", 0
	for range len(keys) + 1 { // each page holds one issue at least
		pg, err := rf.c.searchPage(rf.ctx, jql, token, offset, refetchBatch, fields)
		if err != nil {
			return found{}, err
		}
		for _, raw := range pg.issues {
			res.add(rf.c, raw)
		}
		if pg.last {
			return res, nil
		}
		token, offset = pg.token, pg.offset
	}
	return found{}, malformed("the search for the issues does not end")
}

// add decodes one issue of a search answer into res.
func (res *found) add(c *Connector, raw json.RawMessage) {
	var is apiIssue
	err := json.Unmarshal(raw, &is)
	if err == nil && (is.Key == "" || is.Fields.Updated.IsZero()) {
		err = errors.New("issue lacks key or updated")
	}
	if err == nil {
		if project, _ := splitKey(is.Key); c.inScope(project) {
			res.issues[is.Key] = &is
		}
		return
	}
	var ref issueRef
	if json.Unmarshal(raw, &ref) != nil || ref.Key == "" {
		res.unnamed = true
		return
	}
	res.bad[ref.Key] = fmt.Errorf("jira: malformed issue: %w", err)
}

// answer yields the document of the issue keyed key in res, after its
// project's node, or a Failure under its id.
func (rf *refetcher) answer(res found, key string) bool {
	id := rf.c.issueID(key)
	rf.done[id] = true
	if err, bad := res.bad[key]; bad {
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	is := res.issues[key]
	project, _ := splitKey(key)
	access, err := rf.node(project)
	switch {
	case errors.Is(err, errStopped):
		return false
	case err != nil && terminal(err):
		return rf.Fail(fmt.Errorf("jira: refetch %s: %w", id, err))
	case err != nil:
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("jira: refetch: %w", err))))
	}
	rf.projectAccess = access
	return rf.issue(project, is)
}

// node yields the project's node once, as Load does, and returns who may
// browse it. A permission scheme the account may not read leaves the
// documents admitting nobody, as in Load, with a warning in place of
// Load's failure for the project, which is no answer to an id.
func (rf *refetcher) node(key string) (*projectAccess, error) {
	if pa, ok := rf.nodes[key]; ok {
		return pa, nil
	}
	var p apiProject
	if err := rf.c.client.get(rf.ctx, rf.c.client.url("/project/"+url.PathEscape(key), nil), &p); err != nil {
		return nil, fmt.Errorf("read project %s: %w", key, err)
	}
	var pa *projectAccess
	if rf.c.env.WantPermissions {
		var err error
		pa, err = rf.readAccess(key)
		switch {
		case errors.Is(err, tributary.ErrInsufficientPermissions), errors.Is(err, tributary.ErrNotFound):
			rf.c.env.Log().Warn("jira: cannot read who may browse the project; its documents admit nobody",
				"project", key, "error", err)
			pa = &projectAccess{base: &tributary.ExternalAccess{}}
		case err != nil:
			return nil, fmt.Errorf("read who may browse %s: %w", key, err)
		}
	}
	node := &tributary.HierarchyNode{ID: rf.c.projectID(key), Name: cmpOr(p.Name, key), Link: rf.c.projectID(key), Kind: tributary.NodeProject}
	if pa != nil {
		node.ExternalAccess = cloneAccess(pa.base)
	}
	if !rf.Yield(tributary.NodeItem(node)) {
		return nil, errStopped
	}
	rf.nodes[key] = pa
	return pa, nil
}

// lookup asks Jira for the issue by key and returns the key it has now,
// or "" once the key is answered (a deletion for an issue Jira no longer
// has, a Failure for a refusal or a failing read). It reports false when
// the stream has ended.
func (rf *refetcher) lookup(key string) (string, bool) {
	id := rf.c.issueID(key)
	var is issueRef
	err := rf.c.client.get(rf.ctx, rf.c.client.url("/issue/"+url.PathEscape(key), url.Values{"fields": {"updated"}}), &is)
	switch {
	case err == nil && !issueKey.MatchString(is.Key):
		err = malformed("issue answer without key")
	case err == nil:
		return strings.ToUpper(is.Key), true
	case terminal(err):
		return "", rf.Fail(fmt.Errorf("jira: refetch %s: %w", id, err))
	case errors.Is(err, tributary.ErrNotFound):
		return "", rf.Yield(tributary.DeletionItem(id))
	}
	return "", rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("jira: refetch: %w", err))))
}
