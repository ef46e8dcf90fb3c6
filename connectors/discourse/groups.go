package discourse

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

type apiGroup struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

type apiGroups struct {
	Groups         []apiGroup `json:"groups"`
	LoadMoreGroups string     `json:"load_more_groups"`
}

type apiMember struct {
	Username string `json:"username"`
}

type apiMembers struct {
	Members []apiMember `json:"members"`
	Owners  []apiMember `json:"owners"`
	Meta    *struct {
		Total int `json:"total"`
	} `json:"meta"`
}

type apiAdminUser struct {
	Username string `json:"username"`
	Email    string `json:"email"`
}

// membersLimit is how many members a /groups/{name}/members.json request
// asks for.
const membersLimit = 1000

// everyone is the automatic group of all users; a category open to it is
// public, so no access names it.
const everyone = "everyone"

// Groups yields each group of the forum (GET /groups.json, page by page)
// as group:NAME, the id the access of a read_restricted category names,
// with the e-mail addresses of its members and owners (GET
// /groups/{name}/members.json, by offset and limit). Discourse gives
// members by username only: the addresses come from the admin users list
// (GET /admin/users/list/active.json?show_emails=true), read first, so the
// key must act as an admin. A member without an address there (a
// suspended or staged user) is left out. The automatic group everyone is
// not yielded: a category open to it is public.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		fail := func(err error) { yield(tributary.ExternalGroup{}, fmt.Errorf("discourse: list groups: %w", err)) }
		emails, err := c.userEmails(ctx)
		if err != nil {
			fail(err)
			return
		}
		done := map[string]bool{}
		for page := 0; ; page++ {
			var l apiGroups
			if err := c.get(ctx, "/groups.json?page="+strconv.Itoa(page), &l); err != nil {
				fail(c.keyRejected(ctx, err))
				return
			}
			if l.Groups == nil {
				fail(malformed("groups", "no groups in the answer"))
				return
			}
			fresh := 0
			for _, g := range l.Groups {
				if g.Name == "" {
					fail(malformed("groups", "a group without its name"))
					return
				}
				if done[g.Name] {
					continue
				}
				done[g.Name] = true
				if fresh++; g.Name == everyone {
					continue
				}
				members, err := c.groupMembers(ctx, g.Name, emails)
				if err != nil {
					fail(err)
					return
				}
				if !yield(tributary.ExternalGroup{ID: "group:" + g.Name, Name: cmp.Or(g.DisplayName, g.Name), MemberEmails: members}, nil) {
					return
				}
			}
			switch {
			case l.LoadMoreGroups == "":
				return
			case fresh == 0:
				fail(malformed("groups", "a page that names a next one has no group not listed before"))
				return
			}
		}
	}
}

// groupMembers reads a group's members and owners and returns their
// addresses, lower-cased and sorted.
func (c *Connector) groupMembers(ctx context.Context, name string, emails map[string]string) ([]string, error) {
	var out []string
	add := func(ms []apiMember) {
		for _, m := range ms {
			if e := emails[strings.ToLower(m.Username)]; e != "" {
				out = append(out, e)
			}
		}
	}
	for offset := 0; ; {
		q := url.Values{"offset": {strconv.Itoa(offset)}, "limit": {strconv.Itoa(membersLimit)}}
		var page apiMembers
		if err := c.get(ctx, "/groups/"+url.PathEscape(name)+"/members.json?"+q.Encode(), &page); err != nil {
			return nil, fmt.Errorf("members of %s: %w", name, err)
		}
		if page.Members == nil || page.Meta == nil {
			return nil, malformed("group members", "no members or meta in the answer")
		}
		if offset == 0 {
			add(page.Owners)
		}
		add(page.Members)
		offset += len(page.Members)
		if offset >= page.Meta.Total {
			break
		}
		if len(page.Members) == 0 {
			return nil, malformed("group members", "an empty page before the total")
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// userEmails maps each active user's lower-cased username to its
// lower-cased address, from the admin users list, 100 a page from page 1.
func (c *Connector) userEmails(ctx context.Context) (map[string]string, error) {
	emails := map[string]string{}
	var first string
	for page := 1; ; page++ {
		us, err := c.adminUsers(ctx, page)
		if err != nil {
			return nil, err
		}
		if len(us) == 0 {
			return emails, nil
		}
		if us[0].Username == first {
			return nil, malformed("users list", "a page repeats the one before")
		}
		first = us[0].Username
		for _, u := range us {
			if u.Username != "" && u.Email != "" {
				emails[strings.ToLower(u.Username)] = strings.ToLower(u.Email)
			}
		}
	}
}

// adminUsers reads a page of the admin users list with addresses.
// Discourse answers a user who is not an admin with 404, which is
// ErrInsufficientPermissions here.
func (c *Connector) adminUsers(ctx context.Context, page int) ([]apiAdminUser, error) {
	var us []apiAdminUser
	if err := c.get(ctx, "/admin/users/list/active.json?show_emails=true&page="+strconv.Itoa(page), &us); err != nil {
		if errors.Is(err, tributary.ErrNotFound) {
			err = tributary.NewError("discourse: users list", tributary.ErrInsufficientPermissions,
				fmt.Errorf("the key's user is not an admin, and only admins read users' e-mail addresses: %w", err))
		}
		return nil, fmt.Errorf("read users' e-mail addresses: %w", c.keyRejected(ctx, err))
	}
	return us, nil
}

func malformed(op, msg string) error {
	return tributary.NewError("discourse: "+op, tributary.ErrMalformedResponse, errors.New(msg))
}
