package notion

import (
	"fmt"
	"strings"

	"github.com/tributary-dev/tributary"
)

// NodeDatabase is the kind of a database's hierarchy node.
const NodeDatabase tributary.NodeKind = "database"

// maxAncestors bounds how far up the connector walks from a page to the
// workspace.
const maxAncestors = 64

// key is an id without dashes, lower-cased: the form ids and links use.
func key(id string) string { return strings.ToLower(strings.ReplaceAll(id, "-", "")) }

// pageID is the id (and canonical link) of a page's document:
// https://www.notion.so/ and the page's id without dashes, which Notion
// resolves whatever the page's title. It is "" for a malformed id.
func pageID(id string) string {
	if !objectID.MatchString(id) {
		return ""
	}
	return "https://www.notion.so/" + key(id)
}

// databaseLink is the canonical link of a database.
func databaseLink(o *apiObject) string { return "https://www.notion.so/" + key(o.ID) }

// pageNodeID and databaseNodeID are the ids of the nodes pages and
// databases are when something lives under them.
func pageNodeID(id string) string     { return "page:" + key(id) }
func databaseNodeID(id string) string { return "database:" + key(id) }

// nodeInfo is what a node is made of: a page's or database's name, link
// and parent, or, for a block, only its parent.
type nodeInfo struct {
	name, link string
	kind       tributary.NodeKind
	parent     apiParent
	// hidden marks a parent the integration cannot read.
	hidden bool
}

// infoOf reads a page's or database's node.
func infoOf(o *apiObject) nodeInfo {
	n := nodeInfo{name: titleOf(o), link: "https://www.notion.so/" + key(o.ID), kind: tributary.NodePage, parent: o.Parent}
	if o.Object == "database" {
		n.kind = NodeDatabase
	}
	if n.name == "" {
		n.name = "Untitled"
	}
	return n
}

// nodeOf returns the id of the node a parent names, after yielding it and
// its ancestors when not yielded lately. A parent the integration cannot
// read (not shared with it, or deleted) has no node: its children are
// placed at the top. ok is false when the stream ended.
func (r *run) nodeOf(p apiParent, depth int) (id string, ok bool) {
	var nid string
	switch p.Type {
	case "page_id":
		nid = pageNodeID(p.PageID)
	case "database_id":
		nid = databaseNodeID(p.DatabaseID)
	case "block_id":
		return r.blockNode(p.BlockID, depth)
	default: // the workspace
		return "", true
	}
	if !objectID.MatchString(p.id()) || depth > maxAncestors {
		return "", true
	}
	if r.nodes.has(nid) {
		return nid, true
	}
	info, found, ok := r.info(p)
	if !ok || !found {
		return "", ok
	}
	parent, ok := r.nodeOf(info.parent, depth+1)
	if !ok {
		return "", false
	}
	n := &tributary.HierarchyNode{ID: nid, ParentID: parent, Name: info.name, Link: info.link, Kind: info.kind}
	if !r.Yield(tributary.NodeItem(n)) {
		return "", false
	}
	r.nodes.add(nid)
	return nid, true
}

// info returns what the run knows of a page or database, reading it when
// it knows nothing. found is false for one the integration cannot read.
func (r *run) info(p apiParent) (info nodeInfo, found, ok bool) {
	if info, hit := r.objects.get(key(p.id())); hit {
		return info, !info.hidden, true
	}
	path := "/pages/"
	if p.Type == "database_id" {
		path = "/databases/"
	}
	var o apiObject
	if err := r.c.client.get(r.ctx, path+pathID(p.id()), nil, &o); err != nil {
		if gone(err) {
			r.c.env.Log().Debug("notion: parent not readable; placing its children at the top", "parent", p.id())
			r.objects.put(key(p.id()), nodeInfo{hidden: true})
			return nodeInfo{}, false, true
		}
		return nodeInfo{}, false, r.Fail(fmt.Errorf("notion: read parent %s: %w", p.id(), err))
	}
	info = infoOf(&o)
	r.objects.put(key(p.id()), info)
	return info, true, true
}

// blockNode returns the node of the page a block belongs to: a page
// inside a toggle or a column has the block as its parent.
func (r *run) blockNode(blockID string, depth int) (string, bool) {
	if !objectID.MatchString(blockID) || depth > maxAncestors {
		return "", true
	}
	info, hit := r.objects.get(key(blockID))
	if !hit {
		var b apiBlock
		if err := r.c.client.get(r.ctx, "/blocks/"+pathID(blockID), nil, &b); err != nil {
			if gone(err) {
				r.objects.put(key(blockID), nodeInfo{hidden: true})
				return "", true
			}
			return "", r.Fail(fmt.Errorf("notion: read parent block %s: %w", blockID, err))
		}
		info = nodeInfo{parent: b.Parent}
		r.objects.put(key(blockID), info)
	}
	if info.hidden {
		return "", true
	}
	return r.nodeOf(info.parent, depth+1)
}

// recent is a bounded set of ids: it forgets the oldest past its size.
type recent struct {
	ring []string
	set  map[string]bool
	at   int
}

func newRecent(n int) *recent { return &recent{ring: make([]string, n), set: make(map[string]bool, n)} }

func (s *recent) has(id string) bool { return s.set[id] }

func (s *recent) add(id string) {
	if s.set[id] {
		return
	}
	delete(s.set, s.ring[s.at])
	s.ring[s.at] = id
	s.set[id] = true
	s.at = (s.at + 1) % len(s.ring)
}

// memo is a bounded map: it forgets the oldest entry past its size.
type memo[V any] struct {
	ring []string
	m    map[string]V
	at   int
}

func newMemo[V any](n int) *memo[V] {
	return &memo[V]{ring: make([]string, n), m: make(map[string]V, n)}
}

func (m *memo[V]) get(k string) (V, bool) {
	v, ok := m.m[k]
	return v, ok
}

func (m *memo[V]) put(k string, v V) {
	if _, ok := m.m[k]; ok {
		m.m[k] = v
		return
	}
	delete(m.m, m.ring[m.at])
	m.ring[m.at] = k
	m.m[k] = v
	m.at = (m.at + 1) % len(m.ring)
}
