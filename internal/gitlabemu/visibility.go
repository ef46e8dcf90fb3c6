package gitlabemu

// Visibility follows GitLab's rules: a public project or group is seen by
// everyone, an internal one by every signed-in user, a private one by its
// members, the members of its ancestor groups, the members of the groups
// it is shared with, and administrators.

// groupLevel returns u's access level in g, inherited from ancestors.
func groupLevel(u *User, g *Group) int {
	best := 0
	for x := g; x != nil; x = x.Parent {
		for _, m := range x.Members {
			if m.User == u {
				best = max(best, m.AccessLevel)
			}
		}
	}
	return best
}

// projectLevel returns u's access level in p: direct, inherited from the
// namespace's groups, or through a group the project is shared with (at
// most the share's level).
func projectLevel(u *User, p *Project) int {
	best := 0
	for _, m := range p.Members {
		if m.User == u {
			best = max(best, m.AccessLevel)
		}
	}
	if p.Namespace != nil {
		best = max(best, groupLevel(u, p.Namespace))
	} else if p.Owner == u {
		best = Owner
	}
	for _, sh := range p.SharedWith {
		if l := groupLevel(u, sh.Group); l > 0 {
			best = max(best, min(l, sh.AccessLevel))
		}
	}
	return best
}

func (c *call) canSeeProject(d *Data, p *Project) bool {
	if p.Visibility != "private" || c.admin {
		return true
	}
	return projectLevel(c.token.User, p) >= Guest
}

func (c *call) canSeeGroup(d *Data, g *Group) bool {
	if g.Visibility != "private" || c.admin || groupLevel(c.token.User, g) > 0 {
		return true
	}
	// A member of a subgroup or of a project inside sees the group.
	for _, x := range d.Groups {
		if x.Within(g) && groupLevel(c.token.User, x) > 0 {
			return true
		}
	}
	for _, p := range d.Projects {
		if p.Namespace != nil && p.Namespace.Within(g) && projectLevel(c.token.User, p) > 0 {
			return true
		}
	}
	return false
}

// canSeeItem applies the project's rules and, for a confidential issue,
// GitLab's: reporters and above, its author and its assignees.
func (c *call) canSeeItem(p *Project, it *Item) bool {
	if !it.Confidential || c.admin {
		return true
	}
	u := c.token.User
	if it.Author == u || projectLevel(u, p) >= Reporter {
		return true
	}
	for _, a := range it.Assignees {
		if a == u {
			return true
		}
	}
	return false
}

// mergeMembers adds ms to out, keeping each user once at the highest
// level seen.
func mergeMembers(out []Member, ms []Member) []Member {
next:
	for _, m := range ms {
		for i := range out {
			if out[i].User == m.User {
				out[i].AccessLevel = max(out[i].AccessLevel, m.AccessLevel)
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

// allGroupMembers returns the members of g and its ancestors.
func allGroupMembers(g *Group) []Member {
	var out []Member
	for x := g; x != nil; x = x.Parent {
		out = mergeMembers(out, x.Members)
	}
	return out
}

// allProjectMembers returns the project's direct members, its namespace's
// inherited ones and those of the groups it is shared with (at most at
// the share's level).
func allProjectMembers(p *Project) []Member {
	out := mergeMembers(nil, p.Members)
	if p.Namespace != nil {
		out = mergeMembers(out, allGroupMembers(p.Namespace))
	}
	for _, sh := range p.SharedWith {
		var capped []Member
		for _, m := range allGroupMembers(sh.Group) {
			capped = append(capped, Member{User: m.User, AccessLevel: min(m.AccessLevel, sh.AccessLevel)})
		}
		out = mergeMembers(out, capped)
	}
	return out
}
