package discourse

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

const (
	checkpointKind    = "discourse"
	checkpointVersion = 1
)

// position is a checkpoint: the latest.json page last finished and the
// (bumped_at, id) of its last topic. A resume reads that page again and
// skips what sorts before the mark, so topics shifting down the listing
// are read again rather than skipped.
type position struct {
	Topics bool      `json:"topics,omitempty"`
	Page   int       `json:"page,omitempty"`
	At     time.Time `json:"at,omitzero"`
	ID     int       `json:"id,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	if pos.Page < 0 || pos.ID < 0 {
		return position{}, tributary.NewError("discourse: decode checkpoint", tributary.ErrInvalidCheckpoint, errors.New("bad position"))
	}
	return pos, nil
}

type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
	cats map[int]apiCategory
	// access holds each category's access when permissions are wanted.
	access map[int]*tributary.ExternalAccess
}

func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if !r.categories(!pos.Topics) {
		return
	}
	if !pos.Topics {
		pos = position{Topics: true}
		if !r.Checkpoint(pos) {
			return
		}
	}
	r.topics(pos)
}

// categories reads the categories and, when nodes is set, yields them
// parents first.
func (r *run) categories(nodes bool) bool {
	var cs apiCategories
	if err := r.c.get(r.ctx, "/categories.json?include_subcategories=true", &cs); err != nil {
		return r.Fail(fmt.Errorf("discourse: list categories: %w", r.c.keyRejected(r.ctx, err)))
	}
	if cs.CategoryList == nil {
		return r.Fail(tributary.NewError("discourse: list categories", tributary.ErrMalformedResponse, errors.New("no category_list")))
	}
	r.cats = map[int]apiCategory{}
	r.access = map[int]*tributary.ExternalAccess{}
	for _, c := range cs.CategoryList.Categories {
		r.cats[c.ID] = c
		if r.c.env.WantPermissions {
			a, err := r.accessOf(c)
			if err != nil {
				return r.Fail(err)
			}
			r.access[c.ID] = a
		}
	}
	if !nodes || r.slim {
		return true
	}
	done := map[int]bool{}
	var emit func(c apiCategory, depth int) bool
	emit = func(c apiCategory, depth int) bool {
		if done[c.ID] || depth > 8 {
			return true
		}
		parent := ""
		if p, ok := r.cats[c.ParentID]; ok && c.ParentID != 0 {
			if !emit(p, depth+1) {
				return false
			}
			parent = r.c.categoryID(p.ID)
		}
		done[c.ID] = true
		return r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: r.c.categoryID(c.ID), ParentID: parent, Name: c.Name,
			Link: r.c.root + "/c/" + url.PathEscape(c.Slug) + "/" + strconv.Itoa(c.ID), Kind: tributary.NodeSpace,
			ExternalAccess: r.access[c.ID]}))
	}
	for _, c := range cs.CategoryList.Categories {
		if !emit(c, 0) {
			return false
		}
	}
	return true
}

// before reports whether topic (at, id) sorts before the mark (newest
// first, then by id downwards), that is, was passed already.
func before(at time.Time, id int, mark position) bool {
	if mark.At.IsZero() {
		return false
	}
	if c := at.Compare(mark.At); c != 0 {
		return c > 0
	}
	return id >= mark.ID
}

func (r *run) topics(pos position) bool {
	mark := pos
	var prev time.Time
	unsorted := false
	for page := pos.Page; ; page++ {
		var l apiLatest
		if err := r.c.get(r.ctx, "/latest.json?order=activity&page="+strconv.Itoa(page), &l); err != nil {
			return r.Fail(fmt.Errorf("discourse: list latest topics, page %d: %w", page, err))
		}
		if l.TopicList == nil {
			return r.Fail(tributary.NewError("discourse: list latest topics", tributary.ErrMalformedResponse, errors.New("no topic_list")))
		}
		past := false
		for _, t := range l.TopicList.Topics {
			if t.ID <= 0 || t.BumpedAt.IsZero() {
				if t.ID > 0 {
					id := r.c.topicID(t.ID)
					if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, tributary.NewError("discourse: topic", tributary.ErrMalformedResponse, errors.New("no bumped_at"))))) {
						return false
					}
				}
				continue
			}
			if !prev.IsZero() && t.BumpedAt.After(prev) {
				unsorted = true
			}
			prev = t.BumpedAt
			if before(t.BumpedAt, t.ID, mark) {
				continue
			}
			mark = position{Topics: true, Page: page, At: t.BumpedAt, ID: t.ID}
			if !r.start.IsZero() && t.BumpedAt.Before(r.start) {
				past = true
				continue
			}
			if !r.end.IsZero() && !t.BumpedAt.Before(r.end) || t.Archetype == "private_message" {
				continue
			}
			if !r.topic(t) {
				return false
			}
		}
		if l.TopicList.MoreTopicsURL == "" || len(l.TopicList.Topics) == 0 || past && !unsorted {
			return true
		}
		if !r.Checkpoint(mark) {
			return false
		}
	}
}

// topic yields one topic's document, or a Failure under its id.
func (r *run) topic(t apiTopic) bool {
	id := r.c.topicID(t.ID)
	parent := ""
	if _, ok := r.cats[t.CategoryID]; ok {
		parent = r.c.categoryID(t.CategoryID)
	}
	if r.slim {
		return r.Yield(tributary.DocumentItem(&tributary.Document{ID: id, Source: Source, SemanticID: t.Title, ParentID: parent,
			UpdatedAt: t.BumpedAt, ExternalAccess: r.access[t.CategoryID]}))
	}
	d, _, err := r.c.fetchTopic(r.ctx, t.ID)
	if err != nil {
		if terminal(err) {
			return r.Fail(fmt.Errorf("discourse: read topic %d: %w", t.ID, err))
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("discourse: read topic: %w", err))))
	}
	d.UpdatedAt = t.BumpedAt
	d.ParentID = parent
	d.ExternalAccess = r.access[t.CategoryID]
	if c, ok := r.cats[t.CategoryID]; ok {
		d.Metadata.Add("category", c.Name)
	}
	return r.Yield(tributary.DocumentItem(d))
}

func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// fetchTopic reads a topic and all its posts.
func (c *Connector) fetchTopic(ctx context.Context, topic int) (*tributary.Document, int, error) {
	var full apiTopicFull
	if err := c.get(ctx, "/t/"+strconv.Itoa(topic)+".json", &full); err != nil {
		return nil, 0, err
	}
	if full.PostStream == nil || full.ID != topic {
		return nil, 0, tributary.NewError("discourse: read topic", tributary.ErrMalformedResponse, errors.New("no post_stream"))
	}
	posts := full.PostStream.Posts
	have := map[int]bool{}
	for _, p := range posts {
		have[p.ID] = true
	}
	var rest []int
	for _, pid := range full.PostStream.Stream {
		if !have[pid] {
			rest = append(rest, pid)
		}
	}
	for len(rest) > 0 {
		n := min(len(rest), 20)
		q := url.Values{}
		for _, pid := range rest[:n] {
			q.Add("post_ids[]", strconv.Itoa(pid))
		}
		var more apiPosts
		if err := c.get(ctx, "/t/"+strconv.Itoa(topic)+"/posts.json?"+q.Encode(), &more); err != nil {
			return nil, 0, err
		}
		if more.PostStream == nil || len(more.PostStream.Posts) == 0 {
			return nil, 0, tributary.NewError("discourse: read posts", tributary.ErrMalformedResponse, errors.New("no posts in the answer"))
		}
		posts = append(posts, more.PostStream.Posts...)
		rest = rest[n:]
	}
	link := c.root + "/t/" + url.PathEscape(full.Slug) + "/" + strconv.Itoa(topic)
	d := &tributary.Document{ID: c.topicID(topic), Source: Source, SemanticID: full.Title, Title: full.Title,
		CreatedAt: full.CreatedAt.UTC(), UpdatedAt: full.BumpedAt.UTC(), Metadata: tributary.Metadata{}}
	seen := map[string]bool{}
	for _, p := range posts {
		text := p.Cooked
		if h, err := extract.HTML([]byte("<html><body>"+p.Cooked+"</body></html>"), "text/html; charset=utf-8", extract.HTMLOptions{}); err == nil {
			var b strings.Builder
			for _, s := range h.Sections {
				b.WriteString(s.Text)
			}
			text = b.String()
		}
		d.Sections = append(d.Sections, tributary.TextSection(link+"/"+strconv.Itoa(p.PostNumber), text))
		name := p.Name
		if name == "" {
			name = p.Username
		}
		if p.Username != "" && !seen[p.Username] {
			seen[p.Username] = true
			person := tributary.Person{DisplayName: name}
			if len(d.PrimaryOwners) == 0 {
				d.PrimaryOwners = append(d.PrimaryOwners, person)
			} else {
				d.SecondaryOwners = append(d.SecondaryOwners, person)
			}
		}
	}
	d.Metadata.Add("posts", strconv.Itoa(len(posts)))
	return d, full.CategoryID, nil
}
