package bookstack

import (
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

// errStopped ends a listing whose consumer stopped.
var errStopped = errors.New("bookstack: listing stopped")

// Groups yields every role as a group ("role:ID", RoleGroup) with the
// addresses of its users: GET /api/users for the addresses, then GET
// /api/roles and one GET /api/roles/{id} per role for its users. Both need
// the "Manage users" role permission. Any failed request ends the listing
// with its error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		err := c.groups(ctx, func(g tributary.ExternalGroup) error {
			if !yield(g, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			yield(tributary.ExternalGroup{}, fmt.Errorf("bookstack: list groups: %w", err))
		}
	}
}

func (c *Connector) groups(ctx context.Context, yield func(tributary.ExternalGroup) error) error {
	emails := map[int]string{}
	err := all(ctx, c.client, "users", url.Values{"sort": {"+id"}}, c.settings.PageSize, func(u *apiUser) error {
		if u.ID <= 0 {
			return malformed("users", "user without an id")
		}
		emails[u.ID] = lowerEmail(u.Email)
		return nil
	})
	if err != nil {
		return err
	}
	var roles []apiRole
	err = all(ctx, c.client, "roles", url.Values{"sort": {"+id"}}, c.settings.PageSize, func(r *apiRole) error {
		if r.ID <= 0 {
			return malformed("roles", "role without an id")
		}
		roles = append(roles, *r)
		return nil
	})
	if err != nil {
		return err
	}
	for _, ro := range roles {
		var full apiRole
		if err := c.client.get(ctx, "roles/"+strconv.Itoa(ro.ID), nil, &full); err != nil {
			return fmt.Errorf("read role %d: %w", ro.ID, err)
		}
		if full.ID != ro.ID {
			return malformed("roles/"+strconv.Itoa(ro.ID), "the role answered is %d", full.ID)
		}
		g := tributary.ExternalGroup{ID: RoleGroup(ro.ID), Name: ro.DisplayName, MemberEmails: []string{}}
		for _, u := range full.Users {
			if e := emails[u.ID]; e != "" {
				g.MemberEmails = append(g.MemberEmails, e)
			}
		}
		slices.Sort(g.MemberEmails)
		g.MemberEmails = slices.Compact(g.MemberEmails)
		if err := yield(g); err != nil {
			return err
		}
	}
	return nil
}

// lowerEmail returns an address lower-cased, or "" for a value that is not
// one.
func lowerEmail(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	if i := strings.IndexByte(e, '@'); i <= 0 || i == len(e)-1 {
		return ""
	}
	return e
}
