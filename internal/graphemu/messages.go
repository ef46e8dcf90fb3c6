package graphemu

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxMessagesTop is the largest $top the message listings take, as in
// Graph; a larger one is refused with 400.
const MaxMessagesTop = 50

// messageRoutes serve a channel's root messages, their delta query, one
// message, and a message's replies.
func (s *Server) messageRoutes() {
	p := GraphPrefix + "/teams/{team}/channels/{channel}/messages"
	s.Handle("GET "+p, s.serve(s.listMessages))
	s.Handle("GET "+p+"/delta", s.serve(s.messageDelta))
	s.Handle("GET "+p+"/{message}", s.serve(s.getMessage))
	s.Handle("GET "+p+"/{message}/replies", s.serve(s.listReplies))
	s.Handle("GET "+p+"/{message}/replies/{reply}", s.serve(s.getReply))
}

// messageRoles may read channel messages.
var messageRoles = []string{ChannelMessageReadAll, "ChannelMessage.ReadWrite.All"}

// MessageWebURL is the Teams link of a message (root is "" for a root
// message).
func MessageWebURL(tenant, teamName string, ch *Channel, m *Message) string {
	parent := m.ReplyToID
	if parent == "" {
		parent = m.ID
	}
	return "https://teams.microsoft.com/l/message/" + url.QueryEscape(ch.ID) + "/" + m.ID + "?hostTenantId=" + tenant +
		"&groupId=" + ch.TeamID + "&parentMessageId=" + parent + "&teamName=" + url.QueryEscape(teamName) +
		"&channelName=" + url.QueryEscape(ch.DisplayName) + "&createdTime=" + itoa(m.Created.UnixMilli())
}

func (d *Data) messageJSON(ch *Channel, m *Message) map[string]any {
	team := d.Team(ch.TeamID)
	out := map[string]any{"id": m.ID, "replyToId": nil, "etag": itoa(m.Modified.UnixMilli()), "messageType": m.Type,
		"createdDateTime": timeString(m.Created), "lastModifiedDateTime": timeString(m.Modified),
		"lastEditedDateTime": nil, "deletedDateTime": nil, "subject": nil, "summary": nil, "chatId": nil, "importance": "normal",
		"locale": "en-us", "webUrl": MessageWebURL(d.TenantID, team.DisplayName, ch, m),
		"channelIdentity": map[string]any{"teamId": ch.TeamID, "channelId": ch.ID},
		"from":            nil, "body": map[string]any{"contentType": "html", "content": m.HTML},
		"attachments": []any{}, "mentions": []any{}, "reactions": []any{}}
	if m.ReplyToID != "" {
		out["replyToId"] = m.ReplyToID
	}
	if m.Subject != "" {
		out["subject"] = m.Subject
	}
	if !m.Modified.Equal(m.Created) && m.Deleted.IsZero() {
		out["lastEditedDateTime"] = timeString(m.Modified)
	}
	if !m.Deleted.IsZero() {
		out["deletedDateTime"] = timeString(m.Deleted)
	}
	if u := d.User(m.From); u != nil {
		out["from"] = map[string]any{"application": nil, "device": nil,
			"user": map[string]any{"id": u.ID, "displayName": u.DisplayName, "userIdentityType": "aadUser", "tenantId": d.TenantID}}
	}
	var atts, mentions []any
	for _, a := range m.Attachments {
		atts = append(atts, map[string]any{"id": a.ID, "contentType": a.ContentType, "contentUrl": a.ContentURL, "name": a.Name,
			"content": nil, "thumbnailUrl": nil})
	}
	for i, id := range m.Mentions {
		if u := d.User(id); u != nil {
			mentions = append(mentions, map[string]any{"id": i, "mentionText": u.DisplayName,
				"mentioned": map[string]any{"user": map[string]any{"id": u.ID, "displayName": u.DisplayName, "userIdentityType": "aadUser"}}})
		}
	}
	if atts != nil {
		out["attachments"] = atts
	}
	if mentions != nil {
		out["mentions"] = mentions
	}
	return out
}

// messagesTop reads $top: at most 50; the server's page size bounds it.
func (s *Server) messagesTop(c *call) (int, any) {
	top := min(s.opts.PageSize, MaxMessagesTop)
	if v := c.r.URL.Query().Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxMessagesTop {
			return 0, invalidRequest("Invalid page size requested. The page size must be between 1 and 50.")
		}
		top = min(n, top)
	}
	return top, nil
}

// listMessages answers the channel's root messages (deleted ones with
// deletedDateTime), paged by $skiptoken.
func (s *Server) listMessages(c *call) (int, any) {
	ch, e := s.channel(c, messageRoles)
	if e != nil {
		return 0, e
	}
	if _, e := s.messagesTop(c); e != nil {
		return 0, e
	}
	pg, next, err := page(s, c, ch.Messages)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	out := make([]any, 0, len(pg))
	for _, m := range pg {
		out = append(out, s.data.messageJSON(ch, m))
	}
	return http.StatusOK, listing(out, next)
}

// messageState is what a delta next link or delta link stands for.
type messageState struct {
	next  bool
	since int64 // changes after this number
	upto  int64 // the change number the round began at
	key   int   // posting order of the last message answered
	after int64 // lastModifiedDateTime filter, Unix seconds (0: none)
	top   int
}

func (st messageState) encode() string {
	if !st.next {
		return "d" + itoa(st.upto)
	}
	return fmt.Sprintf("n%d.%d.%d.%d.%d", st.since, st.upto, st.key, st.after, st.top)
}

func decodeMessageState(tok string) (messageState, bool) {
	if v, ok := strings.CutPrefix(tok, "d"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		return messageState{upto: n}, err == nil && n >= 0
	}
	v, ok := strings.CutPrefix(tok, "n")
	parts := strings.Split(v, ".")
	if !ok || len(parts) != 5 {
		return messageState{}, false
	}
	var n [5]int64
	for i, p := range parts {
		x, err := strconv.ParseInt(p, 10, 64)
		if err != nil || x < 0 {
			return messageState{}, false
		}
		n[i] = x
	}
	return messageState{next: true, since: n[0], upto: n[1], key: int(n[2]), after: n[3], top: int(n[4])}, n[4] > 0
}

// messageDelta answers .../messages/delta: without a token every live
// root message (replies never; $filter=lastModifiedDateTime gt T narrows
// the first round), with a delta link's token the root messages changed
// since (deleted ones with deletedDateTime), in posting order, $top at a
// time through @odata.nextLink, the last page with @odata.deltaLink. A
// token older than the channel's floor is answered 410, and a channel
// that cannot be tracked 400.
func (s *Server) messageDelta(c *call) (int, any) {
	ch, e := s.channel(c, messageRoles)
	if e != nil {
		return 0, e
	}
	if ch.NoDelta {
		return 0, Code{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Delta query is not supported for this channel."}
	}
	top, e := s.messagesTop(c)
	if e != nil {
		return 0, e
	}
	q := c.r.URL.Query()
	st := messageState{next: true, upto: s.data.seq, key: -1, top: top}
	if f := q.Get("$filter"); f != "" {
		v, ok := strings.CutPrefix(f, "lastModifiedDateTime gt ")
		t, err := time.Parse(time.RFC3339, v)
		if !ok || err != nil {
			return 0, invalidRequest("Only lastModifiedDateTime gt is supported as a filter.")
		}
		st.after = t.Unix()
	}
	if tok := cmp.Or(q.Get("$skiptoken"), q.Get("$deltatoken")); tok != "" {
		got, ok := decodeMessageState(tok)
		if !ok {
			return 0, invalidRequest("The token is invalid.")
		}
		if !got.next && got.upto < ch.floor || got.next && got.since > 0 && got.since < ch.floor {
			return 0, Code{Status: http.StatusGone, Code: "SyncStateNotFound", Message: "The sync state is no longer valid. Start a full sync."}
		}
		if got.next {
			st = got
		} else {
			st = messageState{next: true, since: got.upto, upto: s.data.seq, key: -1, top: top}
		}
	}
	link := func(param string, st messageState) string {
		return c.base + GraphPrefix + "/teams/" + ch.TeamID + "/channels/" + url.PathEscape(ch.ID) + "/messages/delta?" + param + "=" + st.encode()
	}
	var out []any
	for _, m := range ch.Messages[st.key+1:] {
		switch {
		case m.seq <= st.since:
			continue
		case st.since == 0 && !m.Deleted.IsZero():
			continue
		case st.after > 0 && m.Modified.Unix() <= st.after:
			continue
		}
		if len(out) == st.top {
			return http.StatusOK, map[string]any{"value": out, "@odata.nextLink": link("$skiptoken", st)}
		}
		out = append(out, s.data.messageJSON(ch, m))
		st.key = m.key
	}
	if out == nil {
		out = []any{}
	}
	return http.StatusOK, map[string]any{"value": out, "@odata.deltaLink": link("$deltatoken", messageState{upto: st.upto})}
}

// message returns the root message a call names, or the error answer.
func (s *Server) message(c *call) (*Channel, *Message, any) {
	ch, e := s.channel(c, messageRoles)
	if e != nil {
		return nil, nil, e
	}
	m := ch.Message(c.r.PathValue("message"))
	if m == nil {
		return nil, nil, Code{Status: http.StatusNotFound, Code: "NotFound", Message: "Message " + c.r.PathValue("message") + " not found."}
	}
	return ch, m, nil
}

func (s *Server) getMessage(c *call) (int, any) {
	ch, m, e := s.message(c)
	if e != nil {
		return 0, e
	}
	return http.StatusOK, s.data.messageJSON(ch, m)
}

// listReplies answers a root message's replies, newest first as Graph
// lists them, deleted ones with deletedDateTime.
func (s *Server) listReplies(c *call) (int, any) {
	ch, m, e := s.message(c)
	if e != nil {
		return 0, e
	}
	if m.Broken {
		return 0, Code{Status: http.StatusNotFound, Code: "NotFound", Message: "The replies of message " + m.ID + " could not be found."}
	}
	if _, e := s.messagesTop(c); e != nil {
		return 0, e
	}
	replies := slices.Clone(m.Replies)
	slices.Reverse(replies)
	pg, next, err := page(s, c, replies)
	if err != nil {
		return 0, invalidRequest(err.Error())
	}
	out := make([]any, 0, len(pg))
	for _, r := range pg {
		out = append(out, s.data.messageJSON(ch, r))
	}
	return http.StatusOK, listing(out, next)
}

func (s *Server) getReply(c *call) (int, any) {
	ch, m, e := s.message(c)
	if e != nil {
		return 0, e
	}
	r := m.reply(c.r.PathValue("reply"))
	if r == nil {
		return 0, Code{Status: http.StatusNotFound, Code: "NotFound", Message: "Reply " + c.r.PathValue("reply") + " not found."}
	}
	return http.StatusOK, s.data.messageJSON(ch, r)
}
