package sharepoint

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// maxDepth bounds the folder chain above a file read again.
const maxDepth = 64

// Refetch reads documents again by id, each with its nodes first (site,
// library, folders): a file through /drives/{d}/items/{i}, a page through
// /sites/{s}/pages/{p}. A document gone (404), now a folder or passed over
// on purpose is a deletion; an id that is not this connector's is a
// failure.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(tributary.WithValues(ctx, nil), time.Time{}, time.Time{}, false, yield)
		for _, id := range ids {
			if !r.refetchOne(id) {
				return
			}
		}
	}
}

// parseID splits a document id into its kind ("drives" or "sites") and
// its two Graph ids.
func (c *Connector) parseID(id string) (kind, a, b string, ok bool) {
	rest, ok := strings.CutPrefix(id, c.client.graph+"/")
	if !ok {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 || !graphID.MatchString(parts[1]) || !graphID.MatchString(parts[3]) {
		return "", "", "", false
	}
	switch {
	case parts[0] == "drives" && parts[2] == "items", parts[0] == "sites" && parts[2] == "pages":
		return parts[0], parts[1], parts[3], true
	}
	return "", "", "", false
}

func (r *run) refetchOne(id string) bool {
	kind, a, b, ok := r.c.parseID(id)
	if !ok {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id,
			tributary.NewError("sharepoint: refetch", tributary.ErrForeignURL, errors.New("not the id of a SharePoint file or page")))))
	}
	failed := func(err error) bool {
		err = fmt.Errorf("sharepoint: refetch: %w", err)
		if terminal(err) {
			return r.Fail(err)
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	if kind == "sites" {
		p, err := r.c.getPage(r.ctx, a, b)
		switch {
		case errors.Is(err, tributary.ErrNotFound):
			return r.Yield(tributary.DeletionItem(id))
		case err == nil && (p.ID != b || p.Modified.IsZero()):
			err = tributary.NewError("sharepoint: page", tributary.ErrMalformedResponse, errors.New("answer without the page's id or lastModifiedDateTime"))
		}
		if err != nil {
			return failed(err)
		}
		s, err := r.c.siteByID(r.ctx, a)
		if err != nil {
			return failed(err)
		}
		return r.Yield(tributary.NodeItem(r.siteNode(s))) && r.sitePage(a, p, p)
	}
	var it apiItem
	err := r.c.client.get(r.ctx, r.c.client.graph+"/drives/"+a+"/items/"+b, PermSites, &it)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return r.Yield(tributary.DeletionItem(id))
	case err != nil:
		return failed(err)
	case it.Deleted != nil || it.File == nil:
		return r.Yield(tributary.DeletionItem(id))
	case it.ID != b || it.Modified.IsZero() || it.Size == nil || it.Parent == nil || !graphID.MatchString(it.Parent.SiteID):
		return failed(tributary.NewError("sharepoint: item", tributary.ErrMalformedResponse, errors.New("answer without id, lastModifiedDateTime, size or parentReference")))
	}
	nodes, parent, err := r.c.chain(r.ctx, it.Parent.SiteID, a, it.Parent.ID)
	if err != nil {
		return failed(err)
	}
	s, err := r.c.siteByID(r.ctx, it.Parent.SiteID)
	if err != nil {
		return failed(err)
	}
	if !r.Yield(tributary.NodeItem(r.siteNode(s))) {
		return false
	}
	for _, n := range nodes {
		if !r.Yield(tributary.NodeItem(n)) {
			return false
		}
	}
	return r.emitFile(r.prepareFile(r.ctx, a, &fileWork{it: it, parent: parent}), func(string, string) bool {
		return r.Yield(tributary.DeletionItem(id))
	})
}

// siteByID reads a site.
func (c *Connector) siteByID(ctx context.Context, id string) (apiSite, error) {
	var s apiSite
	err := c.client.get(ctx, c.client.graph+"/sites/"+id+"?$select=id,name,displayName,webUrl", PermSites, &s)
	if err == nil && s.ID != id {
		err = tributary.NewError("sharepoint: site", tributary.ErrMalformedResponse, errors.New("answer without the site's id"))
	}
	return s, err
}

// chain returns the nodes from a library down to the folder parent (the
// library's node, then its folders), and the id documents in that folder
// name as their parent.
func (c *Connector) chain(ctx context.Context, site, drive, parent string) ([]*tributary.HierarchyNode, string, error) {
	var d apiDrive
	if err := c.client.get(ctx, c.client.graph+"/drives/"+drive+"?$select=id,name,webUrl", PermSites, &d); err != nil {
		return nil, "", err
	}
	var folders []*tributary.HierarchyNode
	for at := parent; graphID.MatchString(at); {
		if len(folders) >= maxDepth {
			return nil, "", tributary.NewError("sharepoint: folders", tributary.ErrMalformedResponse, errors.New("folders nested too deep"))
		}
		var f apiItem
		if err := c.client.get(ctx, c.client.graph+"/drives/"+drive+"/items/"+at, PermSites, &f); err != nil {
			return nil, "", err
		}
		if f.Root != nil {
			break
		}
		n := &tributary.HierarchyNode{ID: c.itemID(drive, f.ID), Name: cmpOr(f.Name, f.ID), Link: f.WebURL, Kind: tributary.NodeFolder}
		if len(folders) > 0 {
			folders[len(folders)-1].ParentID = n.ID
		}
		folders = append(folders, n)
		at = ""
		if f.Parent != nil {
			at = f.Parent.ID
		}
	}
	top := &tributary.HierarchyNode{ID: c.driveNodeID(drive), ParentID: c.siteNodeID(site), Name: cmpOr(d.Name, drive),
		Link: d.WebURL, Kind: tributary.NodeFolder}
	if len(folders) > 0 {
		folders[len(folders)-1].ParentID = top.ID
	}
	slices.Reverse(folders)
	nodes := append([]*tributary.HierarchyNode{top}, folders...)
	return nodes, nodes[len(nodes)-1].ID, nil
}
