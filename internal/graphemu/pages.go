package graphemu

import (
	"net/http"
	"strings"
)

// AddPage adds a modern page to a site. Zero times are the emulator's now.
func (d *Data) AddPage(siteID string, p *Page) *Page {
	st := d.Site(siteID)
	if p.Created.IsZero() {
		p.Created = d.Now()
	}
	if p.Modified.IsZero() {
		p.Modified = p.Created
	}
	st.Pages = append(st.Pages, p)
	return p
}

func (s *Server) pageJSON(st *Site, p *Page, canvas bool) map[string]any {
	m := map[string]any{"@odata.type": "#microsoft.graph.sitePage", "id": p.ID, "name": p.Name, "title": p.Title,
		"webUrl": s.siteURL(st) + "/SitePages/" + p.Name, "pageLayout": "article",
		"createdDateTime": timeString(p.Created), "lastModifiedDateTime": timeString(p.Modified),
		"createdBy": s.data.identity(p.CreatedBy), "lastModifiedBy": s.data.identity(p.ModifiedBy),
		"publishingState": map[string]string{"level": "published", "versionId": "1.0"}}
	if canvas {
		var sections []any
		for i, sec := range p.Sections {
			var cols []any
			for j, col := range sec {
				var parts []any
				for k, wp := range col {
					parts = append(parts, map[string]any{"@odata.type": "#microsoft.graph.textWebPart",
						"id": strings.Repeat("0", 7) + string(rune('a'+i)) + string(rune('a'+j)) + string(rune('a'+k)), "innerHtml": wp.HTML})
				}
				cols = append(cols, map[string]any{"id": string(rune('1' + j)), "width": 12 / max(len(sec), 1), "webparts": parts})
			}
			sections = append(sections, map[string]any{"layout": "oneColumn", "id": string(rune('1' + i)), "emphasis": "none", "columns": cols})
		}
		m["canvasLayout"] = map[string]any{"horizontalSections": sections}
	}
	return m
}

// listPages answers /sites/{id}/pages/microsoft.graph.sitePage, without
// the canvas (it comes with a page asked for by id with
// $expand=canvasLayout).
func (s *Server) listPages(c *call, st *Site) (int, any) {
	pg, next, err := page(s, c, st.Pages)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	out := make([]any, 0, len(pg))
	for _, p := range pg {
		out = append(out, s.pageJSON(st, p, false))
	}
	return http.StatusOK, listing(out, next)
}

func (s *Server) getPage(c *call, st *Site, id string) (int, any) {
	for _, p := range st.Pages {
		if p.ID != id {
			continue
		}
		if p.Broken {
			return 0, invalidRequest("Cannot get the canvas layout of this page.")
		}
		return http.StatusOK, s.pageJSON(st, p, strings.Contains(c.r.URL.Query().Get("$expand"), "canvasLayout"))
	}
	return 0, itemNotFound("The page could not be found")
}
