package zulipemu

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tune a Server.
type Options struct {
	// RequestsPerMinute, when positive, limits every route per user,
	// answering 429 with Retry-After, X-RateLimit-* headers and a
	// RATE_LIMIT_HIT body, as Zulip does.
	RequestsPerMinute int
	// MaxMessages bounds num_before+num_after of one request; zero means
	// Zulip's 5000.
	MaxMessages int
	// Latency delays every answer.
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
	// HideEmails is the organization's email_address_visibility set to
	// administrators only: users appear with a fake email, and with
	// their real delivery_email to administrators alone.
	HideEmails bool
}

// The faults Zulip answers with, for FailNext and FailEvery.
var (
	// RateLimited is Zulip's 429 with Retry-After.
	RateLimited = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: 3 * time.Second}
	// BadGateway is the proxy in front of Zulip giving up.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
)

// Server serves Data over the Zulip REST API (/api/v1). It is safe for
// concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options
	mu   sync.Mutex
	data *Data
	// byStream and byTopic index the messages, in id order; New and
	// Update build them.
	byStream map[int64][]*Message
	byTopic  map[topicKey][]*Message
}

type topicKey struct {
	stream int64
	topic  string
}

// index builds the message indexes when they are missing.
func (s *Server) index() {
	if s.byStream != nil {
		return
	}
	s.byStream, s.byTopic = map[int64][]*Message{}, map[topicKey][]*Message{}
	for _, m := range s.data.Messages {
		s.byStream[m.StreamID] = append(s.byStream[m.StreamID], m)
		k := topicKey{m.StreamID, strings.ToLower(m.Subject)}
		s.byTopic[k] = append(s.byTopic[k], m)
	}
}

// New returns a server for data; every user authenticates with its
// e-mail and API key.
func New(data *Data, opts Options) *Server {
	s := &Server{opts: opts, data: data}
	eo := emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			emulator.WriteJSON(w, http.StatusUnauthorized, map[string]string{"result": "error", "msg": "Invalid API key", "code": "UNAUTHORIZED"})
		},
	}
	if opts.RequestsPerMinute > 0 {
		eo.RateLimit = &emulator.RateLimit{Limit: opts.RequestsPerMinute, Window: time.Minute, Headers: emulator.HeadersGitHub,
			Body: `{"result":"error","msg":"API usage exceeded rate limit","code":"RATE_LIMIT_HIT","retry-after":60}`}
	}
	s.Server = emulator.New(eo)
	s.index()
	s.Handle("GET /api/v1/users/me", s.serve(s.me))
	s.Handle("GET /api/v1/users", s.serve(s.users))
	s.Handle("GET /api/v1/streams", s.serve(s.streams))
	s.Handle("GET /api/v1/streams/{id}/members", s.serve(s.members))
	s.Handle("GET /api/v1/users/me/{id}/topics", s.serve(s.topics))
	s.Handle("GET /api/v1/messages", s.serve(s.messages))
	s.Handle("GET /api/v1/user_groups", s.serve(s.groups))
	return s
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
	s.byStream, s.byTopic = nil, nil
	s.index()
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	email, key, ok := r.BasicAuth()
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.data.Users {
		// With hidden addresses, the API e-mail is the fake one; the
		// emulator takes either.
		if (u.Email == email || s.opts.HideEmails && fakeEmail(u) == email) && u.APIKey == key && key != "" {
			return strconv.FormatInt(u.ID, 10), true
		}
	}
	return "", false
}

type handler func(r *http.Request, u *User) (int, any)

func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		id, _ := strconv.ParseInt(emulator.Principal(r), 10, 64)
		status, v := h(r, s.data.User(id))
		s.mu.Unlock()
		emulator.WriteJSON(w, status, v)
	}
}

func ok(fields map[string]any) (int, any) {
	fields["result"] = "success"
	fields["msg"] = ""
	return http.StatusOK, fields
}

func apiError(status int, code, msg string) (int, any) {
	return status, map[string]string{"result": "error", "code": code, "msg": msg}
}

// userJSON is u as viewer sees it.
func (s *Server) userJSON(u, viewer *User) map[string]any {
	v := map[string]any{"user_id": u.ID, "email": u.Email, "full_name": u.FullName, "role": u.Role, "is_active": true,
		"is_admin": u.Role <= 200, "is_bot": false}
	switch {
	case !s.opts.HideEmails:
		v["delivery_email"] = u.Email
	case viewer.Role <= 200 || viewer.ID == u.ID:
		v["email"], v["delivery_email"] = fakeEmail(u), u.Email
	default:
		v["email"], v["delivery_email"] = fakeEmail(u), nil
	}
	return v
}

func fakeEmail(u *User) string { return "user" + strconv.FormatInt(u.ID, 10) + "@zulip.invalid" }

func (s *Server) me(_ *http.Request, u *User) (int, any) { return ok(s.userJSON(u, u)) }

func (s *Server) users(_ *http.Request, viewer *User) (int, any) {
	out := make([]any, 0, len(s.data.Users))
	for _, u := range s.data.Users {
		out = append(out, s.userJSON(u, viewer))
	}
	return ok(map[string]any{"members": out})
}

// visible reports whether the user may read the stream: public streams
// to every member but guests, private ones to their subscribers.
func visible(st *Stream, u *User) bool {
	if !st.InviteOnly && u.Role < 600 {
		return true
	}
	return slices.Contains(st.Subscribers, u.ID)
}

func streamJSON(st *Stream) map[string]any {
	return map[string]any{"stream_id": st.ID, "name": st.Name, "description": st.Description, "invite_only": st.InviteOnly,
		"is_web_public": st.WebPublic, "date_created": st.Created.Unix()}
}

func (s *Server) streams(r *http.Request, u *User) (int, any) {
	out := []any{}
	for _, st := range s.data.Streams {
		if visible(st, u) {
			out = append(out, streamJSON(st))
		}
	}
	return ok(map[string]any{"streams": out})
}

func (s *Server) stream(r *http.Request, u *User) (*Stream, int, any) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	st := s.data.Stream(id)
	if err != nil || st == nil || !visible(st, u) {
		status, v := apiError(http.StatusBadRequest, "BAD_REQUEST", "Invalid channel ID")
		return nil, status, v
	}
	return st, 0, nil
}

func (s *Server) members(r *http.Request, u *User) (int, any) {
	st, status, v := s.stream(r, u)
	if st == nil {
		return status, v
	}
	return ok(map[string]any{"subscribers": st.Subscribers})
}

// topics lists a stream's topics, the most recently active first.
func (s *Server) topics(r *http.Request, u *User) (int, any) {
	st, status, v := s.stream(r, u)
	if st == nil {
		return status, v
	}
	s.index()
	maxID := map[string]int64{}
	var names []string
	for _, m := range s.byStream[st.ID] {
		if _, seen := maxID[m.Subject]; !seen {
			names = append(names, m.Subject)
		}
		maxID[m.Subject] = m.ID
	}
	slices.SortFunc(names, func(a, b string) int { return int(maxID[b] - maxID[a]) })
	out := make([]any, 0, len(names))
	for _, n := range names {
		out = append(out, map[string]any{"name": n, "max_id": maxID[n]})
	}
	return ok(map[string]any{"topics": out})
}

type narrowTerm struct {
	Operator string          `json:"operator"`
	Operand  json.RawMessage `json:"operand"`
	Negated  bool            `json:"negated"`
}

// filter turns a narrow into the messages it may match, in id order, and
// a predicate on them.
func (s *Server) filter(raw string, u *User) ([]*Message, func(*Message) bool, bool) {
	var terms []narrowTerm
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &terms); err != nil {
			return nil, nil, false
		}
	}
	var stream int64 = -1
	topic, hasTopic := "", false
	for _, t := range terms {
		switch t.Operator {
		case "stream", "channel":
			var id int64
			if json.Unmarshal(t.Operand, &id) != nil {
				var name string
				if json.Unmarshal(t.Operand, &name) != nil {
					return nil, nil, false
				}
				for _, st := range s.data.Streams {
					if st.Name == name {
						id = st.ID
					}
				}
			}
			stream = id
		case "topic", "subject":
			if json.Unmarshal(t.Operand, &topic) != nil {
				return nil, nil, false
			}
			hasTopic = true
		default:
			return nil, nil, false
		}
	}
	s.index()
	candidates := s.data.Messages
	switch {
	case stream >= 0 && hasTopic:
		candidates = s.byTopic[topicKey{stream, strings.ToLower(topic)}]
	case stream >= 0:
		candidates = s.byStream[stream]
	}
	return candidates, func(m *Message) bool {
		st := s.data.Stream(m.StreamID)
		return st != nil && visible(st, u) && (stream < 0 || m.StreamID == stream) &&
			(!hasTopic || strings.EqualFold(m.Subject, topic))
	}, true
}

// messages answers GET /messages: num_before messages before the anchor,
// the anchor itself (unless include_anchor=false), num_after after it,
// oldest first.
func (s *Server) messages(r *http.Request, u *User) (int, any) {
	q := r.URL.Query()
	before, err1 := strconv.Atoi(q.Get("num_before"))
	after, err2 := strconv.Atoi(q.Get("num_after"))
	limit := s.opts.MaxMessages
	if limit == 0 {
		limit = 5000
	}
	if err1 != nil || err2 != nil || before < 0 || after < 0 || before+after > limit {
		return apiError(http.StatusBadRequest, "BAD_REQUEST", "Invalid num_before or num_after")
	}
	candidates, match, good := s.filter(q.Get("narrow"), u)
	if !good {
		return apiError(http.StatusBadRequest, "BAD_NARROW", "Invalid narrow operator")
	}
	var ms []*Message
	for _, m := range candidates {
		if match(m) {
			ms = append(ms, m)
		}
	}
	include := q.Get("include_anchor") != "false"
	var anchor int64
	switch a := q.Get("anchor"); a {
	case "newest":
		anchor = 1<<62 - 1
	case "oldest", "first_unread":
		anchor = 0
	default:
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			return apiError(http.StatusBadRequest, "BAD_REQUEST", "Invalid anchor")
		}
		anchor = n
	}
	// i is the index of the first message with id >= anchor.
	i, _ := slices.BinarySearchFunc(ms, anchor, func(m *Message, id int64) int { return int(m.ID - id) })
	found := i < len(ms) && ms[i].ID == anchor
	lo := max(i-before, 0)
	hi := i
	if found && include {
		hi = i + 1
	} else if found {
		// the anchor is excluded from both sides
		hi = i
	}
	startAfter := i
	if found {
		startAfter = i + 1
	}
	page := slices.Clone(ms[lo:hi])
	end := min(startAfter+after, len(ms))
	page = append(page, ms[startAfter:end]...)
	out := make([]any, 0, len(page))
	for _, m := range page {
		out = append(out, s.messageJSON(m))
	}
	return ok(map[string]any{"messages": out, "anchor": anchor, "found_anchor": found,
		"found_oldest": lo == 0, "found_newest": end == len(ms), "history_limited": false})
}

func (s *Server) messageJSON(m *Message) map[string]any {
	v := map[string]any{"id": m.ID, "stream_id": m.StreamID, "subject": m.Subject, "content": m.Content,
		"timestamp": m.Sent.Unix(), "sender_id": m.Sender, "type": "stream"}
	if st := s.data.Stream(m.StreamID); st != nil {
		v["display_recipient"] = st.Name
	}
	if u := s.data.User(m.Sender); u != nil {
		v["sender_email"] = u.Email
		if s.opts.HideEmails {
			v["sender_email"] = fakeEmail(u)
		}
		v["sender_full_name"] = u.FullName
	}
	if !m.Edited.IsZero() {
		v["last_edit_timestamp"] = m.Edited.Unix()
	}
	if !m.Moved.IsZero() {
		v["last_moved_timestamp"] = m.Moved.Unix()
	}
	if len(m.Moves) > 0 {
		// Newest first, as Zulip lists edit_history.
		hist := make([]any, 0, len(m.Moves))
		for i := len(m.Moves) - 1; i >= 0; i-- {
			e := m.Moves[i]
			h := map[string]any{"timestamp": e.At.Unix(), "user_id": e.By}
			if e.PrevTopic != e.Topic {
				h["prev_topic"], h["topic"] = e.PrevTopic, e.Topic
			}
			if e.PrevStream != e.Stream {
				h["prev_stream"], h["stream"] = e.PrevStream, e.Stream
			}
			hist = append(hist, h)
		}
		v["edit_history"] = hist
	}
	return v
}

// groups lists the user groups; guests may not, as Zulip's
// require_member_or_admin refuses them.
func (s *Server) groups(_ *http.Request, u *User) (int, any) {
	if u.Role >= 600 {
		return apiError(http.StatusBadRequest, "UNAUTHORIZED_PRINCIPAL", "Must be an organization member")
	}
	out := []any{}
	for _, g := range s.data.Groups {
		out = append(out, map[string]any{"id": g.ID, "name": g.Name, "description": g.Description, "members": g.Members})
	}
	return ok(map[string]any{"user_groups": out})
}
