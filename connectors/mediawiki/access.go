package mediawiki

import (
	"context"
	"iter"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// access is who may see the wiki's pages when the host wants
// permissions: everyone for a wiki read anonymously, and the wiki's
// users (one group standing for everyone who may log in) for a wiki read
// with a bot password, which is taken to be private. MediaWiki's
// read permission is wiki-wide, so every page has the same access.
func (r *run) access() *tributary.ExternalAccess {
	if !r.c.env.WantPermissions {
		return nil
	}
	if r.c.client.creds.Username == "" {
		return &tributary.ExternalAccess{Public: true}
	}
	return &tributary.ExternalAccess{GroupIDs: []string{r.c.groupID(r.site)}}
}

// groupID names the group of a wiki's users.
func (c *Connector) groupID(si *siteInfo) string { return si.Server + "#users" }

// Groups yields the one group of a private wiki: its users, a group that
// gives anyone who may log in access (MediaWiki does not show e-mail
// addresses to bots). A wiki read anonymously has no groups.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		if c.client.creds.Username == "" {
			return
		}
		si, err := c.site(ctx)
		if err != nil {
			yield(tributary.ExternalGroup{}, err)
			return
		}
		yield(tributary.ExternalGroup{ID: c.groupID(si), Name: "Users of " + si.Server, GivesAnyoneAccess: true}, nil)
	}
}
