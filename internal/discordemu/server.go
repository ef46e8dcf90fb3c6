package discordemu

import (
	"cmp"
	"crypto/subtle"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tune a Server. Every field may be left zero.
type Options struct {
	// RouteLimit is the requests one bucket (a route and its top-level
	// resource, a channel or a guild) allows per RouteWindow; 10 by
	// default.
	RouteLimit int
	// RouteWindow is how long a bucket lasts from its first request; one
	// second by default.
	RouteWindow time.Duration
	// GlobalPerSecond is the requests one bot token may send per second
	// over all routes; 50 by default, as Discord's global limit.
	GlobalPerSecond int
	// Latency delays every answer.
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Server serves Data over Discord's API under /api/v10. It is safe for
// concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu        sync.Mutex
	data      *Data
	tokens    map[string]bool
	buckets   map[string]*bucket // token, bucket hash and top-level resource
	global    map[string]*bucket // token
	throttles []*throttle
	throttled map[string]int // 429s served, by scope
}

type bucket struct {
	used    int
	resetAt time.Time
}

// throttle is a scheduled 429.
type throttle struct {
	target string
	left   int // ThrottleNext: requests still to refuse
	every  int // ThrottleEvery: refuse each k-th
	seen   int
	after  time.Duration
	scope  string
}

// The scopes of a 429, as X-RateLimit-Scope names them.
const (
	ScopeUser   = "user"
	ScopeGlobal = "global"
	ScopeShared = "shared"
)

// Prefix is the path of the API's root.
const Prefix = "/api/v10"

// New returns a server for data. Add tokens with AddToken.
func New(data *Data, opts Options) *Server {
	opts.RouteLimit = cmp.Or(opts.RouteLimit, 10)
	opts.RouteWindow = cmp.Or(opts.RouteWindow, time.Second)
	opts.GlobalPerSecond = cmp.Or(opts.GlobalPerSecond, 50)
	s := &Server{opts: opts, data: data, tokens: map[string]bool{}, buckets: map[string]*bucket{},
		global: map[string]*bucket{}, throttled: map[string]int{}}
	s.Server = emulator.New(emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			emulator.WriteJSON(w, http.StatusUnauthorized, apiError{"401: Unauthorized", 0})
		},
	})
	s.route("GET /users/@me", s.me)
	s.route("GET /users/@me/guilds", s.guilds)
	s.route("GET /applications/@me", s.application)
	s.route("GET /guilds/{guild}", s.guild)
	s.route("GET /guilds/{guild}/roles", s.roles)
	s.route("GET /guilds/{guild}/channels", s.channels)
	s.route("GET /guilds/{guild}/members", s.members)
	s.route("GET /guilds/{guild}/threads/active", s.activeThreads)
	s.route("GET /channels/{channel}", s.channel)
	s.route("GET /channels/{channel}/messages", s.messages)
	s.route("GET /channels/{channel}/threads/archived/public", s.archivedThreads)
	return s
}

// AddToken accepts a bot token.
func (s *Server) AddToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = true
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// ThrottleNext answers the next n requests matching target (a route
// pattern such as "GET /api/v10/channels/{channel}/messages", a path, or
// "*") with a 429 of scope (ScopeUser, ScopeGlobal or ScopeShared) whose
// body says to retry after the given time, in decimal seconds, as Discord
// does.
func (s *Server) ThrottleNext(target string, n int, after time.Duration, scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttles = append(s.throttles, &throttle{target: target, left: n, after: after, scope: scope})
}

// ThrottleEvery answers every k-th request matching target with a 429 of
// scope, as ThrottleNext does, until ClearThrottles.
func (s *Server) ThrottleEvery(target string, k int, after time.Duration, scope string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttles = append(s.throttles, &throttle{target: target, every: max(k, 1), after: after, scope: scope})
}

// ClearThrottles removes every scheduled 429.
func (s *Server) ClearThrottles() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttles = nil
}

// Throttled counts the 429s served, by scope: "user" and "global" for
// those of the buckets and the global limit, "scheduled user" (or global,
// shared) for those of ThrottleNext and ThrottleEvery.
func (s *Server) Throttled() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.throttled {
		out[k] = v
	}
	return out
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	v := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(v, "Bot ")
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
			return t, true
		}
	}
	return "", false
}

// apiError is Discord's error body.
type apiError struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
}

// Discord's error codes the emulator answers with.
var (
	errUnknownGuild   = apiError{"Unknown Guild", 10004}
	errUnknownChannel = apiError{"Unknown Channel", 10003}
	errMissingAccess  = apiError{"Missing Access", 50001}
)

type answer struct {
	status int
	body   any
}

func ok(v any) answer { return answer{http.StatusOK, v} }

func fail(status int, e apiError) answer { return answer{status, e} }

func invalid(field, msg string) answer {
	return answer{http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035,
		"errors": map[string]any{field: map[string]any{"_errors": []map[string]string{{"code": "NUMBER_TYPE_MAX", "message": msg}}}}}}
}

type handler func(r *http.Request) answer

// route registers h under the API prefix, behind the throttles and rate
// limits, with the data locked.
func (s *Server) route(pattern string, h handler) {
	method, path, _ := strings.Cut(pattern, " ")
	full := method + " " + Prefix + path
	hash := bucketHash(full)
	s.Handle(full, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		tok := emulator.Principal(r)
		if !s.admit(w, r, tok, hash) {
			return
		}
		a := h(r)
		emulator.WriteJSON(w, a.status, a.body)
	})
}

// bucketHash is the X-RateLimit-Bucket of a route, which does not depend
// on its top-level resource.
func bucketHash(pattern string) string {
	f := fnv.New64a()
	f.Write([]byte(pattern))
	return strconv.FormatUint(f.Sum64(), 16)
}

// major is the top-level resource of a request: its channel or guild.
func major(r *http.Request) string {
	if c := r.PathValue("channel"); c != "" {
		return "c" + c
	}
	return "g" + r.PathValue("guild")
}

// admit applies a scheduled throttle, the global limit and the route's
// bucket, and writes the bucket's headers. The lock is held.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, tok, hash string) bool {
	now := s.Now()
	for i, t := range s.throttles {
		if t.target != "*" && t.target != r.Pattern && t.target != r.URL.Path {
			continue
		}
		if t.every > 0 {
			if t.seen++; t.seen%t.every != 0 {
				continue
			}
		} else if t.left--; t.left <= 0 {
			s.throttles = slices.Delete(s.throttles, i, i+1)
		}
		s.throttled["scheduled "+t.scope]++
		s.refuse(w, t.after, t.scope, hash, s.opts.RouteLimit)
		return false
	}
	g := s.global[tok]
	if g == nil || !now.Before(g.resetAt) {
		g = &bucket{resetAt: now.Truncate(time.Second).Add(time.Second)}
		s.global[tok] = g
	}
	if g.used >= s.opts.GlobalPerSecond {
		s.throttled[ScopeGlobal]++
		s.refuse(w, g.resetAt.Sub(now), ScopeGlobal, "", 0)
		return false
	}
	key := tok + " " + hash + " " + major(r)
	b := s.buckets[key]
	if b == nil || !now.Before(b.resetAt) {
		b = &bucket{resetAt: now.Add(s.opts.RouteWindow)}
		s.buckets[key] = b
	}
	if b.used >= s.opts.RouteLimit {
		s.throttled[ScopeUser]++
		s.refuse(w, b.resetAt.Sub(now), ScopeUser, hash, s.opts.RouteLimit)
		return false
	}
	g.used++
	b.used++
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.RouteLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(s.opts.RouteLimit-b.used))
	h.Set("X-RateLimit-Reset", decimal(float64(b.resetAt.UnixMilli())/1000))
	h.Set("X-RateLimit-Reset-After", decimal(b.resetAt.Sub(now).Seconds()))
	h.Set("X-RateLimit-Bucket", hash)
	return true
}

// decimal formats seconds with milliseconds, as Discord does.
func decimal(secs float64) string { return strconv.FormatFloat(secs, 'f', 3, 64) }

// refuse writes a 429 of scope. Retry-After is whole seconds, rounded up;
// the body's retry_after has the milliseconds.
func (s *Server) refuse(w http.ResponseWriter, after time.Duration, scope, hash string, limit int) {
	after = max(after, time.Millisecond)
	h := w.Header()
	h.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(after.Seconds())), 10))
	h.Set("X-RateLimit-Scope", scope)
	global := scope == ScopeGlobal
	if global {
		h.Set("X-RateLimit-Global", "true")
	} else {
		h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset-After", decimal(after.Seconds()))
		h.Set("X-RateLimit-Reset", decimal(float64(s.Now().Add(after).UnixMilli())/1000))
		h.Set("X-RateLimit-Bucket", hash)
	}
	emulator.WriteJSON(w, http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": math.Round(after.Seconds()*1000) / 1000, "global": global})
}

// snowflake reads a path value or parameter that must be a snowflake.
func snowflake(v string) (uint64, bool) {
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// limitParam reads limit within [1, most], def when absent.
func limitParam(r *http.Request, def, most int) (int, bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 1 && n <= most
}

func (s *Server) findGuild(r *http.Request) (*Guild, answer, bool) {
	id, good := snowflake(r.PathValue("guild"))
	g := s.data.Guild(id)
	if !good || g == nil {
		return nil, fail(http.StatusNotFound, errUnknownGuild), false
	}
	return g, answer{}, true
}

func (s *Server) me(*http.Request) answer { return ok(userJSON(s.data.Bot)) }

func (s *Server) application(*http.Request) answer {
	return ok(map[string]any{"id": ID(s.data.AppID), "name": s.data.Bot.Username, "flags": s.data.AppFlags,
		"bot_public": false, "bot": userJSON(s.data.Bot)})
}

// guilds lists the bot's guilds in id order, paged by after and limit
// (at most 200).
func (s *Server) guilds(r *http.Request) answer {
	limit, good := limitParam(r, 200, 200)
	if !good {
		return invalid("limit", "int value should be less than or equal to 200.")
	}
	var after uint64
	if v := r.URL.Query().Get("after"); v != "" {
		if after, good = snowflake(v); !good {
			return invalid("after", "Value is not snowflake.")
		}
	}
	out := []any{}
	for _, g := range s.data.Guilds {
		if g.ID > after && len(out) < limit {
			out = append(out, map[string]any{"id": ID(g.ID), "name": g.Name, "icon": nil, "owner": false,
				"permissions": strconv.FormatUint(PermViewChannel|PermReadMessageHistory, 10), "features": []string{}})
		}
	}
	return ok(out)
}

func (s *Server) guild(r *http.Request) answer {
	g, a, found := s.findGuild(r)
	if !found {
		return a
	}
	return ok(map[string]any{"id": ID(g.ID), "name": g.Name, "owner_id": ID(g.OwnerID), "roles": rolesJSON(g)})
}

func (s *Server) roles(r *http.Request) answer {
	g, a, found := s.findGuild(r)
	if !found {
		return a
	}
	return ok(rolesJSON(g))
}

func (s *Server) channels(r *http.Request) answer {
	g, a, found := s.findGuild(r)
	if !found {
		return a
	}
	out := []any{}
	for _, c := range g.Channels {
		out = append(out, channelJSON(g, c))
	}
	return ok(out)
}

// members pages the guild's members in user id order by after and limit
// (1 by default, at most 1,000). It needs the Server Members intent.
func (s *Server) members(r *http.Request) answer {
	g, a, found := s.findGuild(r)
	if !found {
		return a
	}
	if s.data.AppFlags&(FlagGuildMembers|FlagGuildMembersLimited) == 0 {
		return fail(http.StatusForbidden, errMissingAccess)
	}
	limit, good := limitParam(r, 1, 1000)
	if !good {
		return invalid("limit", "int value should be less than or equal to 1000.")
	}
	var after uint64
	if v := r.URL.Query().Get("after"); v != "" {
		if after, good = snowflake(v); !good {
			return invalid("after", "Value is not snowflake.")
		}
	}
	out := []any{}
	for _, m := range g.Members {
		if m.User.ID > after && len(out) < limit {
			roles := []string{}
			for _, id := range m.Roles {
				roles = append(roles, ID(id))
			}
			out = append(out, map[string]any{"user": userJSON(m.User), "nick": nilIfEmpty(m.Nick), "roles": roles,
				"joined_at": m.JoinedAt.Format(time.RFC3339Nano), "deaf": false, "mute": false})
		}
	}
	return ok(out)
}

// activeThreads lists the guild's threads that are not archived, public
// and private, as the bot sees them.
func (s *Server) activeThreads(r *http.Request) answer {
	g, a, found := s.findGuild(r)
	if !found {
		return a
	}
	out := []any{}
	for _, th := range g.Threads {
		if !th.Archived {
			out = append(out, channelJSON(g, th))
		}
	}
	return ok(map[string]any{"threads": out, "members": []any{}})
}

// archivedThreads lists a channel's archived public threads, newest
// archive first, paged by before (an ISO 8601 timestamp) and limit.
func (s *Server) archivedThreads(r *http.Request) answer {
	g, ch, a := s.findChannel(r)
	if ch == nil {
		return a
	}
	if ch.Unreadable {
		return fail(http.StatusForbidden, errMissingAccess)
	}
	limit, good := limitParam(r, 50, 100)
	if !good {
		return invalid("limit", "int value should be less than or equal to 100.")
	}
	before := time.Time{}
	if v := r.URL.Query().Get("before"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return invalid("before", "Could not interpret \""+v+"\" as a date or snowflake.")
		}
		before = t
	}
	var list []*Channel
	for _, th := range g.Threads {
		if th.ParentID == ch.ID && th.Archived && th.Type != TypePrivateThread && (before.IsZero() || th.ArchivedAt.Before(before)) {
			list = append(list, th)
		}
	}
	slices.SortStableFunc(list, func(a, b *Channel) int { return b.ArchivedAt.Compare(a.ArchivedAt) })
	more := len(list) > limit
	list = list[:min(limit, len(list))]
	out := []any{}
	for _, th := range list {
		out = append(out, channelJSON(g, th))
	}
	return ok(map[string]any{"threads": out, "members": []any{}, "has_more": more})
}

func (s *Server) findChannel(r *http.Request) (*Guild, *Channel, answer) {
	id, good := snowflake(r.PathValue("channel"))
	if !good {
		return nil, nil, fail(http.StatusNotFound, errUnknownChannel)
	}
	g, ch := s.data.Find(id)
	if ch == nil {
		return nil, nil, fail(http.StatusNotFound, errUnknownChannel)
	}
	return g, ch, answer{}
}

func (s *Server) channel(r *http.Request) answer {
	g, ch, a := s.findChannel(r)
	if ch == nil {
		return a
	}
	if ch.Unreadable {
		return fail(http.StatusForbidden, errMissingAccess)
	}
	return ok(channelJSON(g, ch))
}

// messages answers as Discord does: at most limit (50 by default, 100 at
// most) messages, always newest first. With before, the newest before it;
// with after, the oldest after it (still listed newest first); with
// around, those around it; with none, the newest.
func (s *Server) messages(r *http.Request) answer {
	_, ch, a := s.findChannel(r)
	if ch == nil {
		return a
	}
	if ch.Unreadable {
		return fail(http.StatusForbidden, errMissingAccess)
	}
	if ch.Type == TypeCategory || ch.Type == TypeForum {
		return answer{http.StatusBadRequest, apiError{"Cannot execute action on this channel type", 50024}}
	}
	limit, good := limitParam(r, 50, 100)
	if !good {
		return invalid("limit", "int value should be less than or equal to 100.")
	}
	q := r.URL.Query()
	msgs := ch.Messages
	var page []*Message
	switch {
	case q.Get("after") != "":
		after, good := snowflake(q.Get("after"))
		if !good {
			return invalid("after", "Value \""+q.Get("after")+"\" is not snowflake.")
		}
		i, _ := slices.BinarySearchFunc(msgs, after+1, func(m *Message, id uint64) int { return cmp.Compare(m.ID, id) })
		page = slices.Clone(msgs[i:min(i+limit, len(msgs))])
	case q.Get("before") != "":
		before, good := snowflake(q.Get("before"))
		if !good {
			return invalid("before", "Value \""+q.Get("before")+"\" is not snowflake.")
		}
		i, _ := slices.BinarySearchFunc(msgs, before, func(m *Message, id uint64) int { return cmp.Compare(m.ID, id) })
		page = slices.Clone(msgs[max(0, i-limit):i])
	default:
		page = slices.Clone(msgs[max(0, len(msgs)-limit):])
	}
	slices.Reverse(page)
	content := s.data.AppFlags&(FlagMessageContent|FlagMessageContentLimited) != 0
	out := make([]any, 0, len(page))
	for _, m := range page {
		out = append(out, s.messageJSON(ch, m, content))
	}
	return ok(out)
}

func (s *Server) messageJSON(ch *Channel, m *Message, content bool) map[string]any {
	mentions := []any{}
	mentionsBot := false
	for _, u := range m.Mentions {
		mentions = append(mentions, userJSON(u))
		mentionsBot = mentionsBot || u.ID == s.data.Bot.ID
	}
	atts, embeds := []any{}, []any{}
	text := m.Content
	if content || mentionsBot || m.Author.ID == s.data.Bot.ID {
		for _, a := range m.Attachments {
			url := fmt.Sprintf("https://cdn.discordapp.com/attachments/%d/%d/%s", ch.ID, a.ID, a.Filename)
			atts = append(atts, map[string]any{"id": ID(a.ID), "filename": a.Filename, "size": a.Size,
				"url": url, "proxy_url": strings.Replace(url, "cdn.discordapp.com", "media.discordapp.net", 1), "content_type": a.ContentType})
		}
		for _, e := range m.Embeds {
			embeds = append(embeds, map[string]any{"type": "rich", "title": e.Title, "description": e.Description, "url": e.URL})
		}
	} else {
		text = "" // without the Message Content intent
	}
	var edited any
	if !m.Edited.IsZero() {
		edited = m.Edited.Format("2006-01-02T15:04:05.000000-07:00")
	}
	out := map[string]any{"id": ID(m.ID), "channel_id": ID(ch.ID), "author": userJSON(m.Author), "content": text,
		"timestamp": TimeOf(m.ID).Format("2006-01-02T15:04:05.000000-07:00"), "edited_timestamp": edited, "tts": false,
		"mention_everyone": false, "mentions": mentions, "mention_roles": []any{}, "attachments": atts, "embeds": embeds,
		"pinned": false, "type": 0}
	if m.Broken {
		delete(out, "id")
	}
	return out
}

func userJSON(u User) map[string]any {
	return map[string]any{"id": ID(u.ID), "username": u.Username, "global_name": nilIfEmpty(u.GlobalName),
		"discriminator": "0", "avatar": nil, "bot": u.Bot}
}

func rolesJSON(g *Guild) []any {
	out := []any{}
	for _, r := range g.Roles {
		out = append(out, map[string]any{"id": ID(r.ID), "name": r.Name, "permissions": strconv.FormatUint(r.Permissions, 10),
			"position": r.Position, "color": 0, "hoist": false, "managed": false, "mentionable": false})
	}
	return out
}

func channelJSON(g *Guild, c *Channel) map[string]any {
	ows := []any{}
	for _, o := range c.Overwrites {
		ows = append(ows, map[string]any{"id": ID(o.ID), "type": o.Type,
			"allow": strconv.FormatUint(o.Allow, 10), "deny": strconv.FormatUint(o.Deny, 10)})
	}
	out := map[string]any{"id": ID(c.ID), "type": c.Type, "guild_id": ID(g.ID), "name": c.Name, "position": c.Position,
		"permission_overwrites": ows, "nsfw": false, "parent_id": nil}
	if c.ParentID != 0 {
		out["parent_id"] = ID(c.ParentID)
	}
	if c.Type != TypeCategory && c.Type != TypeVoice {
		out["topic"] = nilIfEmpty(c.Topic)
		if last := c.LastMessageID(); last != 0 {
			out["last_message_id"] = ID(last)
		} else {
			out["last_message_id"] = nil
		}
	}
	if c.IsThread() {
		delete(out, "permission_overwrites")
		delete(out, "position")
		meta := map[string]any{"archived": c.Archived, "auto_archive_duration": 1440, "locked": false,
			"create_timestamp": TimeOf(c.ID).Format(time.RFC3339Nano)}
		if c.Archived {
			meta["archive_timestamp"] = c.ArchivedAt.Format(time.RFC3339Nano)
		} else {
			meta["archive_timestamp"] = TimeOf(c.ID).Format(time.RFC3339Nano)
		}
		out["thread_metadata"] = meta
		out["owner_id"] = ID(c.OwnerID)
		out["message_count"] = len(c.Messages)
		out["member_count"] = 2
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func sortMembers(ms []*Member) {
	slices.SortFunc(ms, func(a, b *Member) int { return cmp.Compare(a.User.ID, b.User.ID) })
}
