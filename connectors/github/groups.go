package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.GroupSyncer = (*Connector)(nil)

// maxEmailCache bounds how many members' e-mail addresses one listing
// remembers, so memory does not grow with the size of the organization.
const maxEmailCache = 4096

// Groups yields the teams of every organization that owns a configured
// repository or is the configured owner, as "team:ORG/SLUG" (the group ids
// of documents' access), organization by organization in name order and
// in GitHub's order within one. A team's members come from
// /orgs/ORG/teams/SLUG/members, which names accounts without e-mail
// addresses; each member's public profile address is read from
// /users/LOGIN, and a member whose profile shows none is left out (GitHub
// reveals no other address). Listing teams needs read:org for a classic
// token, the Members organization permission (read) for a fine-grained
// one. Any failed request ends the listing with its error.
func (c *Connector) Groups(ctx context.Context) iter.Seq2[tributary.ExternalGroup, error] {
	return func(yield func(tributary.ExternalGroup, error) bool) {
		orgs, err := c.organizations(ctx)
		if err != nil {
			yield(tributary.ExternalGroup{}, fmt.Errorf("github: list groups: %w", err))
			return
		}
		emails := map[string]string{}
		for _, org := range orgs {
			first := c.client.url("/orgs/"+url.PathEscape(org)+"/teams", url.Values{"per_page": {"100"}})
			for t, err := range each[apiOrgTeam](ctx, c.client, first) {
				var g tributary.ExternalGroup
				if err == nil {
					g, err = c.team(ctx, org, t, emails)
				}
				if err != nil {
					yield(tributary.ExternalGroup{}, fmt.Errorf("github: list teams of %s: %w", org, err))
					return
				}
				if !yield(g, nil) {
					return
				}
			}
		}
	}
}

// organizations returns the logins, as GitHub spells them, of the
// organizations among the configured repositories' owners and the
// configured owner, sorted, each once. A user account has no teams.
func (c *Connector) organizations(ctx context.Context) ([]string, error) {
	var owners []string
	for _, r := range c.repos {
		owner, _, _ := strings.Cut(r, "/")
		owners = append(owners, owner)
	}
	if c.settings.Owner != "" {
		owners = append(owners, c.settings.Owner)
	}
	slices.SortFunc(owners, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	owners = slices.CompactFunc(owners, strings.EqualFold)
	var orgs []string
	for _, o := range owners {
		var u apiUser
		if err := c.client.get(ctx, c.client.url("/users/"+url.PathEscape(o), nil), &u); err != nil {
			return nil, fmt.Errorf("look up owner %s: %w", o, err)
		}
		if strings.EqualFold(u.Type, "Organization") {
			orgs = append(orgs, u.Login)
		}
	}
	return orgs, nil
}

// team reads the members of one team and their public e-mail addresses.
func (c *Connector) team(ctx context.Context, org string, t *apiOrgTeam, emails map[string]string) (tributary.ExternalGroup, error) {
	if t.Slug == "" {
		return tributary.ExternalGroup{}, tributary.NewError("github: list teams", tributary.ErrMalformedResponse, errors.New("a team without a slug"))
	}
	g := tributary.ExternalGroup{ID: "team:" + org + "/" + t.Slug, Name: cmp.Or(t.Name, t.Slug)}
	first := c.client.url("/orgs/"+url.PathEscape(org)+"/teams/"+url.PathEscape(t.Slug)+"/members",
		url.Values{"per_page": {"100"}, "role": {"all"}})
	for m, err := range each[apiUser](ctx, c.client, first) {
		if err != nil {
			return g, fmt.Errorf("members of team %s: %w", t.Slug, err)
		}
		e, err := c.memberEmail(ctx, m, emails)
		if err != nil {
			return g, fmt.Errorf("members of team %s: %w", t.Slug, err)
		}
		if e != "" {
			g.MemberEmails = append(g.MemberEmails, e)
		}
	}
	slices.Sort(g.MemberEmails)
	g.MemberEmails = slices.Compact(g.MemberEmails)
	return g, nil
}

// memberEmail returns the lower-cased public e-mail address of a member,
// or "" when the profile shows none.
func (c *Connector) memberEmail(ctx context.Context, m *apiUser, cache map[string]string) (string, error) {
	if m.Email != "" {
		return strings.ToLower(m.Email), nil
	}
	if m.Login == "" {
		return "", nil
	}
	if e, ok := cache[m.Login]; ok {
		return e, nil
	}
	var u apiUser
	if err := c.client.get(ctx, c.client.url("/users/"+url.PathEscape(m.Login), nil), &u); err != nil {
		return "", fmt.Errorf("look up %s: %w", m.Login, err)
	}
	if len(cache) >= maxEmailCache {
		clear(cache)
	}
	e := strings.ToLower(u.Email)
	cache[m.Login] = e
	return e, nil
}

// apiOrgTeam is a team of an organization's team listing.
type apiOrgTeam struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// probeGroups reads one team of the first organization, and one member of
// it. It returns no result when no owner is an organization.
func (c *Connector) probeGroups(ctx context.Context) []tributary.ProbeResult {
	orgs, err := c.organizations(ctx)
	if err != nil {
		return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapGroupSync, err)}
	}
	if len(orgs) == 0 {
		return nil
	}
	org := orgs[0]
	missing := "Members (read) organization permission on " + org
	classic, err := c.probeGet(ctx, c.client.url("/user", nil))
	if classic {
		missing = "read:org"
	}
	var teams []apiOrgTeam
	if err == nil {
		err = c.client.get(ctx, c.client.url("/orgs/"+url.PathEscape(org)+"/teams", url.Values{"per_page": {"1"}}), &teams)
	}
	if err == nil && len(teams) > 0 && teams[0].Slug != "" {
		_, err = c.probeGet(ctx, c.client.url("/orgs/"+url.PathEscape(org)+"/teams/"+url.PathEscape(teams[0].Slug)+"/members",
			url.Values{"per_page": {"1"}}))
	}
	return []tributary.ProbeResult{tributary.ProbeOf(tributary.CapGroupSync, err, missing)}
}
