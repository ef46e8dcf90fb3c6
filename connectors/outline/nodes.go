package outline

import (
	"errors"
	"fmt"

	"github.com/tributary-dev/tributary"
)

// NodeCollection is the kind of a collection's hierarchy node.
const NodeCollection tributary.NodeKind = "collection"

// maxAncestors bounds how far up the connector walks from a document to
// its collection.
const maxAncestors = 64

// collectionNodeID and documentNodeID are the ids of the nodes a
// collection and a document with children are.
func collectionNodeID(id string) string { return "collection:" + id }
func documentNodeID(id string) string   { return "document:" + id }

// nodeInfo is what the node of a document with children is made of.
type nodeInfo struct {
	name, link, parent, collection string
	// hidden marks a parent the key cannot read (or one deleted).
	hidden bool
}

func infoOf(web string, d *apiDocument) nodeInfo {
	return nodeInfo{name: titleOf(d), link: docLink(web, d), parent: d.ParentDocumentID, collection: d.CollectionID}
}

func titleOf(d *apiDocument) string {
	if d.Title == "" {
		return "Untitled"
	}
	return d.Title
}

// collectionNode yields the collection's node unless yielded lately, and
// returns its id.
func (r *run) collectionNode(col *apiCollection) (string, bool) {
	id := collectionNodeID(col.ID)
	if r.nodes.has(id) {
		return id, true
	}
	link := r.c.settings.web() + col.URL
	if col.URL == "" {
		link = r.c.settings.web() + "/collection/" + col.URLID
	}
	n := &tributary.HierarchyNode{ID: id, Name: col.Name, Link: link, Kind: NodeCollection}
	if !r.Yield(tributary.NodeItem(n)) {
		return "", false
	}
	r.nodes.add(id)
	return id, true
}

// parentNode returns the id of the node a document's parent names, after
// yielding it and its ancestors when not yielded lately: the parent
// document's node, or the collection's for a document at the top. A
// parent the key cannot read places its children under the collection.
// ok is false when the stream ended.
func (r *run) parentNode(col *apiCollection, parentID string, depth int) (id string, ok bool) {
	if parentID == "" || depth > maxAncestors || !uuidPattern.MatchString(parentID) {
		return r.collectionNode(col)
	}
	nid := documentNodeID(parentID)
	if r.nodes.has(nid) {
		return nid, true
	}
	info, ok := r.info(parentID)
	if !ok {
		return "", false
	}
	if info.hidden || info.collection != col.ID {
		return r.collectionNode(col)
	}
	parent, ok := r.parentNode(col, info.parent, depth+1)
	if !ok {
		return "", false
	}
	n := &tributary.HierarchyNode{ID: nid, ParentID: parent, Name: info.name, Link: info.link, Kind: tributary.NodePage}
	if !r.Yield(tributary.NodeItem(n)) {
		return "", false
	}
	r.nodes.add(nid)
	return nid, true
}

// info returns what the run knows of a document, reading it when it knows
// nothing.
func (r *run) info(id string) (nodeInfo, bool) {
	if info, hit := r.docs.get(id); hit {
		return info, true
	}
	var out struct {
		Data apiDocument `json:"data"`
	}
	err := r.c.client.call(r.ctx, "documents.info", map[string]any{"id": id}, &out)
	switch {
	case errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions):
		r.c.env.Log().Debug("outline: parent document not readable; placing its children under the collection", "parent", id)
		r.docs.put(id, nodeInfo{hidden: true})
		return nodeInfo{hidden: true}, true
	case err != nil:
		return nodeInfo{}, r.Fail(fmt.Errorf("outline: read parent document %s: %w", id, err))
	}
	d := &out.Data
	info := nodeInfo{hidden: true}
	if d.ID == id && d.live() {
		info = infoOf(r.c.settings.web(), d)
	}
	r.docs.put(id, info)
	return info, true
}

// cache is a map of bounded size: once full it is emptied, so what a run
// remembers (nodes yielded, documents and people read) never grows with
// the workspace. Forgetting costs a repeated node or one more request.
type cache[V any] struct {
	m     map[string]V
	limit int
}

func newCache[V any](limit int) *cache[V] { return &cache[V]{m: map[string]V{}, limit: limit} }

func (c *cache[V]) get(k string) (V, bool) {
	v, ok := c.m[k]
	return v, ok
}

func (c *cache[V]) put(k string, v V) {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.limit {
		clear(c.m)
	}
	c.m[k] = v
}

func (c *cache[V]) has(k string) bool { _, ok := c.m[k]; return ok }

// add puts k in a cache used as a set.
func (c *cache[V]) add(k string) {
	var zero V
	c.put(k, zero)
}
