package sharepoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// pages reads a site's modern pages from pos, with a checkpoint after
// each listing page.
func (r *run) pages(s apiSite, pos position) bool {
	link := pos.Link
	if link == "" {
		link = r.c.client.graph + "/sites/" + s.ID + "/pages/microsoft.graph.sitePage?$select=id,name,title,webUrl,createdDateTime," +
			"lastModifiedDateTime,createdBy,lastModifiedBy&$top=" + strconv.Itoa(r.c.settings.PageSize)
	}
	for {
		var pg listing
		err := r.c.client.get(r.ctx, link, PermSites, &pg)
		if errors.Is(err, tributary.ErrNotFound) {
			break // a site without modern pages
		}
		if err != nil {
			return r.entityFailed(r.c.siteNodeID(s.ID), s.WebURL, fmt.Errorf("sharepoint: pages of site %s: %w", s.ID, err))
		}
		for _, raw := range pg.Value {
			if !r.page(s, raw) {
				return false
			}
		}
		if pg.NextLink == "" {
			break
		}
		if pg.NextLink == link || len(pg.NextLink) > maxLink || !r.c.client.within(pg.NextLink) {
			return r.entityFailed(r.c.siteNodeID(s.ID), s.WebURL, tributary.NewError("sharepoint: pages of site "+s.ID,
				tributary.ErrMalformedResponse, errors.New("a next link that repeats itself or leaves the Graph API")))
		}
		link = pg.NextLink
		if !r.Checkpoint(position{Site: s.ID, Link: link}) {
			return false
		}
	}
	return r.Checkpoint(position{Site: s.ID, Done: true})
}

// page reads one listed page in the window.
func (r *run) page(s apiSite, raw json.RawMessage) bool {
	var p apiPage
	if err := json.Unmarshal(raw, &p); err != nil || !graphID.MatchString(p.ID) || p.Modified.IsZero() {
		if err == nil {
			err = errors.New("page without a valid id or lastModifiedDateTime")
		}
		err = tributary.NewError("sharepoint: malformed page", tributary.ErrMalformedResponse, err)
		if graphID.MatchString(p.ID) {
			id := r.c.pageID(s.ID, p.ID)
			return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
		}
		return r.entityFailed(r.c.siteNodeID(s.ID), s.WebURL, err)
	}
	if !r.inWindow(p.Modified) {
		return true
	}
	return r.sitePage(s.ID, &p, nil)
}

// sitePage yields the document of a page, with its access when asked and
// its canvas unless the stream is slim; canvas is the page read with its
// canvas, or nil to read it.
func (r *run) sitePage(site string, p, canvas *apiPage) bool {
	doc := r.c.pageDocument(site, p)
	if r.c.env.WantPermissions {
		acc, err := r.siteAccess(site)
		if err != nil {
			return r.docFailed(doc, fmt.Errorf("sharepoint: permissions of the site: %w", err))
		}
		doc.ExternalAccess = acc
	}
	if !r.slim {
		if err := r.c.pageContent(r.ctx, site, doc, canvas); err != nil {
			return r.docFailed(doc, fmt.Errorf("sharepoint: page canvas: %w", err))
		}
	}
	return r.Yield(tributary.DocumentItem(doc))
}

func (c *Connector) pageDocument(site string, p *apiPage) *tributary.Document {
	id := c.pageID(site, p.ID)
	link := cmpOr(p.WebURL, id)
	title := cmpOr(p.Title, strings.TrimSuffix(p.Name, ".aspx"), p.ID)
	d := &tributary.Document{ID: id, Source: Source, SemanticID: title, Title: title, ParentID: c.siteNodeID(site),
		Sections: []tributary.Section{tributary.TextSection(link, "")}, Metadata: tributary.Metadata{},
		CreatedAt: p.Created.UTC(), UpdatedAt: p.Modified.UTC()}
	d.Metadata.Add("site_id", site)
	d.Metadata.Add("page_id", p.ID)
	d.Metadata.Add("kind", "site_page")
	if o := person(p.By); o != nil {
		d.PrimaryOwners = []tributary.Person{*o}
	}
	if o := person(p.LastBy); o != nil {
		d.SecondaryOwners = []tributary.Person{*o}
	}
	return d
}

// pageContent reads a page's canvas (its text web parts, section by
// section and column by column) into the document's sections.
func (c *Connector) pageContent(ctx context.Context, site string, doc *tributary.Document, p *apiPage) error {
	if p == nil {
		var err error
		if p, err = c.getPage(ctx, site, doc.Metadata.Get("page_id")); err != nil {
			return err
		}
	}
	var b strings.Builder
	b.WriteString("<html><head><title>")
	b.WriteString(html.EscapeString(doc.Title))
	b.WriteString("</title></head><body><main>")
	if p.Canvas != nil {
		for _, s := range p.Canvas.Sections {
			for _, col := range s.Columns {
				for _, wp := range col.WebParts {
					if wp.Type == "#microsoft.graph.textWebPart" {
						b.WriteString(wp.InnerHTML)
						b.WriteString("\n")
					}
				}
			}
		}
	}
	b.WriteString("</main></body></html>")
	ex, err := extract.Extract(extract.FormatHTML, []byte(b.String()), "utf-8", extractLimits)
	if err != nil {
		return fmt.Errorf("extract the canvas: %w", err)
	}
	if secs := linked(ex.Sections, doc.Sections[0].Link); len(secs) > 0 {
		doc.Sections = secs
	}
	return nil
}

// getPage reads a page with its canvas.
func (c *Connector) getPage(ctx context.Context, site, id string) (*apiPage, error) {
	var p apiPage
	u := c.client.graph + "/sites/" + site + "/pages/" + id + "/microsoft.graph.sitePage?$expand=canvasLayout"
	if err := c.client.get(ctx, u, PermSites, &p); err != nil {
		return nil, err
	}
	return &p, nil
}
