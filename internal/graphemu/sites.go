package graphemu

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The site routes, dispatched from one pattern because a site is named by
// an id with commas (host,siteCollectionId,webId) or by host and path
// (/sites/contoso.sharepoint.com:/sites/eng).
func (s *Server) siteRoutes() {
	s.Handle("GET "+GraphPrefix+"/sites/{rest...}", s.serve(s.sites))
}

func (s *Server) sites(c *call) (int, any) {
	if !c.sharePoint() {
		return 0, accessDenied()
	}
	rest := c.r.PathValue("rest")
	if rest == "getAllSites" || rest == "getAllSites()" {
		return s.allSites(c)
	}
	var site *Site
	var sub string
	if host, after, ok := strings.Cut(rest, ":"); ok {
		// host:/server/relative/path, optionally ":/" and a sub-resource
		path, more, _ := strings.Cut(after, ":")
		site = s.siteByPath(host, strings.TrimSuffix(path, "/"))
		sub = strings.TrimPrefix(more, "/")
		if site == nil {
			return 0, itemNotFound("Requested site could not be found")
		}
	} else {
		id, more, _ := strings.Cut(rest, "/")
		site, sub = s.data.Site(id), more
		if site == nil {
			return 0, itemNotFound("Requested site could not be found")
		}
	}
	switch parts := strings.Split(sub, "/"); {
	case sub == "":
		return http.StatusOK, s.siteJSON(c, site)
	case sub == "drives":
		return s.siteDrives(c, site)
	case sub == "drive":
		ds := s.data.SiteDrives(site.ID)
		if len(ds) == 0 {
			return 0, itemNotFound("The site has no document library")
		}
		return http.StatusOK, s.driveJSON(c, ds[0])
	case sub == "pages" || sub == "pages/microsoft.graph.sitePage":
		return s.listPages(c, site)
	case len(parts) == 2 && parts[0] == "pages", len(parts) == 3 && parts[0] == "pages" && parts[2] == "microsoft.graph.sitePage":
		return s.getPage(c, site, parts[1])
	}
	return 0, Code{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Resource not found for the segment '" + sub + "'."}
}

func (s *Server) siteByPath(host, path string) *Site {
	if path == "" {
		path = "/"
	}
	for _, st := range s.data.Sites {
		if strings.EqualFold(s.siteHost(st), host) && strings.EqualFold(st.Path, path) {
			return st
		}
	}
	return nil
}

func (s *Server) siteHost(st *Site) string {
	if st.Host != "" {
		return st.Host
	}
	return s.data.Host
}

func (s *Server) siteURL(st *Site) string {
	return "https://" + s.siteHost(st) + st.Path
}

func (s *Server) siteJSON(_ *call, st *Site) map[string]any {
	return map[string]any{"id": st.ID, "name": st.Name, "displayName": st.DisplayName, "webUrl": s.siteURL(st),
		"createdDateTime": timeString(st.Created), "lastModifiedDateTime": timeString(st.Modified),
		"siteCollection": map[string]string{"hostname": s.siteHost(st)}}
}

func (s *Server) allSites(c *call) (int, any) {
	sites := slices.Clone(s.data.Sites)
	pg, next, err := page(s, c, sites)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	out := make([]any, 0, len(pg))
	for _, st := range pg {
		out = append(out, s.siteJSON(c, st))
	}
	return http.StatusOK, listing(out, next)
}

func (s *Server) siteDrives(c *call, st *Site) (int, any) {
	pg, next, err := page(s, c, s.data.SiteDrives(st.ID))
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	out := make([]any, 0, len(pg))
	for _, d := range pg {
		out = append(out, s.driveJSON(c, d))
	}
	return http.StatusOK, listing(out, next)
}

func (s *Server) driveURL(d *Drive) string {
	st := s.data.Site(d.SiteID)
	base := "https://" + s.data.Host
	if st != nil {
		base = s.siteURL(st)
	}
	return strings.TrimSuffix(base, "/") + "/" + url.PathEscape(d.Name)
}

func (s *Server) driveJSON(_ *call, d *Drive) map[string]any {
	return map[string]any{"id": d.ID, "name": d.Name, "driveType": "documentLibrary", "webUrl": s.driveURL(d),
		"createdDateTime": timeString(d.Created)}
}
