package slackemu

import "slices"

// UserGroup is a workspace's user group (a "subteam", mentioned as
// @handle), with the ids of its members.
type UserGroup struct {
	ID     string // S...
	Name   string
	Handle string
	Users  []string
	// Disabled groups are listed only with include_disabled.
	Disabled bool
}

// AddUserGroup adds a user group, replacing one with the same id.
func (w *Workspace) AddUserGroup(g UserGroup) {
	g.Users = slices.Clone(g.Users)
	if i := slices.IndexFunc(w.userGroups, func(x UserGroup) bool { return x.ID == g.ID }); i >= 0 {
		w.userGroups[i] = g
		return
	}
	w.userGroups = append(w.userGroups, g)
}

// SetPlanWithoutUserGroups makes the user group methods answer
// plan_upgrade_required, as on a free workspace.
func (w *Workspace) SetPlanWithoutUserGroups(without bool) { w.noUserGroups = without }

func userGroupObj(w *Workspace, g UserGroup, users bool) obj {
	deleted := 0
	if g.Disabled {
		deleted = 1700000000
	}
	o := obj{"id": g.ID, "team_id": w.TeamID, "name": g.Name, "handle": g.Handle,
		"is_usergroup": true, "date_delete": deleted, "user_count": len(g.Users)}
	if users {
		o["users"] = g.Users
	}
	return o
}

func truthy(v string) bool { return v == "true" || v == "1" }

// usergroupsList answers usergroups.list (Tier 2, usergroups:read). It is
// not paginated: every group comes in one answer.
func (s *Server) usergroupsList(tok Token, p map[string]string) obj {
	if !has(tok, "usergroups:read") {
		return missingScope("usergroups:read", tok)
	}
	if s.ws.noUserGroups {
		return errorBody("plan_upgrade_required")
	}
	groups := []obj{}
	for _, g := range s.ws.userGroups {
		if g.Disabled && !truthy(p["include_disabled"]) {
			continue
		}
		groups = append(groups, userGroupObj(s.ws, g, truthy(p["include_users"])))
	}
	return obj{"ok": true, "usergroups": groups}
}

// usergroupsUsersList answers usergroups.users.list (Tier 2,
// usergroups:read) with the member ids of one group.
func (s *Server) usergroupsUsersList(tok Token, p map[string]string) obj {
	if !has(tok, "usergroups:read") {
		return missingScope("usergroups:read", tok)
	}
	if s.ws.noUserGroups {
		return errorBody("plan_upgrade_required")
	}
	i := slices.IndexFunc(s.ws.userGroups, func(g UserGroup) bool { return g.ID == p["usergroup"] })
	if i < 0 || (s.ws.userGroups[i].Disabled && !truthy(p["include_disabled"])) {
		return errorBody("no_such_subteam")
	}
	return obj{"ok": true, "users": slices.Clone(s.ws.userGroups[i].Users)}
}
