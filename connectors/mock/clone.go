package mock

import (
	"slices"

	"github.com/tributary-dev/tributary"
)

// cloneDocument returns a deep copy of d, so that what the connector yields
// shares no memory with what it stores.
func cloneDocument(d *tributary.Document) *tributary.Document {
	n := *d
	n.Sections = slices.Clone(d.Sections)
	for i, s := range n.Sections {
		n.Sections[i].Rows = cloneRows(s.Rows)
	}
	if d.Metadata != nil {
		n.Metadata = make(tributary.Metadata, len(d.Metadata))
		for k, v := range d.Metadata {
			n.Metadata[k] = slices.Clone(v)
		}
	}
	n.PrimaryOwners = slices.Clone(d.PrimaryOwners)
	n.SecondaryOwners = slices.Clone(d.SecondaryOwners)
	n.ExternalAccess = cloneAccess(d.ExternalAccess)
	return &n
}

func cloneRows(rows [][]string) [][]string {
	if rows == nil {
		return nil
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}

func cloneAccess(a *tributary.ExternalAccess) *tributary.ExternalAccess {
	if a == nil {
		return nil
	}
	return &tributary.ExternalAccess{
		UserEmails: slices.Clone(a.UserEmails),
		GroupIDs:   slices.Clone(a.GroupIDs),
		Public:     a.Public,
	}
}

func cloneNode(n *tributary.HierarchyNode) *tributary.HierarchyNode {
	c := *n
	c.ExternalAccess = cloneAccess(n.ExternalAccess)
	return &c
}
