package githubemu

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// orgTeams returns the teams of an organization: every team any of its
// repositories names, once by slug, in slug order.
func (s *Server) orgTeams(org *User) []Team {
	var out []Team
	for _, r := range s.data.Repos {
		if r.Owner != org {
			continue
		}
		for _, t := range r.Teams {
			if !slices.ContainsFunc(out, func(x Team) bool { return strings.EqualFold(x.Slug, t.Slug) }) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b Team) int { return cmp.Compare(a.Slug, b.Slug) })
	return out
}

// orgForTeams returns the organization of the path when the caller may
// read its teams: read:org for a classic token, the Members organization
// permission for a fine-grained one.
func (s *Server) orgForTeams(c *call) (*User, int, any) {
	org := s.data.User(c.r.PathValue("org"))
	if org == nil || !org.Organization {
		st, v := notFound()
		return nil, st, v
	}
	if c.token == nil || !c.token.Permissions.Members {
		st, v := forbidden("Resource not accessible by personal access token")
		return nil, st, v
	}
	return org, 0, nil
}

// listOrgTeams answers GET /orgs/{org}/teams.
func (s *Server) listOrgTeams(c *call, h http.Header) (int, any) {
	org, st, v := s.orgForTeams(c)
	if org == nil {
		return st, v
	}
	lq, _ := parseList(c.r.URL.Query(), []string{"created"}, "created", false)
	pg, last := page(s.orgTeams(org), lq)
	setLink(h, c.r, lq.page, last)
	out := make([]teamJSON, 0, len(pg))
	for _, t := range pg {
		out = append(out, teamJSON{ID: t.ID, NodeID: "T_kwDO" + strconv.FormatInt(t.ID, 10), Name: t.Name, Slug: t.Slug,
			Permission: "pull", Privacy: "closed", HTMLURL: s.opts.WebURL + "/orgs/" + org.Login + "/teams/" + t.Slug})
	}
	return http.StatusOK, out
}

// listTeamMembers answers GET /orgs/{org}/teams/{team_slug}/members with
// simple users, which carry no e-mail address, as on GitHub.
func (s *Server) listTeamMembers(c *call, h http.Header) (int, any) {
	org, st, v := s.orgForTeams(c)
	if org == nil {
		return st, v
	}
	teams := s.orgTeams(org)
	i := slices.IndexFunc(teams, func(t Team) bool { return strings.EqualFold(t.Slug, c.r.PathValue("team_slug")) })
	if i < 0 {
		return notFound()
	}
	lq, _ := parseList(c.r.URL.Query(), []string{"created"}, "created", false)
	pg, last := page(teams[i].Members, lq)
	setLink(h, c.r, lq.page, last)
	return http.StatusOK, s.urls(c).users(pg)
}
