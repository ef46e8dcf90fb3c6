// Package discourseemu emulates the parts of the Discourse API that the
// Discourse connector reads: /session/current.json, /categories.json,
// /latest.json (ordered by activity, newest first, 30 topics a page, with
// more_topics_url), /t/{id}.json (the first 20 posts and the whole post
// stream) and /t/{id}/posts.json?post_ids[]=... for the rest,
// /c/{id}/show.json with group_permissions, /groups.json (36 a page),
// /groups/{name}/members.json (offset and limit) and, for admins,
// /admin/users/list/active.json (100 a page, with show_emails). It
// authenticates with the Api-Key and Api-Username headers and answers a
// rejected key with 403 invalid_access, as Discourse does.
package discourseemu

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// TopicsPerPage is the size of a latest.json page.
const TopicsPerPage = 30

// PostsPerChunk is how many posts /t/{id}.json carries and
// /t/{id}/posts.json takes at most.
const PostsPerChunk = 20

// Category is a forum category.
type Category struct {
	ID             int
	Name, Slug     string
	ParentID       int
	ReadRestricted bool
	Groups         []string
}

// Post is one post of a topic.
type Post struct {
	ID               int
	Username, Name   string
	Created, Updated time.Time
	Cooked           string
}

// Topic is a topic with its posts in order.
type Topic struct {
	ID         int
	Title      string
	Slug       string
	CategoryID int
	Created    time.Time
	Bumped     time.Time
	Posts      []Post
}

// User is an account of the forum.
type User struct {
	ID             int
	Username, Name string
	Email          string
	Admin          bool
}

// Group is a group of users; an automatic one (staff, trust_level_0 ...)
// is kept by Discourse itself.
type Group struct {
	ID          int
	Name        string
	DisplayName string
	Automatic   bool
	Members     []string // usernames
	Owners      []string // usernames, members too
}

// Data is the forum's content.
type Data struct {
	Categories []*Category
	Topics     []*Topic
	Users      []*User
	Groups     []*Group
}

// User returns the user with the username, or nil.
func (d *Data) User(username string) *User {
	for _, u := range d.Users {
		if strings.EqualFold(u.Username, username) {
			return u
		}
	}
	return nil
}

// Generate makes n topics over three categories (one a restricted
// subcategory), each with posts posts; times are distinct seconds.
func Generate(n, posts int) *Data {
	d := &Data{Categories: []*Category{
		{ID: 1, Name: "General", Slug: "general"},
		{ID: 2, Name: "Support", Slug: "support"},
		{ID: 3, Name: "Staff", Slug: "staff", ParentID: 2, ReadRestricted: true, Groups: []string{"staff"}},
	}}
	d.Users = append(d.Users, &User{ID: -1, Username: "system", Name: "system", Admin: true})
	for j := range 4 {
		d.Users = append(d.Users, &User{ID: 1 + j, Username: fmt.Sprintf("user%d", j), Name: fmt.Sprintf("User %d", j),
			Email: fmt.Sprintf("User%d@Forum.Example.test", j), Admin: j == 0})
	}
	d.Groups = []*Group{
		{ID: 1, Name: "admins", Automatic: true, Members: []string{"system", "user0"}},
		{ID: 3, Name: "staff", Automatic: true, Members: []string{"system", "user0"}},
		{ID: 10, Name: "trust_level_0", Automatic: true, Members: []string{"user0", "user1", "user2", "user3"}},
		{ID: 41, Name: "support-team", DisplayName: "Support team", Members: []string{"user1", "user2"}, Owners: []string{"user2"}},
	}
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	pid := 1000
	for i := range n {
		t := &Topic{ID: 100 + i, Title: fmt.Sprintf("Topic %d", i), Slug: fmt.Sprintf("topic-%d", i),
			CategoryID: 1 + i%3, Created: base.Add(time.Duration(i) * time.Minute)}
		for j := range posts {
			pid++
			at := t.Created.Add(time.Duration(j) * time.Second)
			t.Posts = append(t.Posts, Post{ID: pid, Username: fmt.Sprintf("user%d", j%4), Name: fmt.Sprintf("User %d", j%4),
				Created: at, Updated: at, Cooked: fmt.Sprintf("<p>Post %d of topic %d</p>", j+1, i)})
		}
		t.Bumped = t.Posts[len(t.Posts)-1].Created
		d.Topics = append(d.Topics, t)
	}
	return d
}

// AddPosts gives topic t n more posts, a second apart after its last, by
// the same rotation of authors, and bumps it to the newest.
func (d *Data) AddPosts(t *Topic, n int) {
	pid := 1000
	for _, x := range d.Topics {
		for _, p := range x.Posts {
			pid = max(pid, p.ID)
		}
	}
	at := t.Created
	if k := len(t.Posts); k > 0 {
		at = t.Posts[k-1].Created
	}
	for range n {
		pid++
		at = at.Add(time.Second)
		j := len(t.Posts)
		t.Posts = append(t.Posts, Post{ID: pid, Username: fmt.Sprintf("user%d", j%4), Name: fmt.Sprintf("User %d", j%4),
			Created: at, Updated: at, Cooked: fmt.Sprintf("<p>Post %d of topic %d</p>", j+1, t.ID-100)})
	}
	t.Bumped = at
}

// Server serves Data.
type Server struct {
	*emulator.Server
	mu   sync.Mutex
	data *Data
	keys map[string]bool
}

// The faults Discourse answers with.
var (
	RateLimited = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}
	NotFound    = emulator.Fault{Status: http.StatusNotFound}
	BadGateway  = emulator.Fault{Status: http.StatusBadGateway}
)

// New serves data; add keys with AddKey.
func New(data *Data) *Server {
	s := &Server{data: data, keys: map[string]bool{}}
	s.Server = emulator.New(emulator.Options{Auth: s.auth, Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
		emulator.WriteJSON(w, http.StatusForbidden, map[string]any{"errors": []string{"You are not permitted to view the requested resource. The API username or key is invalid."}, "error_type": "invalid_access"})
	}})
	s.Handle("GET /session/current.json", s.current)
	s.Handle("GET /categories.json", s.categories)
	s.Handle("GET /latest.json", s.latest)
	s.Handle("GET /c/{id}/show.json", s.show)
	s.Handle("GET /t/{id}", s.topic)
	s.Handle("GET /t/{id}/posts.json", s.posts)
	s.Handle("GET /groups.json", s.groups)
	s.Handle("GET /groups/{name}/members.json", s.members)
	s.Handle("GET /admin/users/list/{flag}", s.adminUsers)
	return s
}

// AddKey accepts an API key.
func (s *Server) AddKey(k string) { s.mu.Lock(); s.keys[k] = true; s.mu.Unlock() }

// Update changes the data under the lock.
func (s *Server) Update(f func(*Data)) { s.mu.Lock(); f(s.data); s.mu.Unlock() }

func (s *Server) auth(r *http.Request) (string, bool) {
	k, u := r.Header.Get("Api-Key"), r.Header.Get("Api-Username")
	s.mu.Lock()
	defer s.mu.Unlock()
	return u, k != "" && u != "" && s.keys[k]
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Server) current(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, admin := 0, false
	if u := s.data.User(emulator.Principal(r)); u != nil {
		id, admin = u.ID, u.Admin
	}
	emulator.WriteJSON(w, 200, map[string]any{"current_user": map[string]any{"id": id, "username": emulator.Principal(r), "admin": admin}})
}

// GroupsPerPage is the size of a /groups.json page; MembersLimit is the
// largest limit /groups/{name}/members.json takes, UsersPerPage the size
// of an /admin/users/list page.
const (
	GroupsPerPage = 36
	MembersLimit  = 1000
	UsersPerPage  = 100
)

// groups answers /groups.json?page=N (from 0): the groups, by name.
func (s *Server) groups(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	s.mu.Lock()
	defer s.mu.Unlock()
	gs := slices.Clone(s.data.Groups)
	slices.SortFunc(gs, func(a, b *Group) int { return strings.Compare(a.Name, b.Name) })
	from := min(max(page, 0)*GroupsPerPage, len(gs))
	to := min(from+GroupsPerPage, len(gs))
	out := []map[string]any{}
	for _, g := range gs[from:to] {
		out = append(out, map[string]any{"id": g.ID, "name": g.Name, "display_name": g.DisplayName, "automatic": g.Automatic,
			"user_count": len(g.Members), "visibility_level": 0, "mentionable_level": 0})
	}
	v := map[string]any{"groups": out, "extras": map[string]any{"type_filters": []string{}}, "total_rows_groups": len(gs)}
	if to < len(gs) {
		v["load_more_groups"] = fmt.Sprintf("/groups?page=%d", page+1)
	}
	emulator.WriteJSON(w, 200, v)
}

func (s *Server) memberJSON(username string) map[string]any {
	m := map[string]any{"username": username, "avatar_template": "/letter_avatar/" + username + "/{size}/1.png"}
	if u := s.data.User(username); u != nil {
		m["id"], m["name"] = u.ID, u.Name
	}
	return m
}

// members answers /groups/{name}/members.json?offset=O&limit=L: the
// members by username, the owners apart, and meta with the total.
func (s *Server) members(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 50
	}
	limit = min(limit, MembersLimit)
	s.mu.Lock()
	defer s.mu.Unlock()
	var g *Group
	for _, x := range s.data.Groups {
		if strings.EqualFold(x.Name, r.PathValue("name")) {
			g = x
		}
	}
	if g == nil {
		notFound(w)
		return
	}
	names := slices.Sorted(slices.Values(g.Members))
	from := min(max(offset, 0), len(names))
	to := min(from+limit, len(names))
	members, owners := []map[string]any{}, []map[string]any{}
	for _, n := range names[from:to] {
		members = append(members, s.memberJSON(n))
	}
	for _, n := range g.Owners {
		owners = append(owners, s.memberJSON(n))
	}
	emulator.WriteJSON(w, 200, map[string]any{"members": members, "owners": owners,
		"meta": map[string]any{"total": len(names), "limit": limit, "offset": offset}})
}

// adminUsers answers /admin/users/list/{flag}.json?page=N (from 1) for an
// admin, with each user's e-mail when show_emails=true; Discourse
// answers anyone else's request for an admin route with 404.
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.data.User(emulator.Principal(r)); u == nil || !u.Admin || r.PathValue("flag") != "active.json" {
		notFound(w)
		return
	}
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	from := min(max(page-1, 0)*UsersPerPage, len(s.data.Users))
	to := min(from+UsersPerPage, len(s.data.Users))
	out := []map[string]any{}
	for _, u := range s.data.Users[from:to] {
		m := map[string]any{"id": u.ID, "username": u.Username, "name": u.Name, "admin": u.Admin, "moderator": false, "active": true}
		if q.Get("show_emails") == "true" && u.Email != "" {
			m["email"] = u.Email
		}
		out = append(out, m)
	}
	emulator.WriteJSON(w, 200, out)
}

func (s *Server) categories(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cs []map[string]any
	for _, c := range s.data.Categories {
		m := map[string]any{"id": c.ID, "name": c.Name, "slug": c.Slug, "read_restricted": c.ReadRestricted}
		if c.ParentID != 0 {
			m["parent_category_id"] = c.ParentID
		}
		cs = append(cs, m)
	}
	emulator.WriteJSON(w, 200, map[string]any{"category_list": map[string]any{"categories": cs}})
}

func (s *Server) latest(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := slices.Clone(s.data.Topics)
	slices.SortFunc(ts, func(a, b *Topic) int {
		if c := b.Bumped.Compare(a.Bumped); c != 0 {
			return c
		}
		return b.ID - a.ID
	})
	from := min(page*TopicsPerPage, len(ts))
	to := min(from+TopicsPerPage, len(ts))
	var out []map[string]any
	for _, t := range ts[from:to] {
		out = append(out, map[string]any{"id": t.ID, "title": t.Title, "slug": t.Slug, "created_at": stamp(t.Created),
			"bumped_at": stamp(t.Bumped), "last_posted_at": stamp(t.Bumped), "category_id": t.CategoryID,
			"posts_count": len(t.Posts), "visible": true, "archetype": "regular"})
	}
	list := map[string]any{"per_page": TopicsPerPage, "topics": out}
	if to < len(ts) {
		list["more_topics_url"] = fmt.Sprintf("/latest?order=activity&page=%d", page+1)
	}
	emulator.WriteJSON(w, 200, map[string]any{"topic_list": list})
}

func (s *Server) find(r *http.Request) *Topic {
	v := r.PathValue("id")
	if len(v) > 5 && v[len(v)-5:] == ".json" {
		v = v[:len(v)-5]
	}
	id, err := strconv.Atoi(v)
	if err != nil {
		return nil
	}
	for _, t := range s.data.Topics {
		if t.ID == id {
			return t
		}
	}
	return nil
}

func postJSON(t *Topic, i int) map[string]any {
	p := t.Posts[i]
	return map[string]any{"id": p.ID, "username": p.Username, "name": p.Name, "created_at": stamp(p.Created),
		"updated_at": stamp(p.Updated), "cooked": p.Cooked, "post_number": i + 1, "topic_id": t.ID}
}

func notFound(w http.ResponseWriter) {
	emulator.WriteJSON(w, 404, map[string]any{"errors": []string{"The requested URL or resource could not be found."}, "error_type": "not_found"})
}

func (s *Server) topic(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.find(r)
	if t == nil {
		notFound(w)
		return
	}
	var posts []map[string]any
	var stream []int
	for i, p := range t.Posts {
		if i < PostsPerChunk {
			posts = append(posts, postJSON(t, i))
		}
		stream = append(stream, p.ID)
	}
	emulator.WriteJSON(w, 200, map[string]any{"id": t.ID, "title": t.Title, "slug": t.Slug, "category_id": t.CategoryID,
		"created_at": stamp(t.Created), "bumped_at": stamp(t.Bumped), "last_posted_at": stamp(t.Bumped),
		"posts_count": len(t.Posts), "archetype": "regular", "visible": true,
		"post_stream": map[string]any{"posts": posts, "stream": stream}})
}

func (s *Server) posts(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.find(r)
	if t == nil {
		notFound(w)
		return
	}
	want := map[int]bool{}
	for _, v := range r.URL.Query()["post_ids[]"] {
		id, _ := strconv.Atoi(v)
		want[id] = true
	}
	var posts []map[string]any
	for i, p := range t.Posts {
		if want[p.ID] && len(posts) < PostsPerChunk {
			posts = append(posts, postJSON(t, i))
		}
	}
	emulator.WriteJSON(w, 200, map[string]any{"post_stream": map[string]any{"posts": posts}, "id": t.ID})
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.data.Categories {
		if c.ID == id {
			var perms []map[string]any
			for _, g := range c.Groups {
				perms = append(perms, map[string]any{"permission_type": 1, "group_name": g})
			}
			if !c.ReadRestricted {
				perms = append(perms, map[string]any{"permission_type": 1, "group_name": "everyone"})
			}
			emulator.WriteJSON(w, 200, map[string]any{"category": map[string]any{"id": c.ID, "name": c.Name, "slug": c.Slug,
				"read_restricted": c.ReadRestricted, "group_permissions": perms}})
			return
		}
	}
	notFound(w)
}
