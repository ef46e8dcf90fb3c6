package confluenceemu

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// searchMaxWithBody is the most results a search expanding bodies returns
// on a page, whatever limit asks for (Confluence caps it at 50); other
// searches are capped at 100 here.
const (
	searchMaxWithBody = 50
	searchMax         = 100
)

func (s *Server) contentJSON(r *http.Request, p *Page, expand []string) contentJSON {
	id := strconv.FormatInt(p.ID, 10)
	out := contentJSON{ID: id, Type: "page", Status: p.status(), Title: p.Title,
		Links: linksJSON{WebUI: PageWebUI(s.opts.Flavor, p), Self: s.base(r) + "/rest/api/content/" + id}}
	has := func(e string) bool { return slices.Contains(expand, e) }
	if has("space") {
		sp := s.spaceJSON(r, p.Space, nil)
		out.Space = &sp
	}
	if has("history") {
		out.History = &historyJSON{Latest: true, CreatedBy: s.userJSON(p.Creator), CreatedDate: s.timeJSON(p.Created)}
	}
	if has("version") {
		out.Version = &versionJSON{By: s.userJSON(p.Editor), When: s.timeJSON(p.When), Number: p.Version}
	}
	if has("ancestors") {
		out.Ancestors = []contentJSON{}
		for _, a := range p.Ancestors() {
			out.Ancestors = append(out.Ancestors, contentJSON{ID: strconv.FormatInt(a.ID, 10), Type: "page",
				Status: "current", Title: a.Title, Links: linksJSON{WebUI: PageWebUI(s.opts.Flavor, a)}})
		}
	}
	if has("body.storage") {
		out.Body = &bodyJSON{}
		out.Body.Storage.Value, out.Body.Storage.Representation = p.Body, "storage"
	}
	if has("metadata.labels") {
		labels := make([]labelJSON, 0, len(p.Labels))
		for i, l := range p.Labels {
			labels = append(labels, labelJSON{Prefix: "global", Name: l, ID: strconv.Itoa(i + 1)})
		}
		l := list(labels)
		out.Metadata = &metadataJSON{Labels: &l}
	}
	if has("restrictions.read.restrictions.user") || has("restrictions.read.restrictions.group") {
		out.Restrictions = &restrictionsJSON{Read: s.restrictionJSON(p)}
	}
	return out
}

func (s *Server) search(r *http.Request, _ *User) (int, any) {
	s.searches++
	cql := r.URL.Query().Get("cql")
	q, err := parseCQL(cql, s.opts.UserZone)
	if err != nil {
		return http.StatusBadRequest, errorJSON{StatusCode: 400, Message: "Could not parse cql : " + cql + ": " + err.Error(),
			Reason: "Bad Request"}
	}
	var hits []*Page
	for _, p := range s.data.Pages {
		if p.status() == "current" && (len(q.titles) == 0 || slices.Contains(q.titles, p.Title)) &&
			q.match("page", strconv.FormatInt(p.ID, 10), p.Space.Key, p.When) {
			hits = append(hits, p)
		}
	}
	s.sortHits(hits, q.order)
	expand := expandOf(r)
	maxSize := searchMax
	if slices.Contains(expand, "body.storage") {
		maxSize = searchMaxWithBody
	}
	out := listJSON[contentJSON]{Links: linksJSON{Base: s.base(r), Context: s.context()}}
	var page []*Page
	if s.opts.Flavor == DataCenter {
		var more bool
		page, out.Start, out.Limit, more, err = emulator.OffsetOf(r, hits, emulator.OffsetParams{DefaultSize: 25, MaxSize: maxSize})
		if err == nil && more {
			out.Links.Next = s.nextOffset(r, out.Start+len(page))
		}
	} else {
		var next string
		page, next, err = emulator.CursorOf(r, hits, emulator.CursorParams{DefaultSize: 25, MaxSize: maxSize})
		if err == nil && next != "" {
			nq := r.URL.Query()
			nq.Set("cursor", next)
			out.Links.Next = strings.TrimPrefix(r.URL.Path, s.context()) + "?" + nq.Encode()
		}
		out.Limit = len(page)
	}
	if err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	out.Results = []contentJSON{}
	for _, p := range page {
		out.Results = append(out.Results, s.contentJSON(r, p, expand))
	}
	out.Size = len(out.Results)
	return http.StatusOK, out
}

// sortHits orders search results by update time (ties by id), or by id
// when no order was asked for or the server ignores orders.
func (s *Server) sortHits(hits []*Page, order string) {
	slices.SortFunc(hits, func(a, b *Page) int {
		if order == "" || s.opts.IgnoreOrder {
			return cmpID(a.ID, b.ID)
		}
		c := a.When.Compare(b.When)
		if c == 0 {
			c = cmpID(a.ID, b.ID)
		}
		if order == "desc" {
			c = -c
		}
		return c
	})
}

func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Server) comments(r *http.Request, _ *User) (int, any) {
	p := s.pageOf(r)
	if p == nil {
		return fail(http.StatusNotFound, "No content found with id : "+r.PathValue("id"))
	}
	page, start, size, more, err := emulator.OffsetOf(r, p.Comments, emulator.OffsetParams{DefaultSize: 25, MaxSize: 100})
	if err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	expand := expandOf(r)
	out := listJSON[contentJSON]{Start: start, Limit: size, Results: []contentJSON{}, Links: linksJSON{Base: s.base(r), Context: s.context()}}
	for _, c := range page {
		id := strconv.FormatInt(c.ID, 10)
		cj := contentJSON{ID: id, Type: "comment", Status: "current", Title: "Re: " + p.Title,
			Links: linksJSON{WebUI: PageWebUI(s.opts.Flavor, p) + "?focusedCommentId=" + id + "#comment-" + id}}
		if slices.Contains(expand, "body.storage") {
			cj.Body = &bodyJSON{}
			cj.Body.Storage.Value, cj.Body.Storage.Representation = c.Body, "storage"
		}
		if slices.Contains(expand, "history") {
			cj.History = &historyJSON{Latest: true, CreatedBy: s.userJSON(c.Author), CreatedDate: s.timeJSON(c.Created)}
		}
		if slices.Contains(expand, "version") {
			cj.Version = &versionJSON{By: s.userJSON(c.Author), When: s.timeJSON(c.Created), Number: 1}
		}
		out.Results = append(out.Results, cj)
	}
	out.Size = len(out.Results)
	if more {
		out.Links.Next = s.nextOffset(r, start+len(page))
	}
	return http.StatusOK, out
}

func (s *Server) attachments(r *http.Request, _ *User) (int, any) {
	p := s.pageOf(r)
	if p == nil {
		return fail(http.StatusNotFound, "No content found with id : "+r.PathValue("id"))
	}
	page, start, size, more, err := emulator.OffsetOf(r, p.Attachments, emulator.OffsetParams{DefaultSize: 50, MaxSize: 200})
	if err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	out := listJSON[contentJSON]{Start: start, Limit: size, Results: []contentJSON{}, Links: linksJSON{Base: s.base(r), Context: s.context()}}
	pid := strconv.FormatInt(p.ID, 10)
	for _, a := range page {
		id := "att" + strconv.FormatInt(a.ID, 10)
		out.Results = append(out.Results, contentJSON{ID: id, Type: "attachment", Status: "current", Title: a.Title,
			Metadata:   &metadataJSON{MediaType: a.MediaType},
			Extensions: map[string]any{"mediaType": a.MediaType, "fileSize": a.Size},
			Links: linksJSON{WebUI: "/pages/viewpageattachments.action?pageId=" + pid + "&preview=" + a.Title,
				Download: "/download/attachments/" + pid + "/" + a.Title + "?version=1&api=v2"}})
	}
	out.Size = len(out.Results)
	if more {
		out.Links.Next = s.nextOffset(r, start+len(page))
	}
	return http.StatusOK, out
}
