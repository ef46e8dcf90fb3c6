package graphemu

import (
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// DownloadPath is where the pre-authenticated download URLs of file
// content point (on the SharePoint host in the real service).
const DownloadPath = "/_layouts/15/download.aspx"

func (s *Server) driveRoutes() {
	p := GraphPrefix + "/drives/{drive}"
	s.Handle("GET "+p, s.serve(s.getDrive))
	s.Handle("GET "+p+"/root", s.serve(s.getRoot))
	s.Handle("GET "+p+"/root/delta", s.serve(s.delta))
	s.Handle("GET "+p+"/items/{item}", s.serve(s.getItem))
	s.Handle("GET "+p+"/items/{item}/content", s.serve(s.content))
	s.Handle("GET "+p+"/items/{item}/permissions", s.serve(s.permissions))
	s.Handle("GET "+DownloadPath, s.download, emulator.Public())
}

// drive returns the drive a call names, or the error answer.
func (s *Server) drive(c *call) (*Drive, any) {
	if !c.sharePoint() {
		return nil, accessDenied()
	}
	d := s.data.Drive(c.r.PathValue("drive"))
	if d == nil {
		return nil, itemNotFound("The resource could not be found.")
	}
	return d, nil
}

// item returns the live item a call names, or the error answer.
func (s *Server) item(c *call) (*Drive, *Item, any) {
	d, e := s.drive(c)
	if e != nil {
		return nil, nil, e
	}
	it := d.Item(c.r.PathValue("item"))
	if it == nil || it.Deleted {
		return nil, nil, itemNotFound("The resource could not be found.")
	}
	return d, it, nil
}

func (s *Server) getDrive(c *call) (int, any) {
	d, e := s.drive(c)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.driveJSON(c, d)
}

func (s *Server) getRoot(c *call) (int, any) {
	d, e := s.drive(c)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.itemJSON(c, d, d.Root, true)
}

func (s *Server) getItem(c *call) (int, any) {
	d, it, e := s.item(c)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.itemJSON(c, d, it, true)
}

// itemURL is an item's webUrl: the library's URL and the item's path.
func (s *Server) itemURL(d *Drive, it *Item) string {
	u := s.driveURL(d)
	for _, name := range d.path(it) {
		u += "/" + url.PathEscape(name)
	}
	return u
}

// downloadToken is the tempauth of an item's download URL.
func downloadToken(d *Drive, it *Item) string {
	sum := sha256.Sum256([]byte("tempauth:" + d.ID + "/" + it.ID + "/" + strconv.FormatInt(it.seq, 10)))
	return hex.EncodeToString(sum[:12])
}

func (s *Server) downloadURL(c *call, d *Drive, it *Item) string {
	q := url.Values{"UniqueId": {it.ID}, "drive": {d.ID}, "tempauth": {downloadToken(d, it)}}
	return c.base + DownloadPath + "?" + q.Encode()
}

func (s *Server) itemJSON(c *call, d *Drive, it *Item, download bool) map[string]any {
	parent := map[string]any{"driveId": d.ID, "driveType": "documentLibrary", "siteId": d.SiteID}
	if it.ParentID != "" {
		parent["id"] = it.ParentID
	}
	if it.Deleted {
		m := map[string]any{"id": it.ID, "parentReference": parent, "deleted": map[string]string{"state": "deleted"}}
		if it.Folder {
			m["folder"] = map[string]any{"childCount": 0}
		} else {
			m["file"] = map[string]any{}
		}
		return m
	}
	m := map[string]any{"id": it.ID, "name": it.Name, "webUrl": s.itemURL(d, it), "parentReference": parent,
		"createdDateTime": timeString(it.Created), "lastModifiedDateTime": timeString(it.Modified),
		"eTag": fmt.Sprintf("\"{%s},%d\"", it.ID, it.seq), "cTag": fmt.Sprintf("\"c:{%s},%d\"", it.ID, it.seq),
		"size": len(it.Content)}
	if by := s.data.identity(it.CreatedBy); by != nil {
		m["createdBy"] = by
	}
	if by := s.data.identity(it.ModifiedBy); by != nil {
		m["lastModifiedBy"] = by
	}
	switch {
	case it.ParentID == "":
		m["root"] = map[string]any{}
		m["name"] = "root"
		m["webUrl"] = s.driveURL(d)
		m["folder"] = map[string]any{"childCount": s.children(d, it)}
		delete(m, "parentReference")
		m["parentReference"] = map[string]any{"driveId": d.ID, "driveType": "documentLibrary", "siteId": d.SiteID}
	case it.Folder:
		m["folder"] = map[string]any{"childCount": s.children(d, it)}
	default:
		m["file"] = map[string]any{"mimeType": cmp.Or(it.MimeType, "application/octet-stream")}
		if download && !it.NoContent {
			m["@microsoft.graph.downloadUrl"] = s.downloadURL(c, d, it)
		}
	}
	return m
}

func (s *Server) children(d *Drive, f *Item) int {
	n := 0
	for _, it := range d.Items {
		if it.ParentID == f.ID && !it.Deleted {
			n++
		}
	}
	return n
}

// content answers 302 to the item's pre-authenticated download URL, as
// Graph does.
func (s *Server) content(c *call) (int, any) {
	d, it, e := s.item(c)
	if e != nil {
		return 0, e
	}
	if it.Folder || it.NoContent {
		return 0, itemNotFound("The resource could not be found.")
	}
	c.w.Header().Set("Location", s.downloadURL(c, d, it))
	c.w.WriteHeader(http.StatusFound)
	return 0, nil
}

// download serves the bytes behind a download URL, which carries its own
// authorization (tempauth) and needs no bearer token.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	d := s.data.Drive(q.Get("drive"))
	var it *Item
	if d != nil {
		it = d.Item(q.Get("UniqueId"))
	}
	ok := it != nil && !it.Deleted && !it.Folder && q.Get("tempauth") == downloadToken(d, it)
	var body []byte
	if ok {
		body = it.Content
	}
	s.mu.Unlock()
	if !ok {
		writeCode(w, Code{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "The download link is not valid."})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// deltaState is what a delta link or next link stands for: the changes
// after since, up to the change upto when the enumeration began, read in
// (depth, key) order from after the cursor.
type deltaState struct {
	next       bool
	since      int64
	upto       int64
	depth, key int
}

func (st deltaState) encode() string {
	var raw string
	if st.next {
		raw = fmt.Sprintf("n.%d.%d.%d.%d", st.since, st.upto, st.depth, st.key)
	} else {
		raw = fmt.Sprintf("d.%d", st.upto)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeDelta(tok string) (deltaState, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return deltaState{}, false
	}
	f := strings.Split(string(b), ".")
	num := func(i int) int64 {
		if i >= len(f) {
			return -1
		}
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil || n < 0 {
			return -1
		}
		return n
	}
	switch {
	case len(f) == 2 && f[0] == "d" && num(1) >= 0:
		return deltaState{since: num(1), upto: num(1)}, true
	case len(f) == 5 && f[0] == "n" && num(1) >= 0 && num(2) >= 0 && num(3) >= 0 && num(4) >= 0:
		return deltaState{next: true, since: num(1), upto: num(2), depth: int(num(3)), key: int(num(4))}, true
	}
	return deltaState{}, false
}

// delta answers /drives/{id}/root/delta: without a token the whole drive
// (live items only), with a delta link's token the items changed since,
// deleted ones with the deleted facet. Parents come before children (by
// depth, then creation). A page ends with @odata.nextLink, the last with
// @odata.deltaLink. A token older than the drive's floor is answered 410
// resyncRequired, with a Location to start over.
func (s *Server) delta(c *call) (int, any) {
	d, e := s.drive(c)
	if e != nil {
		return 0, e
	}
	link := func(st deltaState) string {
		return c.base + GraphPrefix + "/drives/" + url.PathEscape(d.ID) + "/root/delta?token=" + st.encode()
	}
	q := c.r.URL.Query()
	tok := q.Get("token")
	st := deltaState{next: true, upto: s.data.seq}
	cursor := false // st names an item to read after
	switch {
	case tok == "latest":
		return http.StatusOK, map[string]any{"value": []any{}, "@odata.deltaLink": link(deltaState{upto: s.data.seq})}
	case tok != "":
		got, ok := decodeDelta(tok)
		if !ok {
			return 0, invalidRequest("Invalid token.")
		}
		if got.since < d.floor && got.since > 0 || got.upto < d.floor {
			c.w.Header().Set("Location", c.base+GraphPrefix+"/drives/"+url.PathEscape(d.ID)+"/root/delta")
			return 0, Code{Status: http.StatusGone, Code: "resyncRequired",
				Message: "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about."}
		}
		st, cursor = got, got.next
		if !st.next { // a delta link: begin reading the changes after it
			st = deltaState{next: true, since: got.upto, upto: s.data.seq}
		}
	}
	size := s.opts.PageSize
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, invalidRequest(errBadTop.Error())
		}
		size = min(n, size)
	}
	type entry struct {
		it         *Item
		depth, key int
	}
	var all []entry
	for _, it := range d.Items {
		if it.seq <= st.since || st.since == 0 && it.Deleted {
			continue
		}
		e := entry{it: it, depth: d.depth(it), key: it.key}
		if cursor && (e.depth < st.depth || e.depth == st.depth && e.key <= st.key) {
			continue
		}
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b entry) int { return cmp.Or(cmp.Compare(a.depth, b.depth), cmp.Compare(a.key, b.key)) })
	n := min(size, len(all))
	out := make([]any, 0, n)
	for _, e := range all[:n] {
		out = append(out, s.itemJSON(c, d, e.it, false))
	}
	if n < len(all) {
		last := all[n-1]
		st.depth, st.key = last.depth, last.key
		return http.StatusOK, map[string]any{"value": out, "@odata.nextLink": link(st)}
	}
	return http.StatusOK, map[string]any{"value": out, "@odata.deltaLink": link(deltaState{upto: st.upto})}
}
