package dropbox

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// groupsPage is a team/groups/list answer.
type groupsPage struct {
	Groups []struct {
		GroupID   string `json:"group_id"`
		GroupName string `json:"group_name"`
	} `json:"groups"`
	Cursor  string `json:"cursor"`
	HasMore bool   `json:"has_more"`
}

// groupMembersPage is a team/groups/members/list answer.
type groupMembersPage struct {
	Members []struct {
		Profile struct {
			Email  string `json:"email"`
			Status struct {
				Tag string `json:".tag"`
			} `json:"status"`
		} `json:"profile"`
	} `json:"members"`
	Cursor  string `json:"cursor"`
	HasMore bool   `json:"has_more"`
}

// maxGroupPages bounds the pages of one listing of groups or of a
// group's members, past which the listing is taken to loop.
const maxGroupPages = 10_000

// Groups yields the team's groups (team/groups/list, continued) with the
// addresses of their active members (team/groups/members/list), under
// the group ids Dropbox gives (g:...), which documents' access names. It
// needs a team token with groups.read: a user's token is ErrNotSupported.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		var pg groupsPage
		err := c.client.teamRPC(ctx, "team/groups/list", map[string]any{"limit": 1000}, &pg)
		seen := map[string]bool{}
		for n := 0; ; n++ {
			if err != nil {
				yield(tributary.ExternalGroup{}, groupsError("dropbox: list groups", err))
				return
			}
			for _, g := range pg.Groups {
				if g.GroupID == "" {
					yield(tributary.ExternalGroup{}, tributary.NewError("dropbox: list groups", tributary.ErrMalformedResponse, errors.New("a group without a group_id")))
					return
				}
				if seen[g.GroupID] {
					continue
				}
				seen[g.GroupID] = true
				emails, err := c.groupMembers(ctx, g.GroupID)
				if err != nil {
					yield(tributary.ExternalGroup{}, err)
					return
				}
				if !yield(tributary.ExternalGroup{ID: g.GroupID, Name: g.GroupName, MemberEmails: emails}, nil) {
					return
				}
			}
			if !pg.HasMore {
				return
			}
			cursor := pg.Cursor
			if cursor == "" || n >= maxGroupPages {
				yield(tributary.ExternalGroup{}, tributary.NewError("dropbox: list groups", tributary.ErrMalformedResponse, errors.New("more groups without a cursor, or pages that do not end")))
				return
			}
			pg = groupsPage{}
			if err = c.client.teamRPC(ctx, "team/groups/list/continue", map[string]string{"cursor": cursor}, &pg); err == nil && pg.HasMore && pg.Cursor == cursor {
				err = tributary.NewError("dropbox: list groups", tributary.ErrMalformedResponse, errors.New("a cursor repeated"))
			}
		}
	}
}

// groupMembers returns the lower-cased addresses of a group's active
// members, sorted, without duplicates.
func (c *Connector) groupMembers(ctx context.Context, id string) ([]string, error) {
	op := "dropbox: list members of group " + id
	var emails []string
	var pg groupMembersPage
	err := c.client.teamRPC(ctx, "team/groups/members/list", map[string]any{"group": map[string]string{".tag": "group_id", "group_id": id}, "limit": 1000}, &pg)
	for n := 0; ; n++ {
		if err != nil {
			return nil, groupsError(op, err)
		}
		for _, m := range pg.Members {
			if m.Profile.Email != "" && m.Profile.Status.Tag == "active" {
				emails = append(emails, strings.ToLower(m.Profile.Email))
			}
		}
		if !pg.HasMore {
			slices.Sort(emails)
			return slices.Compact(emails), nil
		}
		cursor := pg.Cursor
		if cursor == "" || n >= maxGroupPages {
			return nil, tributary.NewError(op, tributary.ErrMalformedResponse, errors.New("more members without a cursor, or pages that do not end"))
		}
		pg = groupMembersPage{}
		if err = c.client.teamRPC(ctx, "team/groups/members/list/continue", map[string]string{"cursor": cursor}, &pg); err == nil && pg.HasMore && pg.Cursor == cursor {
			return nil, tributary.NewError(op, tributary.ErrMalformedResponse, errors.New("a cursor repeated"))
		}
	}
}

// groupsError classifies a failed team call: Dropbox's 400 to a user's
// token is ErrNotSupported (group sync needs a team token), a 409 (a
// group deleted meanwhile, a cursor refused) is classified as endpoint
// errors are.
func groupsError(op string, err error) error {
	if badRequest(err) {
		return tributary.NewError(op, tributary.ErrNotSupported, fmt.Errorf("group sync needs a team token with groups.read: %w", err))
	}
	if summaryOf(err) != "" {
		return classify(op, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
