package box

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

// maxGroupPages bounds the pages of one listing of groups or of a
// group's memberships, past which the listing is taken to loop.
const maxGroupPages = 10_000

type group struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type membership struct {
	User *user `json:"user"`
}

// Groups yields the enterprise's groups (GET /2.0/groups, offset paged)
// with their members' logins (GET /2.0/groups/ID/memberships), under the
// group ids collaborations name. It needs the manage_groups scope (and,
// for every group, an admin or the enterprise's service account): a
// token without it ends with ErrInsufficientPermissions.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		seen := map[string]bool{}
		for g, err := range offsetPages[group](ctx, c, "/groups", "box: list groups") {
			if err != nil {
				yield(tributary.ExternalGroup{}, err)
				return
			}
			if g.ID == "" {
				yield(tributary.ExternalGroup{}, tributary.NewError("box: list groups", tributary.ErrMalformedResponse, errors.New("a group without an id")))
				return
			}
			if seen[g.ID] {
				continue
			}
			seen[g.ID] = true
			var emails []string
			for m, err := range offsetPages[membership](ctx, c, "/groups/"+g.ID+"/memberships", "box: list members of group "+g.ID) {
				if err != nil {
					yield(tributary.ExternalGroup{}, err)
					return
				}
				if m.User != nil && m.User.Login != "" {
					emails = append(emails, strings.ToLower(m.User.Login))
				}
			}
			slices.Sort(emails)
			if !yield(tributary.ExternalGroup{ID: g.ID, Name: g.Name, MemberEmails: slices.Compact(emails)}, nil) {
				return
			}
		}
	}
}

// offsetPages yields the entries of an offset-paged listing, ending with
// an error when a page fails or the pages contradict their total.
func offsetPages[T any](ctx context.Context, c *Connector, path, op string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		offset := 0
		for n := 0; ; n++ {
			var pg offsetPage[T]
			if err := c.client.get(ctx, path, url.Values{"limit": {"1000"}, "offset": {strconv.Itoa(offset)}}, &pg); err != nil {
				yield(zero, fmt.Errorf("%s: %w", op, err))
				return
			}
			for _, e := range pg.Entries {
				if !yield(e, nil) {
					return
				}
			}
			offset += len(pg.Entries)
			switch {
			case offset >= pg.TotalCount:
				return
			case len(pg.Entries) == 0 || n >= maxGroupPages:
				yield(zero, tributary.NewError(op, tributary.ErrMalformedResponse, fmt.Errorf("an empty page at offset %d of %d", offset, pg.TotalCount)))
				return
			}
		}
	}
}
