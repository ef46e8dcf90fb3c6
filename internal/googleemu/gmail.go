package googleemu

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Gmail scopes the emulator knows.
const (
	ScopeGmailReadonly = "https://www.googleapis.com/auth/gmail.readonly"
	ScopeGmailMetadata = "https://www.googleapis.com/auth/gmail.metadata"
	ScopeGmailModify   = "https://www.googleapis.com/auth/gmail.modify"
	ScopeGmailSettings = "https://www.googleapis.com/auth/gmail.settings.basic"
	ScopeMailFull      = "https://mail.google.com/"
)

const gmailPrefix = "/gmail/v1/users/{userId}"

func (s *Server) gmailRoutes() {
	p := gmailPrefix
	s.Handle("GET "+p+"/profile", s.serve(s.gmailProfile))
	s.Handle("GET "+p+"/labels", s.serve(s.gmailLabels))
	s.Handle("GET "+p+"/threads", s.serve(s.listThreads))
	s.Handle("GET "+p+"/threads/{id}", s.serve(s.getThread))
	s.Handle("GET "+p+"/messages/{id}", s.serve(s.getMessage))
	s.Handle("GET "+p+"/messages/{id}/attachments/{aid}", s.serve(s.getAttachment))
	s.Handle("GET "+p+"/history", s.serve(s.listHistory))
	s.Handle("GET "+p+"/settings/delegates", s.serve(s.listDelegates))
}

var (
	gmailRead = []string{ScopeGmailReadonly, ScopeGmailModify, ScopeMailFull}
	gmailMeta = append([]string{ScopeGmailMetadata}, gmailRead...)
)

// mailbox returns the mailbox a call names ("me" or the caller's own
// address) after checking the scopes, or the error answer.
func (s *Server) mailbox(c *call, scopes []string) (*Mailbox, *Reason) {
	if !c.has(scopes...) {
		r := insufficientScopes()
		return nil, &r
	}
	id := c.r.PathValue("userId")
	if id != "me" && !strings.EqualFold(id, c.caller) {
		r := forbidden("Delegation denied for " + c.caller)
		return nil, &r
	}
	key := strings.ToLower(c.caller)
	if s.data.User(c.caller) == nil && s.data.Mailboxes[key] == nil {
		// A service account acting as itself has no mailbox.
		r := Reason{Status: http.StatusBadRequest, Domain: "global", Reason: "failedPrecondition", Message: "Precondition check failed."}
		return nil, &r
	}
	return s.data.Mailbox(c.caller), nil
}

func (s *Server) gmailProfile(c *call) (int, any) {
	mb, bad := s.mailbox(c, gmailMeta)
	if bad != nil {
		return 0, *bad
	}
	threads := map[string]bool{}
	n := 0
	for _, m := range mb.messages {
		if !m.Deleted {
			n++
			threads[m.ThreadID] = true
		}
	}
	return masked(c, map[string]any{"emailAddress": mb.Email, "messagesTotal": n, "threadsTotal": len(threads),
		"historyId": strconv.FormatUint(mb.historyID, 10)})
}

func (s *Server) gmailLabels(c *call) (int, any) {
	mb, bad := s.mailbox(c, gmailMeta)
	if bad != nil {
		return 0, *bad
	}
	out := make([]any, 0, len(systemLabels)+len(mb.Labels))
	for _, l := range systemLabels {
		out = append(out, map[string]any{"id": l, "name": l, "type": "system"})
	}
	for _, l := range mb.Labels {
		out = append(out, map[string]any{"id": l.ID, "name": l.Name, "type": "user"})
	}
	return masked(c, map[string]any{"labels": out})
}

// thread is a thread as a listing sees it.
type thread struct {
	id     string
	msgs   []*Message // the messages the listing counts, oldest first
	latest time.Time
}

// threads groups a mailbox's messages into threads; hidden (spam and
// trash) messages count only with includeSpamTrash.
func (mb *Mailbox) threads(withHidden bool) []*thread {
	byID := map[string]*thread{}
	var out []*thread
	for _, m := range mb.messages {
		if m.Deleted || m.hidden() && !withHidden {
			continue
		}
		t := byID[m.ThreadID]
		if t == nil {
			t = &thread{id: m.ThreadID}
			byID[m.ThreadID] = t
			out = append(out, t)
		}
		t.msgs = append(t.msgs, m)
		if m.Internal.After(t.latest) {
			t.latest = m.Internal
		}
	}
	return out
}

func (s *Server) listThreads(c *call) (int, any) {
	mb, bad := s.mailbox(c, gmailMeta)
	if bad != nil {
		return 0, *bad
	}
	qs := c.r.FormValue("q")
	if qs != "" && !c.has(gmailRead...) {
		return 0, forbidden("Metadata scope does not support 'q' parameter")
	}
	q, err := compileMailQuery(qs, mb)
	if err != nil {
		return 0, invalid("Invalid query: " + err.Error())
	}
	c.r.ParseForm()
	labels := c.r.Form["labelIds"]
	var items []*thread
	for _, t := range mb.threads(boolParam(c, "includeSpamTrash")) {
		if slices.ContainsFunc(t.msgs, func(m *Message) bool { return hasLabels(m, labels) && q(m) }) {
			items = append(items, t)
		}
	}
	slices.SortFunc(items, func(a, b *thread) int {
		return cmp.Or(b.latest.Compare(a.latest), strings.Compare(b.id, a.id))
	})
	page, next, err := emulator.CursorOf(c.r, items, emulator.CursorParams{Cursor: "pageToken", Size: "maxResults", DefaultSize: 100, MaxSize: 500})
	if err != nil {
		return 0, invalid("Invalid pageToken")
	}
	out := make([]any, 0, len(page))
	for _, t := range page {
		last := t.msgs[len(t.msgs)-1]
		out = append(out, map[string]any{"id": t.id, "snippet": snippet(last), "historyId": strconv.FormatUint(maxHistory(t.msgs), 10)})
	}
	v := map[string]any{"threads": out, "resultSizeEstimate": len(items)}
	if len(out) == 0 {
		delete(v, "threads") // Gmail leaves the field out of an empty answer
	}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

func hasLabels(m *Message, labels []string) bool {
	for _, l := range labels {
		if !slices.Contains(m.LabelIDs, l) {
			return false
		}
	}
	return true
}

func maxHistory(ms []*Message) uint64 {
	var h uint64
	for _, m := range ms {
		h = max(h, m.historyID)
	}
	return h
}

// format reads the format parameter: full by default; the metadata scope
// allows metadata and minimal only.
func format(c *call, allowed ...string) (string, *Reason) {
	f := strings.ToLower(cmp.Or(c.r.FormValue("format"), "full"))
	if !slices.Contains(allowed, f) {
		r := invalid("Invalid value at 'format'")
		return "", &r
	}
	if (f == "full" || f == "raw") && !c.has(gmailRead...) {
		r := forbidden("Metadata scope doesn't allow format " + strings.ToUpper(f))
		return "", &r
	}
	return f, nil
}

func (s *Server) getThread(c *call) (int, any) {
	mb, bad := s.mailbox(c, gmailMeta)
	if bad != nil {
		return 0, *bad
	}
	f, bad := format(c, "full", "metadata", "minimal")
	if bad != nil {
		return 0, *bad
	}
	id := c.r.PathValue("id")
	msgs := mb.Thread(id)
	if len(msgs) == 0 {
		return 0, entityNotFound()
	}
	c.r.ParseForm()
	out := make([]any, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, messageJSON(m, f, c.r.Form["metadataHeaders"]))
	}
	return masked(c, map[string]any{"id": id, "historyId": strconv.FormatUint(maxHistory(msgs), 10), "messages": out})
}

func (s *Server) getMessage(c *call) (int, any) {
	mb, bad := s.mailbox(c, gmailMeta)
	if bad != nil {
		return 0, *bad
	}
	f, bad := format(c, "full", "metadata", "minimal", "raw")
	if bad != nil {
		return 0, *bad
	}
	m := mb.Message(c.r.PathValue("id"))
	if m == nil || m.Deleted {
		return 0, entityNotFound()
	}
	c.r.ParseForm()
	return masked(c, messageJSON(m, f, c.r.Form["metadataHeaders"]))
}

func (s *Server) getAttachment(c *call) (int, any) {
	mb, bad := s.mailbox(c, gmailRead)
	if bad != nil {
		return 0, *bad
	}
	m := mb.Message(c.r.PathValue("id"))
	aid := c.r.PathValue("aid")
	if m == nil || m.Deleted {
		return 0, entityNotFound()
	}
	partID, ok := strings.CutPrefix(aid, "ANGjdJ_"+m.ID+"_")
	if !ok {
		return 0, invalid("Invalid attachment token")
	}
	p := findPart(parseMessage(m.Raw), strings.TrimPrefix(partID, "p"))
	if p == nil || p.filename == "" {
		return 0, invalid("Invalid attachment token")
	}
	return masked(c, map[string]any{"size": len(p.body), "data": base64.URLEncoding.EncodeToString(p.body)})
}

// messageJSON is a message in a format: minimal (ids, labels, dates),
// metadata (and headers), full (and the parsed payload) or raw (and the
// message's bytes).
func messageJSON(m *Message, f string, headers []string) map[string]any {
	v := map[string]any{"id": m.ID, "threadId": m.ThreadID, "labelIds": slices.Clone(m.LabelIDs),
		"historyId": strconv.FormatUint(m.historyID, 10), "internalDate": strconv.FormatInt(m.Internal.UnixMilli(), 10),
		"sizeEstimate": len(m.Raw), "snippet": snippet(m)}
	switch f {
	case "raw":
		v["raw"] = base64.URLEncoding.EncodeToString(m.Raw)
	case "metadata":
		p := parseMessage(m.Raw)
		var hs []any
		for _, h := range p.headers {
			if len(headers) == 0 || slices.ContainsFunc(headers, func(n string) bool { return strings.EqualFold(n, h[0]) }) {
				hs = append(hs, map[string]any{"name": h[0], "value": h[1]})
			}
		}
		v["payload"] = map[string]any{"mimeType": p.mime, "headers": hs}
	case "full":
		v["payload"] = parseMessage(m.Raw).json(m.ID)
	}
	return v
}

// part is one MIME part of a message, its body decoded.
type part struct {
	id       string
	mime     string
	filename string
	headers  [][2]string
	body     []byte
	parts    []*part
}

// parseMessage parses a message's MIME structure as Gmail does for the
// full format: transfer encodings decoded, bodies left in their charset.
// A message that does not parse is one text/plain part of its bytes.
func parseMessage(raw []byte) *part {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return &part{mime: "text/plain", body: raw}
	}
	body, _ := io.ReadAll(msg.Body)
	return parsePart("", map[string][]string(msg.Header), body, 0)
}

func parsePart(id string, h map[string][]string, body []byte, depth int) *part {
	p := &part{id: id}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			p.headers = append(p.headers, [2]string{k, v})
		}
	}
	get := func(k string) string {
		if v := h[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	mt, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		mt, params = "text/plain", map[string]string{}
	}
	p.mime = mt
	_, dparams, _ := mime.ParseMediaType(get("Content-Disposition"))
	p.filename = cmp.Or(dparams["filename"], params["name"])
	if strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" && depth < 8 {
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for i := 0; ; i++ {
			np, err := mr.NextRawPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(np)
			cid := strconv.Itoa(i)
			if id != "" {
				cid = id + "." + cid
			}
			p.parts = append(p.parts, parsePart(cid, np.Header, b, depth+1))
		}
		return p
	}
	switch strings.ToLower(strings.TrimSpace(get("Content-Transfer-Encoding"))) {
	case "quoted-printable":
		if b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body))); err == nil {
			body = b
		}
	case "base64":
		clean := strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' {
				return -1
			}
			return r
		}, string(body))
		if b, err := base64.StdEncoding.DecodeString(clean); err == nil {
			body = b
		}
	}
	p.body = body
	return p
}

func findPart(p *part, id string) *part {
	if p.id == id {
		return p
	}
	for _, c := range p.parts {
		if f := findPart(c, id); f != nil {
			return f
		}
	}
	return nil
}

// json is the part as the full format gives it: a named part's body by
// attachment id, others inline as base64url.
func (p *part) json(msgID string) map[string]any {
	hs := make([]any, 0, len(p.headers))
	for _, h := range p.headers {
		hs = append(hs, map[string]any{"name": h[0], "value": h[1]})
	}
	body := map[string]any{"size": len(p.body)}
	switch {
	case len(p.parts) > 0:
		body["size"] = 0
	case p.filename != "":
		body["attachmentId"] = "ANGjdJ_" + msgID + "_p" + p.id
	default:
		body["data"] = base64.URLEncoding.EncodeToString(p.body)
	}
	v := map[string]any{"partId": p.id, "mimeType": p.mime, "filename": p.filename, "headers": hs, "body": body}
	if len(p.parts) > 0 {
		parts := make([]any, 0, len(p.parts))
		for _, c := range p.parts {
			parts = append(parts, c.json(msgID))
		}
		v["parts"] = parts
	}
	return v
}

// text returns the first text/plain body of the part, or "".
func (p *part) text() string {
	if p.mime == "text/plain" && p.filename == "" {
		return string(p.body)
	}
	for _, c := range p.parts {
		if t := c.text(); t != "" {
			return t
		}
	}
	return ""
}

// snippet is the start of a message's text, as Gmail shows in listings.
func snippet(m *Message) string {
	s := strings.Join(strings.Fields(parseMessage(m.Raw).text()), " ")
	for n, i := 0, 0; i < len(s); n++ {
		if n == 100 {
			return s[:i]
		}
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s
}

func (s *Server) listHistory(c *call) (int, any) {
	mb, bad := s.mailbox(c, gmailMeta)
	if bad != nil {
		return 0, *bad
	}
	start, err := strconv.ParseUint(c.r.FormValue("startHistoryId"), 10, 64)
	if err != nil {
		return 0, invalid("Invalid startHistoryId")
	}
	if start < mb.oldest {
		return 0, entityNotFound()
	}
	c.r.ParseForm()
	types := c.r.Form["historyTypes"]
	var recs []historyRecord
	for _, h := range mb.history {
		if h.id > start && (len(types) == 0 || slices.Contains(types, h.kind)) {
			recs = append(recs, h)
		}
	}
	page, next, err := emulator.CursorOf(c.r, recs, emulator.CursorParams{Cursor: "pageToken", Size: "maxResults", DefaultSize: 100, MaxSize: 500})
	if err != nil {
		return 0, invalid("Invalid pageToken")
	}
	out := make([]any, 0, len(page))
	for _, h := range page {
		ref := map[string]any{"id": h.msg.ID, "threadId": h.msg.ThreadID}
		full := map[string]any{"id": h.msg.ID, "threadId": h.msg.ThreadID, "labelIds": slices.Clone(h.msg.LabelIDs)}
		e := map[string]any{"id": strconv.FormatUint(h.id, 10), "messages": []any{ref}}
		switch h.kind {
		case "messageAdded":
			e["messagesAdded"] = []any{map[string]any{"message": full}}
		case "messageDeleted":
			e["messagesDeleted"] = []any{map[string]any{"message": ref}}
		case "labelAdded":
			e["labelsAdded"] = []any{map[string]any{"message": full, "labelIds": slices.Clone(h.labels)}}
		case "labelRemoved":
			e["labelsRemoved"] = []any{map[string]any{"message": full, "labelIds": slices.Clone(h.labels)}}
		}
		out = append(out, e)
	}
	v := map[string]any{"historyId": strconv.FormatUint(mb.historyID, 10)}
	if len(out) > 0 {
		v["history"] = out
	}
	if next != "" {
		v["nextPageToken"] = next
	}
	return masked(c, v)
}

func (s *Server) listDelegates(c *call) (int, any) {
	mb, bad := s.mailbox(c, []string{ScopeGmailSettings, ScopeMailFull})
	if bad != nil {
		return 0, *bad
	}
	out := make([]any, 0, len(mb.Delegates))
	for _, d := range mb.Delegates {
		out = append(out, map[string]any{"delegateEmail": d, "verificationStatus": "accepted"})
	}
	return masked(c, map[string]any{"delegates": out})
}

// entityNotFound is Gmail's 404.
func entityNotFound() Reason {
	return Reason{Status: http.StatusNotFound, Domain: "global", Reason: "notFound", Message: "Requested entity was not found."}
}
