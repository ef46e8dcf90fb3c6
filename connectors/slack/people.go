package slack

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// userRecord is what a run remembers of a user. The cache lives for one
// run and holds at most the workspace's members.
type userRecord struct {
	person  tributary.Person
	bot     bool
	deleted bool
	// unknown says users.info did not know the user (a member of another
	// workspace, or one removed): person holds only the id.
	unknown bool
}

// person returns who wrote m: a workspace member from users.info, or the
// bot's name for a bot message.
func (r *run) person(ctx context.Context, m message) (tributary.Person, error) {
	if m.User == "" || (isBot(m) && m.User == "") {
		name := m.Username
		if name == "" && m.BotProfile != nil {
			name = m.BotProfile.Name
		}
		if name == "" {
			name = "bot " + m.BotID
		}
		return tributary.Person{DisplayName: name}, nil
	}
	u, err := r.user(ctx, m.User)
	if err == nil && u.unknown && m.UserProfile != nil {
		p := m.UserProfile
		if name := firstNonEmpty(p.DisplayName, p.RealName, p.Name); name != "" {
			u.person.DisplayName = name
		}
	}
	return u.person, err
}

// user looks a member up with users.info, once per run. A user Slack no
// longer knows is kept by id.
func (r *run) user(ctx context.Context, id string) (userRecord, error) {
	if u, ok := r.users[id]; ok {
		return u, nil
	}
	var info userInfo
	err := r.c.api.call(ctx, "users.info", url.Values{"user": {id}}, &info)
	if slackCode(err) == "user_not_found" {
		rec := userRecord{person: tributary.Person{DisplayName: id}, deleted: true, unknown: true}
		r.users[id] = rec
		return rec, nil
	}
	if err != nil {
		return userRecord{}, fmt.Errorf("slack: look up user %s: %w", id, err)
	}
	rec := recordOf(info.User)
	r.users[id] = rec
	return rec, nil
}

func recordOf(u user) userRecord {
	name := firstNonEmpty(u.Profile.DisplayName, u.Profile.DisplayNameNormalized,
		u.Profile.RealName, u.Profile.RealNameNormalized, u.RealName, u.Name, u.ID)
	return userRecord{person: tributary.Person{DisplayName: name, FirstName: u.Profile.FirstName,
		LastName: u.Profile.LastName, Email: u.Profile.Email}, bot: u.IsBot, deleted: u.Deleted}
}

// listUsers fills the run's user cache from users.list, once: a private
// channel's members are looked up together, 200 a call at Tier 2, rather
// than one users.info call each at Tier 4.
func (r *run) listUsers(ctx context.Context) error {
	if r.usersListed {
		return nil
	}
	q := url.Values{"limit": {"200"}}
	for {
		var page usersList
		if err := r.c.api.call(ctx, "users.list", q, &page); err != nil {
			return fmt.Errorf("slack: list users: %w", err)
		}
		for _, u := range page.Members {
			if u.ID != "" {
				r.users[u.ID] = recordOf(u)
			}
		}
		next := page.Metadata.NextCursor
		if next == "" {
			break
		}
		if next == q.Get("cursor") {
			return tributary.NewError("slack: list users", tributary.ErrMalformedResponse,
				fmt.Errorf("users.list returned the same cursor twice"))
		}
		q.Set("cursor", next)
	}
	r.usersListed = true
	return nil
}

// access returns who may see the channel's messages when the Env asks for
// permissions: everyone in the workspace for a public channel, the
// members' e-mail addresses for a private one.
func (r *run) access(ctx context.Context, ch conversation) (*tributary.ExternalAccess, error) {
	if !r.c.env.WantPermissions {
		return nil, nil
	}
	if !ch.IsPrivate {
		return &tributary.ExternalAccess{Public: true}, nil
	}
	if err := r.listUsers(ctx); err != nil {
		return nil, err
	}
	q := url.Values{"channel": {ch.ID}, "limit": {"200"}}
	emails := []string{}
	for {
		var page members
		if err := r.c.api.call(ctx, "conversations.members", q, &page); err != nil {
			return nil, fmt.Errorf("slack: list members of #%s: %w", ch.Name, err)
		}
		for _, id := range page.Members {
			u, err := r.user(ctx, id)
			if err != nil {
				return nil, err
			}
			if !u.bot && !u.deleted && u.person.Email != "" {
				emails = append(emails, u.person.Email)
			}
		}
		next := page.Metadata.NextCursor
		if next == "" {
			break
		}
		if next == q.Get("cursor") {
			return nil, tributary.NewError("slack: list members", tributary.ErrMalformedResponse,
				fmt.Errorf("conversations.members returned the same cursor twice"))
		}
		q.Set("cursor", next)
	}
	slices.Sort(emails)
	return &tributary.ExternalAccess{UserEmails: slices.Compact(emails)}, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
