package zulip

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

type apiMember struct {
	ID    int64  `json:"user_id"`
	Email string `json:"email"`
	// DeliveryEmail is the real address, null to those the organization
	// hides it from (Email is then a fake one, good only for the API),
	// absent from older servers, whose Email is the real one.
	DeliveryEmail json.RawMessage `json:"delivery_email"`
	Role          int             `json:"role"`
	IsActive      bool            `json:"is_active"`
}

// address is the member's real address, or "" when it is hidden.
func (m *apiMember) address() string {
	if len(m.DeliveryEmail) == 0 {
		return m.Email
	}
	var e *string
	if json.Unmarshal(m.DeliveryEmail, &e) != nil || e == nil {
		return ""
	}
	return *e
}

type apiMembers struct {
	apiResult
	Members []apiMember `json:"members"`
}

type apiSubscribers struct {
	apiResult
	Subscribers []int64 `json:"subscribers"`
}

type apiUserGroup struct {
	ID      int64   `json:"id"`
	Name    string  `json:"name"`
	Members []int64 `json:"members"`
}

type apiUserGroups struct {
	apiResult
	Groups []apiUserGroup `json:"user_groups"`
}

// Groups yields GroupOrg (the organization's active members, guests
// excluded, who read every public stream), a group "stream:ID" with the
// subscribers of each private stream the account reads, and each user
// group as "usergroup:ID".
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		fail := func(err error) { yield(tributary.ExternalGroup{}, fmt.Errorf("zulip: list groups: %w", err)) }
		var us apiMembers
		if err := c.get(ctx, "/users", nil, &us); err != nil {
			fail(err)
			return
		}
		emails := map[int64]string{}
		var org []string
		for _, u := range us.Members {
			if e := u.address(); u.IsActive && e != "" {
				emails[u.ID] = strings.ToLower(e)
				if u.Role < 600 {
					org = append(org, emails[u.ID])
				}
			}
		}
		if !yield(tributary.ExternalGroup{ID: GroupOrg, Name: "Organization members", MemberEmails: sorted(org)}, nil) {
			return
		}
		var ss apiStreams
		if err := c.get(ctx, "/streams", nil, &ss); err != nil {
			fail(err)
			return
		}
		for _, st := range ss.Streams {
			if !st.InviteOnly {
				continue
			}
			var subs apiSubscribers
			if err := c.get(ctx, "/streams/"+strconv.FormatInt(st.ID, 10)+"/members", nil, &subs); err != nil {
				fail(err)
				return
			}
			if !yield(tributary.ExternalGroup{ID: streamGroup(st.ID), Name: st.Name, MemberEmails: emailsOf(emails, subs.Subscribers)}, nil) {
				return
			}
		}
		var gs apiUserGroups
		if err := c.get(ctx, "/user_groups", nil, &gs); err != nil {
			fail(err)
			return
		}
		for _, g := range gs.Groups {
			if !yield(tributary.ExternalGroup{ID: "usergroup:" + strconv.FormatInt(g.ID, 10), Name: g.Name, MemberEmails: emailsOf(emails, g.Members)}, nil) {
				return
			}
		}
	}
}

func emailsOf(emails map[int64]string, ids []int64) []string {
	var out []string
	for _, id := range ids {
		if e := emails[id]; e != "" {
			out = append(out, e)
		}
	}
	return sorted(out)
}

func sorted(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
