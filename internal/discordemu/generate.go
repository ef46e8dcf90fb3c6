package discordemu

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"time"
)

// GenerateOptions size a generated data set. Zero fields take the
// defaults named.
type GenerateOptions struct {
	// Guilds is the number of guilds; 1 by default.
	Guilds int
	// Messages is the number of messages of each text and announcement
	// channel; 40 by default (negative: none).
	Messages int
	// Days is the span the messages of a channel are spread over; 5 by
	// default.
	Days int
	// Threads is the number of public threads of the general channel,
	// every other one archived; 3 by default (negative: none).
	Threads int
	// ThreadMessages is the number of messages of each thread; 4 by
	// default.
	ThreadMessages int
	// ForumPosts is the number of posts of the forum; 2 by default
	// (negative: none).
	ForumPosts int
	// Members is the number of members besides the bot; 6 by default.
	Members int
	// Start is when the messages begin; 2026-03-02 09:00 UTC by default.
	Start time.Time
	// Seed varies the texts and times.
	Seed uint64
}

func orDefault(n, def int) int {
	switch {
	case n < 0:
		return 0
	case n == 0:
		return def
	}
	return n
}

// Generate builds a data set. Every guild has an @everyone role that may
// view channels and read history, a Moderators role with Administrator,
// a Staff role, and under a category: #general (open to everyone, with
// threads and a private thread), #announcements, #staff (denied to
// @everyone, allowed to Staff), a #help forum with posts, a voice channel
// and #secret, which the bot cannot read. The bot's application has the
// Server Members and Message Content intents.
func Generate(o GenerateOptions) *Data {
	o.Guilds = max(o.Guilds, 1)
	o.Messages = orDefault(o.Messages, 40)
	o.Days = orDefault(o.Days, 5)
	o.Threads = orDefault(o.Threads, 3)
	o.ThreadMessages = orDefault(o.ThreadMessages, 4)
	o.ForumPosts = orDefault(o.ForumPosts, 2)
	o.Members = orDefault(o.Members, 6)
	o.Start = cmp.Or(o.Start, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)).UTC()
	rnd := rand.New(rand.NewPCG(o.Seed, 77))
	base := o.Start.AddDate(0, 0, -60)
	d := &Data{
		Bot:      User{ID: Snowflake(base, 1), Username: "tributary-bot", Bot: true},
		AppID:    Snowflake(base, 2),
		AppFlags: FlagGuildMembers | FlagMessageContent,
	}
	for gi := range o.Guilds {
		d.Guilds = append(d.Guilds, generateGuild(d, o, gi, rnd))
	}
	return d
}

func generateGuild(d *Data, o GenerateOptions, gi int, rnd *rand.Rand) *Guild {
	made := o.Start.AddDate(0, 0, -50).Add(time.Duration(gi) * time.Hour)
	seq := 0
	id := func() uint64 { seq++; return Snowflake(made, gi*1000+seq) }
	g := &Guild{ID: id(), Name: fmt.Sprintf("Guild %d", gi+1)}
	mods, staff := id(), id()
	g.Roles = []*Role{
		{ID: g.ID, Name: "@everyone", Permissions: PermViewChannel | PermReadMessageHistory | 1<<11},
		{ID: mods, Name: "Moderators", Permissions: PermAdministrator, Position: 2},
		{ID: staff, Name: "Staff", Permissions: 1 << 11, Position: 1},
	}
	g.Members = append(g.Members, &Member{User: d.Bot, JoinedAt: made})
	for i := range o.Members {
		u := User{ID: Snowflake(made.Add(-time.Duration(o.Members-i)*24*time.Hour), i), Username: fmt.Sprintf("user%d", i+1),
			GlobalName: fmt.Sprintf("User %d", i+1)}
		m := &Member{User: u, JoinedAt: made.Add(time.Hour)}
		switch i % 3 {
		case 1:
			m.Roles = []uint64{staff}
		case 2:
			m.Roles = []uint64{mods}
		}
		g.Members = append(g.Members, m)
	}
	sortMembers(g.Members)
	g.OwnerID = g.Members[len(g.Members)-1].User.ID
	cat := &Channel{ID: id(), Type: TypeCategory, Name: "Text Channels"}
	general := &Channel{ID: id(), Type: TypeText, Name: "general", Topic: "Anything goes", ParentID: cat.ID}
	news := &Channel{ID: id(), Type: TypeAnnouncement, Name: "announcements", ParentID: cat.ID, Position: 1}
	staffCh := &Channel{ID: id(), Type: TypeText, Name: "staff", ParentID: cat.ID, Position: 2, Overwrites: []Overwrite{
		{ID: g.ID, Type: OverwriteRole, Deny: PermViewChannel},
		{ID: staff, Type: OverwriteRole, Allow: PermViewChannel | PermReadMessageHistory},
	}}
	forum := &Channel{ID: id(), Type: TypeForum, Name: "help", Topic: "Ask for help", Position: 3}
	voice := &Channel{ID: id(), Type: TypeVoice, Name: "Lounge", Position: 4}
	secret := &Channel{ID: id(), Type: TypeText, Name: "secret", Position: 5, Unreadable: true,
		Overwrites: []Overwrite{{ID: g.ID, Type: OverwriteRole, Deny: PermViewChannel}}}
	g.Channels = []*Channel{cat, general, news, staffCh, forum, voice, secret}
	span := time.Duration(o.Days) * 24 * time.Hour
	for ci, ch := range []*Channel{general, news, staffCh, secret} {
		ch.Messages = messages(g, o.Start.Add(time.Duration(ci)*time.Minute), span, o.Messages, rnd, gi*10+ci)
	}
	for i := range o.Threads {
		at := o.Start.Add(span * time.Duration(i+1) / time.Duration(o.Threads+1))
		th := thread(g, general, at, fmt.Sprintf("Thread %d", i+1), TypePublicThread, o.ThreadMessages, rnd, gi*10+i, i%2 == 1)
		g.Threads = append(g.Threads, th)
	}
	if o.Threads > 0 {
		at := o.Start.Add(span / 3).Add(7 * time.Minute)
		g.Threads = append(g.Threads, thread(g, general, at, "Private plans", TypePrivateThread, 2, rnd, gi*10+8, false))
	}
	for i := range o.ForumPosts {
		at := o.Start.Add(span * time.Duration(2*i+1) / time.Duration(2*o.ForumPosts+1)).Add(3 * time.Minute)
		post := thread(g, forum, at, fmt.Sprintf("How do I %d?", i+1), TypePublicThread, o.ThreadMessages, rnd, gi*10+5+i, i%2 == 0)
		post.Messages[0].ID = post.ID // a forum post's first message has the post's id
		g.Threads = append(g.Threads, post)
	}
	return g
}

var words = []string{"deploy", "release", "bug", "review", "docs", "meeting", "index", "search", "cache", "build",
	"tests", "design", "roadmap", "question", "answer", "thanks", "logs", "metrics", "alert", "fix"}

func sentence(rnd *rand.Rand, n int) string {
	s := ""
	for i := range n {
		if i > 0 {
			s += " "
		}
		s += words[rnd.IntN(len(words))]
	}
	return s
}

// messages makes n messages from start over span, by the guild's members.
func messages(g *Guild, start time.Time, span time.Duration, n int, rnd *rand.Rand, salt int) []*Message {
	var out []*Message
	people := g.Members[1:]
	for i := range n {
		at := start.Add(time.Duration(float64(span) * float64(i) / float64(max(n, 1)))).Add(time.Duration(rnd.IntN(50)) * time.Second)
		if len(out) > 0 && !at.After(TimeOf(out[len(out)-1].ID)) {
			at = TimeOf(out[len(out)-1].ID).Add(time.Millisecond)
		}
		m := &Message{ID: Snowflake(at, salt*4096+i%4096), Author: people[(i+salt)%len(people)].User, Content: sentence(rnd, 3+rnd.IntN(8))}
		if i%5 == 3 {
			m.Mentions = []User{people[(i+1)%len(people)].User}
			m.Content = "<@" + ID(m.Mentions[0].ID) + "> " + m.Content
		}
		if i%7 == 4 {
			m.Attachments = []Attachment{{ID: m.ID + 1, Filename: fmt.Sprintf("report-%d.pdf", i), ContentType: "application/pdf", Size: 1000 + i}}
		}
		if i%11 == 6 {
			m.Embeds = []Embed{{Title: "Release notes", Description: sentence(rnd, 4), URL: "https://example.com/notes/" + fmt.Sprint(i)}}
		}
		if i%13 == 9 {
			m.Edited = at.Add(time.Hour)
		}
		out = append(out, m)
	}
	return out
}

// thread makes a thread of parent created at at with n messages.
func thread(g *Guild, parent *Channel, at time.Time, name string, typ, n int, rnd *rand.Rand, salt int, archived bool) *Channel {
	th := &Channel{ID: Snowflake(at, 1<<21|salt), Type: typ, Name: name, ParentID: parent.ID, OwnerID: g.Members[1].User.ID}
	th.Messages = messages(g, at.Add(time.Second), time.Duration(n)*17*time.Minute, max(n, 1), rnd, 200+salt)
	if archived {
		th.Archived = true
		th.ArchivedAt = TimeOf(th.LastMessageID()).Add(24 * time.Hour).Truncate(time.Second)
	}
	return th
}
