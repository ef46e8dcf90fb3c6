package clickup

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Settings say what to read of the workspaces the token may see.
type Settings struct {
	// Workspaces are the ids of the workspaces read (the number after
	// app.clickup.com/ in the browser); every workspace the token may
	// see when empty.
	Workspaces []string `json:"workspaces,omitempty" jsonschema:"title=Workspaces,description=Ids of the workspaces to read (every workspace the token sees when empty)"`
	// Spaces, when set, are the ids of the only spaces read.
	Spaces []string `json:"spaces,omitempty" jsonschema:"title=Spaces,description=Ids of the only spaces to read (all when empty)"`
	// IncludeClosed reads tasks of closed statuses too; true by default.
	IncludeClosed bool `json:"include_closed" jsonschema:"title=Closed tasks,description=Read tasks whose status is closed,default=true"`
	// IncludeSubtasks reads subtasks as documents of their own; true by
	// default.
	IncludeSubtasks bool `json:"include_subtasks" jsonschema:"title=Subtasks,description=Read subtasks as documents of their own,default=true"`
	// IncludeComments adds each task's comments as sections; true by
	// default. It costs a request per task and one per 25 comments.
	IncludeComments bool `json:"include_comments" jsonschema:"title=Comments,description=Add each task's comments as sections (a request per task),default=true"`
	// TaskMembers reads who may see each task of a private list (GET
	// /task/{id}/member: the list's members and those the task is shared
	// with) instead of taking the list's members; a request per such
	// task. False by default.
	TaskMembers bool `json:"task_members,omitempty" jsonschema:"title=Task members,description=Read each private task's own members (a request per task) instead of its list's"`
	// MaxComments bounds the comments read per task, newest first; 0
	// means 500.
	MaxComments int `json:"max_comments,omitempty" jsonschema:"title=Comments per task,minimum=1,maximum=10000,default=500"`
	// RequestsPerMinute is the client's pace: 100 on the Free Forever,
	// Unlimited and Business plans, 1,000 on Business Plus, 10,000 on
	// Enterprise. The stack also slows down as X-RateLimit-Remaining
	// runs low.
	RequestsPerMinute int `json:"requests_per_minute,omitempty" jsonschema:"title=Requests per minute,minimum=1,maximum=10000,default=100"`
	// BaseURL is the API root; https://api.clickup.com/api/v2 by default
	// (an emulator in tests).
	BaseURL string `json:"base_url,omitempty" jsonschema:"title=API URL,description=API root when not https://api.clickup.com/api/v2,format=uri"`
}

// Defaults.
const (
	DefaultBaseURL           = "https://api.clickup.com/api/v2"
	DefaultRequestsPerMinute = 100
	DefaultMaxComments       = 500
)

// SetDefaults fills the defaults before the configuration is decoded over
// them.
func (s *Settings) SetDefaults() {
	s.IncludeClosed, s.IncludeSubtasks, s.IncludeComments = true, true, true
	s.MaxComments = DefaultMaxComments
	s.RequestsPerMinute = DefaultRequestsPerMinute
	s.BaseURL = DefaultBaseURL
}

var numericID = regexp.MustCompile(`^[0-9]{1,20}$`)

// Validate reports every problem with the settings. Zero numbers and an
// empty base URL take their defaults.
func (s *Settings) Validate() error {
	var errs []error
	if s.MaxComments == 0 {
		s.MaxComments = DefaultMaxComments
	}
	if s.RequestsPerMinute == 0 {
		s.RequestsPerMinute = DefaultRequestsPerMinute
	}
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	for _, f := range []struct {
		name string
		ids  []string
	}{{"workspaces", s.Workspaces}, {"spaces", s.Spaces}} {
		seen := map[string]bool{}
		for _, id := range f.ids {
			if !numericID.MatchString(id) {
				errs = append(errs, tributary.InvalidField(f.name, "%q is not an id (digits, as in app.clickup.com/9015123)", id))
			} else if seen[id] {
				errs = append(errs, tributary.InvalidField(f.name, "%s is named twice", id))
			}
			seen[id] = true
		}
	}
	if s.MaxComments < 1 || s.MaxComments > 10000 {
		errs = append(errs, tributary.InvalidField("max_comments", "must be between 1 and 10000"))
	}
	if s.RequestsPerMinute < 1 || s.RequestsPerMinute > 10000 {
		errs = append(errs, tributary.InvalidField("requests_per_minute", "must be between 1 and 10000"))
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, tributary.InvalidField("base_url", "must be an http or https URL such as https://api.clickup.com/api/v2"))
	} else if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		errs = append(errs, tributary.InvalidField("base_url", "must be the API's root, without query, fragment or user"))
	}
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	return errors.Join(errs...)
}

// Credentials authenticate as a ClickUp user: a personal API token, or
// an OAuth app's access token. Exactly one is set.
type Credentials struct {
	// APIToken is a personal API token (pk_...), from Settings > Apps >
	// API Token; it reads what its user may see.
	APIToken tributary.Secret `json:"api_token,omitzero" jsonschema:"title=Personal API token,description=A personal API token (pk_...) from Settings > Apps"`
	// AccessToken is an OAuth access token, sent as a Bearer token; it
	// reads the workspaces the user authorized the app for.
	AccessToken tributary.Secret `json:"access_token,omitzero" jsonschema:"title=OAuth access token,description=An OAuth app's access token (instead of a personal token)"`
}

// Validate reports missing, doubled or malformed tokens.
func (c *Credentials) Validate() error {
	api, oauth := c.APIToken.Reveal(), c.AccessToken.Reveal()
	switch {
	case strings.TrimSpace(api) == "" && strings.TrimSpace(oauth) == "":
		return tributary.InvalidField("api_token", "required: a personal API token (pk_...) or an OAuth access_token")
	case api != "" && oauth != "":
		return tributary.InvalidField("access_token", "set either api_token or access_token, not both")
	case api != "" && (!strings.HasPrefix(api, "pk_") || strings.ContainsAny(api, " \t\r\n")):
		return tributary.InvalidField("api_token", "must be a personal token alone, starting pk_")
	case oauth != "" && (strings.ContainsAny(oauth, " \t\r\n") || strings.HasPrefix(strings.ToLower(oauth), "bearer")):
		return tributary.InvalidField("access_token", "must be the token alone, without spaces or a Bearer prefix")
	}
	return nil
}
