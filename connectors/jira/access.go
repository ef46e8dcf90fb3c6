package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
)

// projectAccess is who may browse a project's issues, from its permission
// scheme's Browse projects grants.
type projectAccess struct {
	base *tributary.ExternalAccess // holders that admit the same people to every issue
	// reporter and assignee say the scheme admits each issue's own
	// reporter or assignee.
	reporter, assignee bool
}

type apiGrant struct {
	Permission string `json:"permission"`
	Holder     struct {
		Type      string `json:"type"`
		Parameter string `json:"parameter"`
	} `json:"holder"`
}

type apiRole struct {
	Actors []struct {
		Type      string `json:"type"`
		Name      string `json:"name"` // Server: the user or group name
		ActorUser *struct {
			AccountID string `json:"accountId"`
		} `json:"actorUser"`
		ActorGroup *struct {
			Name string `json:"name"`
		} `json:"actorGroup"`
	} `json:"actors"`
}

// access reads who may browse the project when the host asked for
// permissions, or returns nil when it did not.
//
// Browse projects grants to anyone make the project public; to a group, a
// group id "group:NAME"; to an application role, "application-role:KEY";
// to a user or a project role's users, their e-mail addresses where their
// profiles show them (a hidden address admits no one: access is never
// guessed wider than it is); to a project role's groups, their group ids;
// to the reporter or assignee, that person on each issue. Other holders
// (custom fields, the project lead) are left out, with a warning. An
// account that may not read the scheme (Administer Jira is needed) gets a
// failure for the project and documents that admit nobody.
func (r *run) access(key string) (*projectAccess, bool) {
	if !r.c.env.WantPermissions {
		return nil, true
	}
	pa, err := r.readAccess(key)
	switch {
	case err == nil:
		return pa, true
	case errors.Is(err, tributary.ErrInsufficientPermissions), errors.Is(err, tributary.ErrNotFound):
		f := tributary.EntityFailure(r.c.projectID(key), r.c.projectID(key),
			fmt.Errorf("jira: read who may browse %s (documents admit nobody): %w", key, err))
		return &projectAccess{base: &tributary.ExternalAccess{}}, r.Yield(tributary.FailureItem(f))
	default:
		return nil, r.Fail(fmt.Errorf("jira: read who may browse %s: %w", key, err))
	}
}

func (r *run) readAccess(key string) (*projectAccess, error) {
	var scheme struct {
		ID json.Number `json:"id"`
	}
	if err := r.c.client.get(r.ctx, r.c.client.url("/project/"+url.PathEscape(key)+"/permissionscheme", nil), &scheme); err != nil {
		return nil, err
	}
	var grants struct {
		Permissions []apiGrant `json:"permissions"`
	}
	if err := r.c.client.get(r.ctx, r.c.client.url("/permissionscheme/"+url.PathEscape(scheme.ID.String())+"/permission", nil), &grants); err != nil {
		return nil, err
	}
	pa := &projectAccess{base: &tributary.ExternalAccess{}}
	for _, g := range grants.Permissions {
		if g.Permission != "BROWSE_PROJECTS" && g.Permission != "BROWSE" {
			continue
		}
		if err := r.grant(key, pa, g.Holder.Type, g.Holder.Parameter); err != nil {
			return nil, err
		}
	}
	a := pa.base
	slices.Sort(a.UserEmails)
	a.UserEmails = slices.Compact(a.UserEmails)
	slices.Sort(a.GroupIDs)
	a.GroupIDs = slices.Compact(a.GroupIDs)
	return pa, nil
}

// grant adds one Browse projects holder to pa.
func (r *run) grant(key string, pa *projectAccess, typ, param string) error {
	a := pa.base
	switch typ {
	case "anyone":
		a.Public = true
	case "group":
		a.GroupIDs = append(a.GroupIDs, "group:"+param)
	case "applicationRole":
		a.GroupIDs = append(a.GroupIDs, "application-role:"+cmpOr(param, "any"))
	case "user":
		return r.addUser(a, param)
	case "projectRole":
		return r.addRole(key, a, param)
	case "reporter":
		pa.reporter = true
	case "assignee":
		pa.assignee = true
	default:
		r.c.env.Log().Warn("jira: browse permission holder not supported; it admits no one here", "project", key, "holder", typ)
	}
	return nil
}

func cmpOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func (r *run) addRole(key string, a *tributary.ExternalAccess, id string) error {
	var role apiRole
	if err := r.c.client.get(r.ctx, r.c.client.url("/project/"+url.PathEscape(key)+"/role/"+url.PathEscape(id), nil), &role); err != nil {
		return err
	}
	for _, actor := range role.Actors {
		switch {
		case actor.ActorGroup != nil && actor.ActorGroup.Name != "":
			a.GroupIDs = append(a.GroupIDs, "group:"+actor.ActorGroup.Name)
		case actor.Type == "atlassian-group-role-actor" && actor.Name != "":
			a.GroupIDs = append(a.GroupIDs, "group:"+actor.Name)
		case actor.ActorUser != nil && actor.ActorUser.AccountID != "":
			if err := r.addUser(a, actor.ActorUser.AccountID); err != nil {
				return err
			}
		case actor.Type == "atlassian-user-role-actor" && actor.Name != "":
			if err := r.addUser(a, actor.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// addUser adds the e-mail address of an account (an account id on Cloud,
// a user name on Server) when its profile shows one.
func (r *run) addUser(a *tributary.ExternalAccess, id string) error {
	if id == "" {
		return nil
	}
	q := url.Values{"accountId": {id}}
	if r.c.settings.Deployment == Server {
		q = url.Values{"username": {id}}
	}
	var u apiUser
	err := r.c.client.get(r.ctx, r.c.client.url("/user", q), &u)
	if errors.Is(err, tributary.ErrNotFound) {
		return nil // a deleted account admits no one
	}
	if err != nil {
		return err
	}
	if u.EmailAddress != "" {
		a.UserEmails = append(a.UserEmails, strings.ToLower(u.EmailAddress))
	}
	return nil
}

// issueAccess is who may see one issue of a project with access pa. An
// issue under a security level admits nobody: the level's members are not
// read yet, and access is never guessed wider than it is.
func (pa *projectAccess) issueAccess(f *apiFields) *tributary.ExternalAccess {
	if pa == nil {
		return nil
	}
	if len(f.Security) > 0 && string(f.Security) != "null" {
		return &tributary.ExternalAccess{}
	}
	a := cloneAccess(pa.base)
	for _, x := range []struct {
		on bool
		u  *apiUser
	}{{pa.reporter, f.Reporter}, {pa.assignee, f.Assignee}} {
		if x.on && x.u != nil && x.u.EmailAddress != "" {
			a.UserEmails = append(a.UserEmails, strings.ToLower(x.u.EmailAddress))
		}
	}
	slices.Sort(a.UserEmails)
	a.UserEmails = slices.Compact(a.UserEmails)
	return a
}

// cloneAccess copies access so that no two documents share slices.
func cloneAccess(a *tributary.ExternalAccess) *tributary.ExternalAccess {
	if a == nil {
		return nil
	}
	return &tributary.ExternalAccess{UserEmails: slices.Clone(a.UserEmails), GroupIDs: slices.Clone(a.GroupIDs), Public: a.Public}
}
