package discord

import (
	"context"
	"iter"
	"net/url"
	"slices"
	"strconv"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// Groups yields, per guild read, the guild's group (guild:GUILD, every
// member) and a group per role (role:GUILD/ROLE), with the members whose
// address user_emails gives. Members are listed (GET /guilds/{id}/members,
// 1,000 at a time by after=, which needs the Server Members intent) only
// when user_emails names someone: Discord shows a bot no address.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		guilds, err := c.guilds(ctx)
		if err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		for _, g := range guilds {
			var roles []apiRole
			if err := c.client.get(ctx, "/guilds/"+g.ID+"/roles", &roles); err != nil {
				yield(tributary.ExternalGroup{}, err)
				return
			}
			members, err := c.memberEmails(ctx, g.ID)
			if err != nil {
				yield(tributary.ExternalGroup{}, err)
				return
			}
			if !yield(tributary.ExternalGroup{ID: guildGroup(g.ID), Name: g.Name, MemberEmails: sortedSet(members[g.ID])}, nil) {
				return
			}
			for _, r := range roles {
				if r.ID == g.ID {
					continue
				}
				if !yield(tributary.ExternalGroup{ID: roleGroup(g.ID, r.ID), Name: g.Name + " / " + r.Name,
					MemberEmails: sortedSet(members[r.ID])}, nil) {
					return
				}
			}
		}
		if err := ctx.Err(); err != nil {
			yield(tributary.ExternalGroup{}, err)
		}
	}
}

// memberEmails lists a guild's members and returns, by role id (and the
// guild's id for everyone), the addresses of those user_emails names.
func (c *Connector) memberEmails(ctx context.Context, guild string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(c.settings.UserEmails) == 0 {
		return out, nil
	}
	after := "0"
	for {
		var page []apiMember
		q := url.Values{"limit": {strconv.Itoa(c.opts.memberPage)}, "after": {after}}
		if err := c.client.get(ctx, "/guilds/"+guild+"/members?"+q.Encode(), &page); err != nil {
			return nil, err
		}
		for _, m := range page {
			if m.User == nil || !validID(m.User.ID) || compareIDs(m.User.ID, after) <= 0 {
				return nil, malformed("members", "guild %s: members out of order after %s", guild, after)
			}
			after = m.User.ID
			addr := c.settings.UserEmails[m.User.ID]
			if addr == "" {
				continue
			}
			out[guild] = append(out[guild], addr)
			for _, r := range m.Roles {
				out[r] = append(out[r], addr)
			}
		}
		if len(page) < c.opts.memberPage {
			return out, nil
		}
	}
}

func sortedSet(s []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(s)))
}
