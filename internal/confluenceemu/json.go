package confluenceemu

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The JSON shapes of Confluence's REST API (v1), as far as the emulator
// serves them.

type linksJSON struct {
	Base     string `json:"base,omitempty"`
	Context  string `json:"context,omitempty"`
	Next     string `json:"next,omitempty"`
	Self     string `json:"self,omitempty"`
	WebUI    string `json:"webui,omitempty"`
	Download string `json:"download,omitempty"`
}

type userJSON struct {
	Type        string `json:"type"`
	AccountID   string `json:"accountId,omitempty"`
	AccountType string `json:"accountType,omitempty"`
	Email       string `json:"email,omitempty"`
	PublicName  string `json:"publicName,omitempty"`
	Username    string `json:"username,omitempty"`
	UserKey     string `json:"userKey,omitempty"`
	DisplayName string `json:"displayName"`
}

type groupJSON struct {
	Type string `json:"type"`
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
}

type listJSON[T any] struct {
	Results []T       `json:"results"`
	Start   int       `json:"start"`
	Limit   int       `json:"limit"`
	Size    int       `json:"size"`
	Links   linksJSON `json:"_links"`
}

type spaceJSON struct {
	ID          int64             `json:"id"`
	Key         string            `json:"key"`
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Status      string            `json:"status"`
	Description *descriptionJSON  `json:"description,omitempty"`
	Permissions []permissionJSON  `json:"permissions,omitempty"`
	Links       linksJSON         `json:"_links"`
	Expandable  map[string]string `json:"_expandable,omitempty"`
}

type descriptionJSON struct {
	Plain struct {
		Value          string `json:"value"`
		Representation string `json:"representation"`
	} `json:"plain"`
}

type permissionJSON struct {
	ID        int64         `json:"id"`
	Subjects  *subjectsJSON `json:"subjects,omitempty"`
	Operation struct {
		Operation  string `json:"operation"`
		TargetType string `json:"targetType"`
	} `json:"operation"`
	AnonymousAccess  bool `json:"anonymousAccess"`
	UnlicensedAccess bool `json:"unlicensedAccess"`
}

type subjectsJSON struct {
	User  *listJSON[userJSON]  `json:"user,omitempty"`
	Group *listJSON[groupJSON] `json:"group,omitempty"`
}

type contentJSON struct {
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	Status       string            `json:"status"`
	Title        string            `json:"title"`
	Space        *spaceJSON        `json:"space,omitempty"`
	History      *historyJSON      `json:"history,omitempty"`
	Version      *versionJSON      `json:"version,omitempty"`
	Ancestors    []contentJSON     `json:"ancestors,omitempty"`
	Body         *bodyJSON         `json:"body,omitempty"`
	Metadata     *metadataJSON     `json:"metadata,omitempty"`
	Extensions   map[string]any    `json:"extensions,omitempty"`
	Restrictions *restrictionsJSON `json:"restrictions,omitempty"`
	Links        linksJSON         `json:"_links"`
	Expandable   map[string]string `json:"_expandable,omitempty"`
}

type historyJSON struct {
	Latest      bool     `json:"latest"`
	CreatedBy   userJSON `json:"createdBy"`
	CreatedDate string   `json:"createdDate"`
}

type versionJSON struct {
	By        userJSON `json:"by"`
	When      string   `json:"when"`
	Number    int      `json:"number"`
	MinorEdit bool     `json:"minorEdit"`
}

type bodyJSON struct {
	Storage struct {
		Value          string `json:"value"`
		Representation string `json:"representation"`
	} `json:"storage"`
}

type metadataJSON struct {
	Labels    *listJSON[labelJSON] `json:"labels,omitempty"`
	MediaType string               `json:"mediaType,omitempty"`
}

type labelJSON struct {
	Prefix string `json:"prefix"`
	Name   string `json:"name"`
	ID     string `json:"id"`
}

type restrictionsJSON struct {
	Read *restrictionJSON `json:"read,omitempty"`
}

type restrictionJSON struct {
	Operation    string `json:"operation"`
	Restrictions struct {
		User  listJSON[userJSON]  `json:"user"`
		Group listJSON[groupJSON] `json:"group"`
	} `json:"restrictions"`
	Links linksJSON `json:"_links"`
}

type errorJSON struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	Reason     string `json:"reason,omitempty"`
}

// timeJSON formats a time as Confluence does: milliseconds, in UTC on
// Cloud and with the server's offset on Server.
func (s *Server) timeJSON(t time.Time) string {
	if s.opts.Flavor == DataCenter {
		return t.In(s.opts.ServerZone).Format("2006-01-02T15:04:05.000-07:00")
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func (s *Server) userJSON(u *User) userJSON {
	if u == nil {
		return userJSON{Type: "anonymous", DisplayName: "Anonymous"}
	}
	if s.opts.Flavor == DataCenter {
		return userJSON{Type: "known", Username: u.Username, UserKey: "key-" + u.Username, DisplayName: u.DisplayName}
	}
	return userJSON{Type: "known", AccountID: u.AccountID, AccountType: "atlassian", Email: u.Email,
		PublicName: u.Username, DisplayName: u.DisplayName}
}

func list[T any](items []T) listJSON[T] {
	if items == nil {
		items = []T{}
	}
	return listJSON[T]{Results: items, Limit: 200, Size: len(items)}
}

func (s *Server) usersJSON(us []*User) listJSON[userJSON] {
	out := make([]userJSON, 0, len(us))
	for _, u := range us {
		out = append(out, s.userJSON(u))
	}
	return list(out)
}

func groupsJSON(gs []string) listJSON[groupJSON] {
	out := make([]groupJSON, 0, len(gs))
	for _, g := range gs {
		out = append(out, groupJSON{Type: "group", Name: g, ID: "gid-" + g})
	}
	return list(out)
}

// PageWebUI is the page's _links.webui: /spaces/KEY/pages/ID/Title on Cloud,
// /display/KEY/Title on Server.
func PageWebUI(f Flavor, p *Page) string {
	title := strings.ReplaceAll(url.QueryEscape(p.Title), "%20", "+")
	if f == DataCenter {
		return "/display/" + p.Space.Key + "/" + title
	}
	return "/spaces/" + p.Space.Key + "/pages/" + strconv.FormatInt(p.ID, 10) + "/" + title
}

// SpaceWebUI is the space's _links.webui.
func SpaceWebUI(f Flavor, sp *Space) string {
	if f == DataCenter {
		return "/display/" + sp.Key
	}
	return "/spaces/" + sp.Key
}
