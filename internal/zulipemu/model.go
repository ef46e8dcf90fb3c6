// Package zulipemu emulates the parts of the Zulip REST API the zulip
// connector reads: streams, topics, messages with narrows and anchors,
// users, user groups and stream subscribers, behind HTTP basic
// authentication with an e-mail and an API key, on the emulator kit (rate
// limits with X-RateLimit-* headers and faults on demand).
package zulipemu

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// User is a member of the organization.
type User struct {
	ID       int64
	Email    string
	FullName string
	APIKey   string
	Role     int // 100 owner, 200 admin, 400 member, 600 guest
}

// Stream is a channel.
type Stream struct {
	ID          int64
	Name        string
	Description string
	InviteOnly  bool
	WebPublic   bool
	Subscribers []int64
	Created     time.Time
}

// Message is one message; Subject is its topic.
type Message struct {
	ID       int64
	StreamID int64
	Subject  string
	Sender   int64
	Content  string
	Sent     time.Time
	Edited   time.Time // the last content edit; zero when never edited
	Moved    time.Time // the last move to another topic or stream; zero when never moved
	// Moves are the message's moves, oldest first, as its edit_history
	// tells them.
	Moves []Move
}

// Move is one move of a message: where it was before.
type Move struct {
	At         time.Time
	By         int64
	PrevStream int64
	PrevTopic  string
	Stream     int64
	Topic      string
}

// Group is a user group.
type Group struct {
	ID          int64
	Name        string
	Description string
	Members     []int64
}

// Data is an organization's content. Messages are kept in id order.
type Data struct {
	Users    []*User
	Streams  []*Stream
	Messages []*Message
	Groups   []*Group
}

// User returns the user with the id, or nil.
func (d *Data) User(id int64) *User {
	for _, u := range d.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// Stream returns the stream with the id, or nil.
func (d *Data) Stream(id int64) *Stream {
	for _, s := range d.Streams {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Post appends a message with the next id.
func (d *Data) Post(stream int64, topic string, sender int64, content string, at time.Time) *Message {
	id := int64(1)
	if n := len(d.Messages); n > 0 {
		id = d.Messages[n-1].ID + 1
	}
	m := &Message{ID: id, StreamID: stream, Subject: topic, Sender: sender, Content: content, Sent: at}
	d.Messages = append(d.Messages, m)
	return m
}

// Message returns the message with the id, or nil.
func (d *Data) Message(id int64) *Message {
	i, ok := slices.BinarySearchFunc(d.Messages, id, func(m *Message, id int64) int { return cmp.Compare(m.ID, id) })
	if !ok {
		return nil
	}
	return d.Messages[i]
}

// MoveMessages moves the messages of topic in stream to topic to in stream
// toStream at the time at, by user by, as Zulip's PATCH /messages/{id}
// with propagate_mode=change_all does; only the messages from id from on
// move when from is positive (change_later). Ids stay as they were.
func (d *Data) MoveMessages(stream int64, topic string, from int64, toStream int64, to string, at time.Time, by int64) int {
	n := 0
	for _, m := range d.Messages {
		if m.StreamID != stream || !strings.EqualFold(m.Subject, topic) || m.ID < from {
			continue
		}
		m.Moves = append(m.Moves, Move{At: at, By: by, PrevStream: m.StreamID, PrevTopic: m.Subject, Stream: toStream, Topic: to})
		m.StreamID, m.Subject, m.Moved = toStream, to, at
		n++
	}
	return n
}

// Delete removes the messages with the ids, as DELETE /messages/{id}
// does: they leave no trace.
func (d *Data) Delete(ids ...int64) {
	d.Messages = slices.DeleteFunc(d.Messages, func(m *Message) bool { return slices.Contains(ids, m.ID) })
}

// GenerateOptions shape a generated organization.
type GenerateOptions struct {
	Users    int
	Streams  int
	Topics   int // per stream
	Messages int // per topic
	// PrivateEvery makes every n-th stream invite-only; WebPublicEvery
	// every n-th web-public.
	PrivateEvery, WebPublicEvery int
	Seed                         uint64
	// Start is the time of the first message; messages follow a minute
	// apart, interleaved across topics.
	Start time.Time
}

// Generate builds an organization. User 0 is an administrator with the
// e-mail user0@example.com and the API key "key0"; user i has "keyI".
func Generate(o GenerateOptions) *Data {
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	d := &Data{}
	for i := range max(o.Users, 2) {
		role := 400
		if i == 0 {
			role = 200
		}
		d.Users = append(d.Users, &User{ID: int64(100 + i), Email: fmt.Sprintf("user%d@example.com", i),
			FullName: fmt.Sprintf("User %d", i), APIKey: fmt.Sprintf("key%d", i), Role: role})
	}
	at := o.Start
	for s := range o.Streams {
		st := &Stream{ID: int64(10 + s), Name: fmt.Sprintf("stream %d", s), Description: fmt.Sprintf("Stream number %d", s), Created: o.Start}
		st.InviteOnly = o.PrivateEvery > 0 && s%o.PrivateEvery == o.PrivateEvery-1
		st.WebPublic = !st.InviteOnly && o.WebPublicEvery > 0 && s%o.WebPublicEvery == o.WebPublicEvery-1
		for i, u := range d.Users {
			if i == 0 || !st.InviteOnly || rng.IntN(2) == 0 {
				st.Subscribers = append(st.Subscribers, u.ID)
			}
		}
		d.Streams = append(d.Streams, st)
	}
	for m := range o.Messages {
		for _, st := range d.Streams {
			for t := range o.Topics {
				sender := st.Subscribers[rng.IntN(len(st.Subscribers))]
				msg := d.Post(st.ID, fmt.Sprintf("topic %d", t), sender, fmt.Sprintf("message %d of topic %d in %s", m, t, st.Name), at)
				if rng.IntN(5) == 0 {
					msg.Edited = at.Add(30 * time.Second)
				}
				at = at.Add(time.Minute)
			}
		}
	}
	d.Groups = append(d.Groups, &Group{ID: 1, Name: "admins", Description: "Administrators", Members: []int64{d.Users[0].ID}})
	d.Groups = append(d.Groups, &Group{ID: 2, Name: "everyone-odd", Members: oddUsers(d.Users)})
	return d
}

func oddUsers(us []*User) []int64 {
	var out []int64
	for i, u := range us {
		if i%2 == 1 {
			out = append(out, u.ID)
		}
	}
	return out
}
