package googledrive

import (
	"errors"
	"fmt"

	"github.com/tributary-dev/tributary"
)

// ensureNode yields the node of a folder and of every folder above it not
// yielded lately, root first, so that parents always come before their
// children. A folder that cannot be read ends the chain: the folder below
// it then names no parent.
func (r *run) ensureNode(p pass, folder string) bool {
	var chain []*tributary.HierarchyNode
	cur := folder
	for range maxDepth {
		id := folderNodeID(cur)
		if cur == "" || r.known(p, id) {
			break
		}
		f, err := r.c.getFile(r.in(p, ScopeDriveReadonly), cur)
		if errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions) {
			break
		}
		if err != nil {
			return r.Fail(fmt.Errorf("google_drive: read folder %s: %w", cur, err))
		}
		n := &tributary.HierarchyNode{ID: id, Name: cmpOr(f.Name, cur), Link: id, Kind: tributary.NodeFolder}
		next := ""
		if len(f.Parents) > 0 && driveID.MatchString(f.Parents[0]) && !inChain(chain, folderNodeID(f.Parents[0])) {
			next = f.Parents[0]
			n.ParentID = folderNodeID(next)
		}
		if f.DriveID != "" && cur == f.DriveID {
			n.Kind, n.ParentID, next = NodeSharedDrive, "", ""
		}
		chain = append(chain, n)
		cur = next
	}
	if len(chain) > 0 {
		if last := chain[len(chain)-1]; last.ParentID != "" && !r.known(p, last.ParentID) {
			last.ParentID = "" // above it nothing could be read
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		r.nodes.add(chain[i].ID)
		if !r.Yield(tributary.NodeItem(chain[i])) {
			return false
		}
	}
	return true
}

// known reports a node yielded lately, or the root of the shared drive
// being read, whose node its pass yields first.
func (r *run) known(p pass, id string) bool {
	return r.nodes.has(id) || p.kind == kindDrive && id == folderNodeID(p.key) && !r.refetching
}

func inChain(chain []*tributary.HierarchyNode, id string) bool {
	for _, n := range chain {
		if n.ID == id {
			return true
		}
	}
	return false
}

// recent remembers the last n ids added, so that memory stays bounded
// however many folders a run passes.
type recent struct {
	set  map[string]bool
	ring []string
	next int
}

func newRecent(n int) *recent { return &recent{set: map[string]bool{}, ring: make([]string, n)} }

func (c *recent) has(id string) bool { return c.set[id] }

func (c *recent) add(id string) {
	if c.set[id] {
		return
	}
	if old := c.ring[c.next]; old != "" {
		delete(c.set, old)
	}
	c.ring[c.next] = id
	c.set[id] = true
	c.next = (c.next + 1) % len(c.ring)
}
