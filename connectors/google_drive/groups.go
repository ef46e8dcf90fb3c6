package googledrive

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/google"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups lists the domain's Google groups (groups.list, then members.list
// for each, as the administrator, with the group scope) as "group:ADDRESS"
// with their members' addresses, nested groups expanded, and then one
// group per domain of the directory's users, "domain:NAME", holding every
// user of that domain (users.list, with the user scope): the ids access
// names for domain sharing.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		admin := c.settings.AdminEmail
		if c.client.mode != "service_account" {
			admin = ""
		}
		gctx := google.As(ctx, admin, ScopeGroupReadonly)
		for token := ""; ; {
			q := url.Values{"customer": {"my_customer"}, "maxResults": {"200"}, "fields": {"nextPageToken,groups(id,email,name)"}}
			if token != "" {
				q.Set("pageToken", token)
			}
			var pg groupList
			if err := c.client.get(gctx, join(c.client.admin, "/groups", q), &pg); err != nil {
				yield(tributary.ExternalGroup{}, fmt.Errorf("google_drive: list groups: %w", err))
				return
			}
			for _, g := range pg.Groups {
				if g.Email == "" {
					continue
				}
				members, err := c.members(gctx, g.Email, map[string]bool{strings.ToLower(g.Email): true})
				if err != nil {
					yield(tributary.ExternalGroup{}, err)
					return
				}
				if !yield(tributary.ExternalGroup{ID: groupID(g.Email), Name: cmpOr(g.Name, g.Email), MemberEmails: members}, nil) {
					return
				}
			}
			if pg.NextPageToken == "" || pg.NextPageToken == token {
				break
			}
			token = pg.NextPageToken
		}
		if err := ctx.Err(); err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		c.domainGroups(ctx, admin, yield)
	}
}

// maxNesting bounds how deep nested groups are expanded.
const maxNesting = 8

// members returns a group's members' addresses, sorted, expanding member
// groups not in seen.
func (c *Connector) members(ctx context.Context, group string, seen map[string]bool) ([]string, error) {
	var out []string
	for token := ""; ; {
		q := url.Values{"maxResults": {"200"}, "fields": {"nextPageToken,members(email,type,status)"}}
		if token != "" {
			q.Set("pageToken", token)
		}
		var pg memberList
		if err := c.client.get(ctx, join(c.client.admin, "/groups/"+url.PathEscape(group)+"/members", q), &pg); err != nil {
			return nil, fmt.Errorf("google_drive: members of %s: %w", group, err)
		}
		for _, m := range pg.Members {
			email := strings.ToLower(m.Email)
			switch {
			case email == "" || m.Status == "SUSPENDED":
			case m.Type == "GROUP":
				if seen[email] || len(seen) > maxNesting {
					continue
				}
				seen[email] = true
				nested, err := c.members(ctx, email, seen)
				if err != nil {
					return nil, err
				}
				out = append(out, nested...)
			case m.Type == "USER" || m.Type == "":
				out = append(out, email)
			}
		}
		if pg.NextPageToken == "" || pg.NextPageToken == token {
			break
		}
		token = pg.NextPageToken
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// domainGroups yields one group per domain of the directory's users.
func (c *Connector) domainGroups(ctx context.Context, admin string, yield func(tributary.ExternalGroup, error) bool) {
	byDomain := map[string][]string{}
	for u, err := range c.directoryUsers(ctx, admin) {
		if err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		email := strings.ToLower(u.PrimaryEmail)
		if _, d, ok := strings.Cut(email, "@"); ok && !u.Suspended {
			byDomain[d] = append(byDomain[d], email)
		}
	}
	domains := make([]string, 0, len(byDomain))
	for d := range byDomain {
		domains = append(domains, d)
	}
	slices.Sort(domains)
	for _, d := range domains {
		members := byDomain[d]
		slices.Sort(members)
		if !yield(tributary.ExternalGroup{ID: domainID(d), Name: d, MemberEmails: slices.Compact(members)}, nil) {
			return
		}
	}
}
