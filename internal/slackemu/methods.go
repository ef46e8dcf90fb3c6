package slackemu

import (
	"cmp"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) authTest(tok Token, _ map[string]string) obj {
	u := s.ws.users[tok.UserID]
	name := tok.UserID
	if u != nil {
		name = u.Name
	}
	return obj{"ok": true, "url": s.ws.URL(), "team": s.ws.Team, "user": name,
		"team_id": s.ws.TeamID, "user_id": tok.UserID, "bot_id": "B" + strings.TrimPrefix(tok.UserID, "U")}
}

// pageParams reads limit (default def, at most maxLimit) and cursor, where
// the cursor encodes an offset; errCode names an invalid one.
func pageParams(p map[string]string, def, maxLimit int) (limit, offset int, errCode string) {
	limit = def
	if v := p["limit"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, "invalid_limit"
		}
		if n > 0 {
			limit = min(n, maxLimit)
		}
	}
	if c := p["cursor"]; c != "" {
		b, err := base64.StdEncoding.DecodeString(c)
		if err != nil {
			return 0, 0, "invalid_cursor"
		}
		v, ok := strings.CutPrefix(string(b), "offset:")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 {
			return 0, 0, "invalid_cursor"
		}
		offset = n
	}
	return limit, offset, ""
}

func offsetCursor(n int) string {
	return base64.StdEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(n)))
}

func withCursor(body obj, next string) obj {
	body["response_metadata"] = obj{"next_cursor": next}
	return body
}

func (s *Server) conversationsList(tok Token, p map[string]string) obj {
	types := strings.Split(p["types"], ",")
	if p["types"] == "" {
		types = []string{"public_channel"}
	}
	wantPublic, wantPrivate := slices.Contains(types, "public_channel"), slices.Contains(types, "private_channel")
	for _, t := range types {
		if !slices.Contains([]string{"public_channel", "private_channel", "mpim", "im"}, t) {
			return errorBody("invalid_types")
		}
	}
	if wantPublic && !has(tok, "channels:read") {
		return missingScope("channels:read", tok)
	}
	if wantPrivate && !has(tok, "groups:read") {
		return missingScope("groups:read", tok)
	}
	limit, offset, code := pageParams(p, 100, 1000)
	if code != "" {
		return errorBody(code)
	}
	excludeArchived := p["exclude_archived"] == "true" || p["exclude_archived"] == "1"
	var all []obj
	for _, c := range s.ws.channels {
		member := slices.Contains(c.Members, tok.UserID)
		switch {
		case c.Private && (!wantPrivate || !member), !c.Private && !wantPublic, c.Archived && excludeArchived:
			continue
		}
		all = append(all, channelObj(c, tok))
	}
	end := min(offset+limit, len(all))
	page := []obj{}
	if offset < len(all) {
		page = all[offset:end]
	}
	next := ""
	if end < len(all) {
		next = offsetCursor(end)
	}
	return withCursor(obj{"ok": true, "channels": page}, next)
}

func channelObj(c *channelData, tok Token) obj {
	return obj{"id": c.ID, "name": c.Name, "is_channel": !c.Private, "is_group": c.Private,
		"is_private": c.Private, "is_archived": c.Archived, "is_member": slices.Contains(c.Members, tok.UserID),
		"created": c.Created.Unix(), "num_members": len(c.Members)}
}

// readable finds a channel the token may read, or returns the error body.
func (s *Server) readable(tok Token, id, kind string) (*channelData, obj) {
	c := s.ws.channel(id)
	if c == nil || (c.Private && !slices.Contains(c.Members, tok.UserID)) {
		return nil, errorBody("channel_not_found")
	}
	scope := "channels:" + kind
	if c.Private {
		scope = "groups:" + kind
	}
	if !has(tok, scope) {
		return nil, missingScope(scope, tok)
	}
	if kind == "history" && !slices.Contains(c.Members, tok.UserID) {
		return nil, errorBody("not_in_channel")
	}
	return c, nil
}

func (s *Server) conversationsInfo(tok Token, p map[string]string) obj {
	c, fail := s.readable(tok, p["channel"], "read")
	if fail != nil {
		return fail
	}
	return obj{"ok": true, "channel": channelObj(c, tok)}
}

func (s *Server) conversationsMembers(tok Token, p map[string]string) obj {
	c, fail := s.readable(tok, p["channel"], "read")
	if fail != nil {
		return fail
	}
	limit, offset, code := pageParams(p, 100, 1000)
	if code != "" {
		return errorBody(code)
	}
	end := min(offset+limit, len(c.Members))
	page := []string{}
	if offset < len(c.Members) {
		page = c.Members[offset:end]
	}
	next := ""
	if end < len(c.Members) {
		next = offsetCursor(end)
	}
	return withCursor(obj{"ok": true, "members": page}, next)
}

// bounds reads oldest, latest and inclusive as a range of microseconds.
type bounds struct {
	oldest, latest int64
	inclusive      bool
	hasLatest      bool
}

func readBounds(p map[string]string) (bounds, string) {
	b := bounds{inclusive: p["inclusive"] == "true" || p["inclusive"] == "1"}
	if v := p["oldest"]; v != "" {
		t, ok := ParseTS(v)
		if !ok {
			return b, "invalid_ts_oldest"
		}
		b.oldest = t
	}
	if v := p["latest"]; v != "" {
		t, ok := ParseTS(v)
		if !ok {
			return b, "invalid_ts_latest"
		}
		b.latest, b.hasLatest = t, true
	}
	return b, ""
}

// admits reports whether ts lies in the range. Both ends are exclusive
// unless inclusive; a zero oldest means the beginning, no latest means now.
func (b bounds) admits(ts string) bool {
	t, _ := ParseTS(ts)
	if b.oldest > 0 && (t < b.oldest || (t == b.oldest && !b.inclusive)) {
		return false
	}
	if b.hasLatest && (t > b.latest || (t == b.latest && !b.inclusive)) {
		return false
	}
	return true
}

// pageLimit reads the limit of history and replies: at most 999, or the
// server's cap.
func (s *Server) pageLimit(p map[string]string, def int) (int, string) {
	maxLimit := 999
	if s.maxPage > 0 {
		maxLimit, def = s.maxPage, min(def, s.maxPage)
	}
	limit, _, code := pageParams(map[string]string{"limit": p["limit"]}, def, maxLimit)
	return limit, code
}

// conversationsHistory returns top-level messages newest first. The cursor
// encodes the ts of the next (older) message to return.
func (s *Server) conversationsHistory(tok Token, p map[string]string) obj {
	c, fail := s.readable(tok, p["channel"], "history")
	if fail != nil {
		return fail
	}
	b, code := readBounds(p)
	if code != "" {
		return errorBody(code)
	}
	limit, code := s.pageLimit(p, 100)
	if code != "" {
		return errorBody(code)
	}
	i := len(c.msgs) - 1 // the newest message
	if cur := p["cursor"]; cur != "" {
		ts, ok := tsCursor(cur)
		if !ok {
			return errorBody("invalid_cursor")
		}
		i = lastAtOrBefore(c.msgs, ts)
	} else if b.hasLatest {
		i = lastAtOrBefore(c.msgs, p["latest"])
	}
	msgs := []obj{}
	for ; i >= 0 && len(msgs) < limit; i-- {
		if !b.admits(c.msgs[i].TS) {
			if b.below(c.msgs[i].TS) {
				i = -1
				break
			}
			continue
		}
		msgs = append(msgs, s.messageObj(c, c.msgs[i], true))
	}
	more := i >= 0 && b.admits(c.msgs[i].TS)
	next := ""
	if more && !s.noHistoryCursor {
		next = base64.StdEncoding.EncodeToString([]byte("next_ts:" + c.msgs[i].TS))
	}
	return withCursor(obj{"ok": true, "messages": msgs, "has_more": more, "pin_count": 0}, next)
}

// lastAtOrBefore returns the index of the newest message with a ts at or
// before ts, or -1.
func lastAtOrBefore(msgs []Message, ts string) int {
	i, found := slices.BinarySearchFunc(msgs, ts, cmpTS)
	if found {
		return i
	}
	return i - 1
}

// below reports whether ts is older than the range, so that every older
// message is out of range too.
func (b bounds) below(ts string) bool {
	t, _ := ParseTS(ts)
	return b.oldest > 0 && (t < b.oldest || (t == b.oldest && !b.inclusive))
}

func tsCursor(cur string) (string, bool) {
	raw, err := base64.StdEncoding.DecodeString(cur)
	if err != nil {
		return "", false
	}
	ts, ok := strings.CutPrefix(string(raw), "next_ts:")
	if _, valid := ParseTS(ts); !ok || !valid {
		return "", false
	}
	return ts, true
}

// conversationsReplies returns the parent and its replies, oldest first.
func (s *Server) conversationsReplies(tok Token, p map[string]string) obj {
	c, fail := s.readable(tok, p["channel"], "history")
	if fail != nil {
		return fail
	}
	ts := p["ts"]
	i, found := slices.BinarySearchFunc(c.msgs, ts, cmpTS)
	if ts == "" || !found {
		return errorBody("thread_not_found")
	}
	b, code := readBounds(p)
	if code != "" {
		return errorBody(code)
	}
	limit, code := s.pageLimit(p, 1000)
	if code != "" {
		return errorBody(code)
	}
	_, offset, code := pageParams(map[string]string{"cursor": p["cursor"]}, 1, 1)
	if code != "" {
		return errorBody(code)
	}
	thread := append([]Message{c.msgs[i]}, c.replies[ts]...)
	var all []Message
	for _, m := range thread {
		if b.admits(m.TS) {
			all = append(all, m)
		}
	}
	end := min(offset+limit, len(all))
	msgs := []obj{}
	for _, m := range all[min(offset, len(all)):end] {
		msgs = append(msgs, s.messageObj(c, m, m.TS == ts))
	}
	next := ""
	if end < len(all) {
		next = offsetCursor(end)
	}
	return withCursor(obj{"ok": true, "messages": msgs, "has_more": next != ""}, next)
}

// messageObj encodes a message the way history and replies return it. A
// top-level message with replies carries the thread fields.
func (s *Server) messageObj(c *channelData, m Message, topLevel bool) obj {
	o := obj{"type": "message", "ts": m.TS, "text": m.Text}
	if m.User != "" {
		o["user"] = m.User
		// Slack embeds the author's profile in user messages.
		if u := cmp.Or(m.Profile, s.ws.users[m.User]); u != nil && m.BotID == "" {
			o["user_profile"] = obj{"display_name": u.DisplayName, "real_name": u.RealName, "name": u.Name}
		}
	}
	if m.Subtype != "" {
		o["subtype"] = m.Subtype
	}
	if m.BotID != "" {
		o["bot_id"] = m.BotID
		o["username"] = m.Username
		o["bot_profile"] = obj{"id": m.BotID, "name": m.Username}
	}
	if m.Edited != nil {
		o["edited"] = obj{"user": m.Edited.User, "ts": m.Edited.TS}
	}
	if len(m.Attachments) > 0 {
		var as []obj
		for _, a := range m.Attachments {
			as = append(as, obj{"pretext": a.Pretext, "title": a.Title, "text": a.Text, "fallback": a.Fallback})
		}
		o["attachments"] = as
	}
	if !topLevel {
		o["thread_ts"] = m.ThreadTS
		if parent := s.ws.find(c.ID, m.ThreadTS); parent != nil && parent.User != "" {
			o["parent_user_id"] = parent.User
		}
		return o
	}
	replies := c.replies[m.TS]
	if len(replies) == 0 {
		return o
	}
	var users []string
	for _, r := range replies {
		if r.User != "" && !slices.Contains(users, r.User) {
			users = append(users, r.User)
		}
	}
	o["thread_ts"] = m.TS
	o["reply_count"] = len(replies)
	o["reply_users_count"] = len(users)
	o["reply_users"] = users
	o["latest_reply"] = replies[len(replies)-1].TS
	return o
}

func (s *Server) usersInfo(tok Token, p map[string]string) obj {
	if !has(tok, "users:read") {
		return missingScope("users:read", tok)
	}
	u := s.ws.users[p["user"]]
	if u == nil {
		return errorBody("user_not_found")
	}
	return obj{"ok": true, "user": userObj(u, has(tok, "users:read.email"))}
}

func (s *Server) usersList(tok Token, p map[string]string) obj {
	if !has(tok, "users:read") {
		return missingScope("users:read", tok)
	}
	limit, offset, code := pageParams(p, 100, 1000)
	if code != "" {
		return errorBody(code)
	}
	end := min(offset+limit, len(s.ws.userIDs))
	members := []obj{}
	for _, id := range s.ws.userIDs[min(offset, len(s.ws.userIDs)):end] {
		members = append(members, userObj(s.ws.users[id], has(tok, "users:read.email")))
	}
	next := ""
	if end < len(s.ws.userIDs) {
		next = offsetCursor(end)
	}
	return withCursor(obj{"ok": true, "members": members}, next)
}

func userObj(u *User, email bool) obj {
	profile := obj{"real_name": u.RealName, "display_name": u.DisplayName,
		"first_name": u.FirstName, "last_name": u.LastName}
	if email && u.Email != "" {
		profile["email"] = u.Email
	}
	return obj{"id": u.ID, "name": u.Name, "real_name": u.RealName, "deleted": u.Deleted,
		"is_bot": u.IsBot, "profile": profile}
}

func (s *Server) chatGetPermalink(tok Token, p map[string]string) obj {
	c := s.ws.channel(p["channel"])
	if c == nil || (c.Private && !slices.Contains(c.Members, tok.UserID)) {
		return errorBody("channel_not_found")
	}
	m := s.ws.find(c.ID, p["message_ts"])
	if m == nil {
		return errorBody("message_not_found")
	}
	return obj{"ok": true, "channel": c.ID, "permalink": s.ws.Permalink(c.ID, m.TS, m.ThreadTS)}
}
