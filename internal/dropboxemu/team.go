package dropboxemu

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Scopes of team tokens the emulator checks.
const (
	ScopeTeamDataMember = "team_data.member"
	ScopeMembersRead    = "members.read"
	ScopeGroupsRead     = "groups.read"
)

// TeamMember is a member of the account's team.
type TeamMember struct {
	ID        string // team_member_id: dbmid:...
	AccountID string // dbid:...
	Email     string
	Name      string
	// Admin lets the member be selected with Dropbox-API-Select-Admin.
	Admin bool
}

// Group is a group of the team: its members by team_member_id.
type Group struct {
	ID      string // g:...
	Name    string
	Members []string
	// CompanyManaged marks a group the team's admins manage (Dropbox's
	// company_managed); others are user_managed.
	CompanyManaged bool
}

// generateTeam fills the team of a generated account with a team space:
// the account's user as an admin, two more members and two groups, one
// of them the g:engineering that generated files are shared with.
func (d *Data) generateTeam() {
	d.Members = []TeamMember{
		{ID: "dbmid:AAAna0000000000001", AccountID: d.Account.AccountID, Email: d.Account.Email, Name: d.Account.Name, Admin: true},
		{ID: "dbmid:AABo00000000000002", AccountID: "dbid:AAEmulatedAccount02", Email: "bo@acme.test", Name: "Bo Ek"},
		{ID: "dbmid:AACy00000000000003", AccountID: "dbid:AAEmulatedAccount03", Email: "Cy@Acme.test", Name: "Cy Ode"},
	}
	d.Groups = []Group{
		{ID: "g:engineering", Name: "Engineering", Members: []string{"dbmid:AAAna0000000000001", "dbmid:AABo00000000000002"}},
		{ID: "g:everyone", Name: "Everyone at Acme", CompanyManaged: true, Members: []string{"dbmid:AAAna0000000000001", "dbmid:AABo00000000000002", "dbmid:AACy00000000000003"}},
	}
}

// AddTeamToken makes tok a valid team access token with scopes (none:
// every scope): it calls the team endpoints, and the user endpoints only
// with Dropbox-API-Select-User or Dropbox-API-Select-Admin naming a
// member, as Dropbox's team tokens do.
func (s *Server) AddTeamToken(tok string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = token{scopes: scopesOrAll(scopes), team: true}
}

func (s *Server) tokenOf(r *http.Request) token {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[tok]
}

// selectedKey carries the member a team token acts as.
type selectedKey struct{}

// asUser guards a user endpoint: a team token must select the member it
// acts for, and one selected with Select-Admin must be an admin.
func (s *Server) asUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.tokenOf(r).team {
			h(w, r)
			return
		}
		fn := strings.TrimPrefix(r.URL.Path, "/2/")
		user, admin := r.Header.Get("Dropbox-API-Select-User"), r.Header.Get("Dropbox-API-Select-Admin")
		id, header := user, "Dropbox-API-Select-User"
		if user == "" {
			id, header = admin, "Dropbox-API-Select-Admin"
		}
		if id == "" {
			badRequest(w, `"`+fn+`": This API function operates on a single Dropbox account, but the OAuth 2 access token you provided `+
				`is for an entire Dropbox Business team. Since your API app key has team member file access permissions, you can operate `+
				`on a team member's Dropbox by providing the "Dropbox-API-Select-User" HTTP header or "Dropbox-API-Select-Admin" HTTP header.`)
			return
		}
		if !s.hasScope(w, r, ScopeTeamDataMember) {
			return
		}
		m, ok := s.member(id)
		switch {
		case !ok:
			badRequest(w, `"`+fn+`": Invalid `+header+` header value: no team member has the id "`+id+`".`)
			return
		case header == "Dropbox-API-Select-Admin" && !m.Admin:
			badRequest(w, `"`+fn+`": The team member selected with Dropbox-API-Select-Admin is not a team admin.`)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), selectedKey{}, m)))
	}
}

// asTeam guards a team endpoint: only team tokens call it.
func (s *Server) asTeam(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.tokenOf(r).team {
			badRequest(w, `"`+strings.TrimPrefix(r.URL.Path, "/2/")+`": This API function operates on a Dropbox Business team, `+
				`but the OAuth 2 access token you provided is for a single Dropbox account.`)
			return
		}
		h(w, r)
	}
}

func (s *Server) member(id string) (TeamMember, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.data.Members {
		if m.ID == id {
			return m, true
		}
	}
	return TeamMember{}, false
}

func profile(m TeamMember) map[string]any {
	given, surname, _ := strings.Cut(m.Name, " ")
	return map[string]any{"team_member_id": m.ID, "account_id": m.AccountID, "email": m.Email, "email_verified": true,
		"status": map[string]any{".tag": "active"}, "membership_type": map[string]any{".tag": "full"},
		"name": map[string]any{"display_name": m.Name, "given_name": given, "surname": surname, "familiar_name": given, "abbreviated_name": ""}}
}

// membersGetInfo answers team/members/get_info: one item per selector,
// member_info or id_not_found, in the order asked.
func (s *Server) membersGetInfo(w http.ResponseWriter, r *http.Request) {
	var a struct {
		Members []map[string]string `json:"members"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeMembersRead) {
		return
	}
	if len(a.Members) == 0 || len(a.Members) > 100 {
		badRequest(w, "request body: members: between 1 and 100 items")
		return
	}
	out := []any{}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sel := range a.Members {
		key, value := sel[".tag"], sel[sel[".tag"]]
		var found *TeamMember
		for i, m := range s.data.Members {
			if key == "team_member_id" && m.ID == value || key == "email" && strings.EqualFold(m.Email, value) {
				found = &s.data.Members[i]
			}
		}
		if found == nil {
			out = append(out, map[string]any{".tag": "id_not_found", "id_not_found": value})
			continue
		}
		role := "member_only"
		if found.Admin {
			role = "team_admin"
		}
		out = append(out, map[string]any{".tag": "member_info", "profile": profile(*found), "role": map[string]any{".tag": role}})
	}
	emulator.WriteJSON(w, http.StatusOK, out)
}

// teamCursor is the state of a groups or group members cursor.
type teamCursor struct {
	Group  string `json:"g,omitempty"`
	Offset int    `json:"o"`
	Limit  int    `json:"n"`
}

func encodeTeamCursor(c teamCursor) string {
	b, _ := json.Marshal(c)
	return "TC" + base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) teamContinue(w http.ResponseWriter, r *http.Request, scope string) (teamCursor, bool) {
	var a struct {
		Cursor string `json:"cursor"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, scope) {
		return teamCursor{}, false
	}
	var c teamCursor
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(a.Cursor, "TC"))
	if err != nil || !strings.HasPrefix(a.Cursor, "TC") || json.Unmarshal(b, &c) != nil {
		endpointError(w, "invalid_cursor", "")
		return teamCursor{}, false
	}
	return c, true
}

// teamLimit is the page size of a team listing asked for limit.
func (s *Server) teamLimit(limit int) int {
	if limit == 0 {
		limit = 1000
	}
	if s.opts.TeamPage > 0 {
		limit = min(limit, s.opts.TeamPage)
	}
	return limit
}

func (s *Server) groupsList(w http.ResponseWriter, r *http.Request) {
	var a struct {
		Limit int `json:"limit"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeGroupsRead) {
		return
	}
	if a.Limit < 0 || a.Limit > 1000 {
		badRequest(w, "request body: limit: out of range")
		return
	}
	s.groupsPage(w, teamCursor{Limit: a.Limit})
}

func (s *Server) groupsContinue(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.teamContinue(w, r, ScopeGroupsRead); ok {
		s.groupsPage(w, c)
	}
}

func (s *Server) groupsPage(w http.ResponseWriter, c teamCursor) {
	limit := c.Limit
	limit = s.teamLimit(limit)
	s.mu.Lock()
	all := s.data.Groups
	end := min(c.Offset+limit, len(all))
	groups := []any{}
	for _, g := range all[min(c.Offset, end):end] {
		kind := "user_managed"
		if g.CompanyManaged {
			kind = "company_managed"
		}
		groups = append(groups, map[string]any{"group_name": g.Name, "group_id": g.ID, "member_count": len(g.Members),
			"group_management_type": map[string]any{".tag": kind}})
	}
	s.mu.Unlock()
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"groups": groups, "has_more": end < len(all),
		"cursor": encodeTeamCursor(teamCursor{Offset: end, Limit: c.Limit})})
}

func (s *Server) groupMembersList(w http.ResponseWriter, r *http.Request) {
	var a struct {
		Group map[string]string `json:"group"`
		Limit int               `json:"limit"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeGroupsRead) {
		return
	}
	if a.Limit < 0 || a.Limit > 1000 || a.Group[".tag"] != "group_id" {
		badRequest(w, "request body: group or limit: invalid")
		return
	}
	s.groupMembersPage(w, teamCursor{Group: a.Group["group_id"], Limit: a.Limit})
}

func (s *Server) groupMembersContinue(w http.ResponseWriter, r *http.Request) {
	if c, ok := s.teamContinue(w, r, ScopeGroupsRead); ok {
		s.groupMembersPage(w, c)
	}
}

func (s *Server) groupMembersPage(w http.ResponseWriter, c teamCursor) {
	limit := c.Limit
	limit = s.teamLimit(limit)
	s.mu.Lock()
	defer s.mu.Unlock()
	var g *Group
	for i := range s.data.Groups {
		if s.data.Groups[i].ID == c.Group {
			g = &s.data.Groups[i]
		}
	}
	if g == nil {
		endpointError(w, "group_not_found", "")
		return
	}
	end := min(c.Offset+limit, len(g.Members))
	members := []any{}
	for _, id := range g.Members[min(c.Offset, end):end] {
		for _, m := range s.data.Members {
			if m.ID == id {
				members = append(members, map[string]any{"profile": profile(m), "access_type": map[string]any{".tag": "member"}})
			}
		}
	}
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"members": members, "has_more": end < len(g.Members),
		"cursor": encodeTeamCursor(teamCursor{Group: c.Group, Offset: end, Limit: c.Limit})})
}
