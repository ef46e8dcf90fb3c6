package mediawikiemu

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// maxContentPages is how many pages one answer gives revision content
// for; the rest of a generator's batch follows through rvcontinue.
const maxContentPages = 50

func (s *Server) query(w http.ResponseWriter, r *http.Request, sid, user string) {
	f := r.Form
	meta := split(f.Get("meta"))
	readOnlyMeta := f.Get("list") == "" && f.Get("generator") == "" && f.Get("prop") == "" && f.Get("titles") == "" &&
		!slices.ContainsFunc(meta, func(m string) bool { return m != "tokens" && m != "userinfo" })
	if s.opts.Private && user == "" && !readOnlyMeta {
		apiError(w, "readapidenied", "You need read permission to use this module.")
		return
	}
	q := map[string]any{}
	out := map[string]any{"batchcomplete": true, "query": q}
	cont := map[string]string{}
	for _, m := range meta {
		switch m {
		case "siteinfo":
			s.siteinfo(r, q)
		case "tokens":
			if f.Get("type") == "login" {
				if sid == "" {
					sid = newID()
					s.sessions[sid] = ""
					http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: sid, Path: "/", HttpOnly: true})
				}
				tok := newID() + "+\\"
				s.tokens[tok] = sid
				q["tokens"] = map[string]any{"logintoken": tok}
			}
		case "userinfo":
			if user == "" {
				q["userinfo"] = map[string]any{"id": 0, "name": "192.0.2.1", "anon": true}
			} else {
				q["userinfo"] = map[string]any{"id": 7, "name": user}
			}
		}
	}
	var pages []*Page
	var pageList []map[string]any
	switch {
	case f.Get("list") == "allpages":
		batch, next, err := s.allpages(f, "ap")
		if err != "" {
			apiError(w, "badvalue", err)
			return
		}
		var l []map[string]any
		for _, p := range batch {
			l = append(l, map[string]any{"pageid": p.ID, "ns": p.NS, "title": p.Title})
		}
		if l == nil {
			l = []map[string]any{}
		}
		q["allpages"] = l
		if next != "" {
			cont["apcontinue"], cont["continue"] = next, "-||"
		}
	case f.Get("list") == "recentchanges":
		l, next, err := s.recentchanges(f)
		if err != "" {
			apiError(w, "badvalue", err)
			return
		}
		q["recentchanges"] = l
		if next != "" {
			cont["rccontinue"], cont["continue"] = next, "-||"
		}
	case f.Get("generator") == "allpages":
		batch, next, err := s.allpages(f, "gap")
		if err != "" {
			apiError(w, "badvalue", err)
			return
		}
		pages = batch
		if next != "" {
			cont["gapcontinue"], cont["continue"] = next, "gapcontinue||"
		}
	case f.Get("titles") != "" || f.Get("pageids") != "":
		var normalized, redirects []map[string]any
		for _, t := range split(f.Get("titles")) {
			if n := normTitle(t); n != t {
				normalized = append(normalized, map[string]any{"from": t, "to": n})
				t = n
			}
			if p := s.data.Page(t); p != nil && f.Has("redirects") && p.RedirectTarget() != "" {
				redirects = append(redirects, map[string]any{"from": t, "to": p.RedirectTarget()})
				t = p.RedirectTarget()
			}
			if p := s.data.Page(t); p != nil {
				pages = append(pages, p)
			} else {
				pageList = append(pageList, map[string]any{"ns": s.data.Namespace(normTitle(t)), "title": normTitle(t), "missing": true})
			}
		}
		for _, id := range split(f.Get("pageids")) {
			n, _ := strconv.Atoi(id)
			if p := s.data.PageByID(n); p != nil {
				pages = append(pages, p)
			} else {
				pageList = append(pageList, map[string]any{"pageid": n, "missing": true})
			}
		}
		if normalized != nil {
			q["normalized"] = normalized
		}
		if redirects != nil {
			q["redirects"] = redirects
		}
	}
	if pages != nil || pageList != nil {
		list, propCont := s.props(f, pages)
		q["pages"] = append(list, pageList...)
		if len(propCont) > 0 {
			// Prop continuation repeats the generator's batch: the
			// generator's own parameter keeps the value it was asked with.
			delete(out, "batchcomplete")
			delete(cont, "gapcontinue")
			if g := f.Get("gapcontinue"); g != "" {
				cont["gapcontinue"] = g
			}
			for k, v := range propCont {
				cont[k] = v
			}
			cont["continue"] = "gapcontinue||"
			if f.Get("generator") == "" {
				cont["continue"] = "||"
			}
		}
	}
	if len(cont) > 0 {
		out["continue"] = cont
	}
	emulator.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) siteinfo(r *http.Request, q map[string]any) {
	base := emulator.BaseURL(r)
	q["general"] = map[string]any{"mainpage": "Main Page", "base": base + "/wiki/Main_Page", "sitename": s.data.SiteName,
		"generator": "MediaWiki 1.43.0 (emulated)", "server": base, "servername": strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://"),
		"articlepath": "/wiki/$1", "scriptpath": "/w", "script": "/w/index.php", "lang": "en", "case": "first-letter",
		"readonly": false, "time": s.Now().UTC().Format(time.RFC3339)}
	ns := map[string]any{}
	for _, n := range s.data.Namespaces {
		ns[strconv.Itoa(n.ID)] = map[string]any{"id": n.ID, "case": "first-letter", "name": n.Name, "subpages": n.ID%2 == 1,
			"canonical": n.Name, "content": n.ID == 0}
	}
	q["namespaces"] = ns
}

// limit reads a limit parameter: "max" or a number, capped at most.
func limit(v string, def, most int) (int, string) {
	switch v {
	case "":
		return def, ""
	case "max":
		return most, ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, "Invalid value \"" + v + "\" for integer parameter"
	}
	return min(n, most), ""
}

// allpages cuts the namespace's pages, by database key, from the
// continue (or from) key on; prefix is "ap" or "gap".
func (s *Server) allpages(f url.Values, prefix string) ([]*Page, string, string) {
	ns, err := strconv.Atoi(cmp.Or(f.Get(prefix+"namespace"), "0"))
	if err != nil {
		return nil, "", "Invalid value for parameter \"" + prefix + "namespace\""
	}
	n, msg := limit(f.Get(prefix+"limit"), 10, 500)
	if msg != "" {
		return nil, "", msg
	}
	redirects := cmp.Or(f.Get(prefix+"filterredir"), "all")
	var list []*Page
	for _, p := range s.data.Pages {
		if p.NS != ns || redirects == "nonredirects" && p.Redirect || redirects == "redirects" && !p.Redirect {
			continue
		}
		list = append(list, p)
	}
	slices.SortFunc(list, func(a, b *Page) int { return strings.Compare(s.data.dbKey(a), s.data.dbKey(b)) })
	from := cmp.Or(f.Get(prefix+"continue"), strings.ReplaceAll(f.Get(prefix+"from"), " ", "_"))
	i, _ := slices.BinarySearchFunc(list, from, func(p *Page, k string) int { return strings.Compare(s.data.dbKey(p), k) })
	list = list[i:]
	if len(list) > n {
		return list[:n], s.data.dbKey(list[n]), ""
	}
	return list, "", ""
}

// props renders pages for prop=info|revisions|categories, giving revision
// content for the first pages only and categories up to cllimit, and
// returns the prop modules' continuation.
func (s *Server) props(f url.Values, pages []*Page) ([]map[string]any, map[string]string) {
	props := split(f.Get("prop"))
	rvprop := split(cmp.Or(f.Get("rvprop"), "ids|timestamp|flags|comment|user"))
	content := slices.Contains(rvprop, "content")
	slices.SortFunc(pages, func(a, b *Page) int { return a.ID - b.ID })
	cont := map[string]string{}
	rvFrom, _ := strconv.Atoi(f.Get("rvcontinue"))
	clPage, clTitle, _ := strings.Cut(f.Get("clcontinue"), "|")
	clFrom, _ := strconv.Atoi(clPage)
	cllimit, _ := limit(f.Get("cllimit"), 10, cmp.Or(s.opts.MaxCategories, 500))
	withContent := 0
	var out []map[string]any
	for _, p := range pages {
		m := map[string]any{"pageid": p.ID, "ns": p.NS, "title": p.Title}
		if slices.Contains(props, "info") {
			m["lastrevid"], m["touched"], m["contentmodel"] = p.Last().ID, p.Last().At.Format(time.RFC3339), "wikitext"
			if p.Redirect {
				m["redirect"] = true
			}
		}
		if slices.Contains(props, "revisions") && p.ID >= rvFrom && f.Get("clcontinue") == "" {
			if content && withContent == maxContentPages {
				if cont["rvcontinue"] == "" {
					cont["rvcontinue"] = strconv.Itoa(p.ID)
				}
			} else {
				withContent++
				m["revisions"] = []map[string]any{revision(p, rvprop)}
			}
		}
		if slices.Contains(props, "categories") && p.ID >= clFrom && len(p.Categories) > 0 {
			cats := slices.Clone(p.Categories)
			slices.Sort(cats)
			var l []map[string]any
			for _, c := range cats {
				key := strings.ReplaceAll(c, " ", "_")
				if p.ID == clFrom && key < clTitle {
					continue
				}
				if cllimit == 0 {
					if cont["clcontinue"] == "" {
						cont["clcontinue"] = fmt.Sprintf("%d|%s", p.ID, key)
					}
					break
				}
				cllimit--
				l = append(l, map[string]any{"ns": 14, "title": "Category:" + c})
			}
			if l != nil {
				m["categories"] = l
			}
		}
		out = append(out, m)
	}
	return out, cont
}

func revision(p *Page, rvprop []string) map[string]any {
	last := p.Last()
	rv := map[string]any{}
	if slices.Contains(rvprop, "ids") {
		parent := 0
		if len(p.Revisions) > 1 {
			parent = p.Revisions[len(p.Revisions)-2].ID
		}
		rv["revid"], rv["parentid"] = last.ID, parent
	}
	if slices.Contains(rvprop, "timestamp") {
		rv["timestamp"] = last.At.Format(time.RFC3339)
	}
	if slices.Contains(rvprop, "user") {
		rv["user"] = last.User
	}
	if slices.Contains(rvprop, "content") {
		rv["slots"] = map[string]any{"main": map[string]any{"contentmodel": "wikitext", "contentformat": "text/x-wiki", "content": last.Content}}
	}
	return rv
}

// mwTime reads a timestamp parameter: ISO 8601 or MediaWiki's 14 digits.
func mwTime(v string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), true
	}
	t, err := time.Parse("20060102150405", v)
	return t.UTC(), err == nil
}

func (s *Server) recentchanges(f url.Values) ([]map[string]any, string, string) {
	n, msg := limit(f.Get("rclimit"), 10, 500)
	if msg != "" {
		return nil, "", msg
	}
	newer := f.Get("rcdir") == "newer"
	var lo, hi time.Time
	var ok bool
	if v := f.Get("rcstart"); v != "" {
		if lo, ok = mwTime(v); !ok {
			return nil, "", "Invalid value for parameter \"rcstart\""
		}
	}
	if v := f.Get("rcend"); v != "" {
		if hi, ok = mwTime(v); !ok {
			return nil, "", "Invalid value for parameter \"rcend\""
		}
	}
	if !newer {
		lo, hi = hi, lo
	}
	types := split(cmp.Or(f.Get("rctype"), "edit|new|log|categorize"))
	nss := split(f.Get("rcnamespace"))
	var list []Change
	for _, c := range s.data.Changes {
		at := c.At.Truncate(time.Second)
		if !slices.Contains(types, c.Type) || len(nss) > 0 && !slices.Contains(nss, strconv.Itoa(c.NS)) ||
			!lo.IsZero() && at.Before(lo) || !hi.IsZero() && at.After(hi) {
			continue
		}
		list = append(list, c)
	}
	order := func(a, b Change) int {
		return cmp.Or(a.At.Truncate(time.Second).Compare(b.At.Truncate(time.Second)), a.RCID-b.RCID)
	}
	slices.SortStableFunc(list, order)
	if !newer {
		slices.Reverse(list)
	}
	if c := f.Get("rccontinue"); c != "" {
		ts, id, _ := strings.Cut(c, "|")
		t, ok := mwTime(ts)
		rcid, err := strconv.Atoi(id)
		if !ok || err != nil {
			return nil, "", "Invalid continue param. You should pass the original value returned by the previous query."
		}
		mark := Change{At: t, RCID: rcid}
		i := slices.IndexFunc(list, func(c Change) bool {
			if newer {
				return order(c, mark) >= 0
			}
			return order(c, mark) <= 0
		})
		if i < 0 {
			i = len(list)
		}
		list = list[i:]
	}
	next := ""
	if len(list) > n {
		next = list[n].At.UTC().Format("20060102150405") + "|" + strconv.Itoa(list[n].RCID)
		list = list[:n]
	}
	out := []map[string]any{}
	for _, c := range list {
		m := map[string]any{"type": c.Type, "ns": c.NS, "title": c.Title, "pageid": c.PageID, "revid": c.RevID,
			"old_revid": c.OldRevID, "rcid": c.RCID, "user": c.User, "timestamp": c.At.UTC().Format(time.RFC3339)}
		if c.Type == "log" {
			m["logtype"], m["logaction"] = c.LogType, c.LogAction
			if c.LogType == "move" {
				m["logparams"] = map[string]any{"target_ns": c.TargetNS, "target_title": c.Target}
			} else {
				m["logparams"] = []any{}
			}
		}
		out = append(out, m)
	}
	return out, next, ""
}
