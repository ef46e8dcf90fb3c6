package asana

import (
	"strings"
	"time"
)

// ref is a compact record: a gid and a name.
type ref struct {
	GID  string `json:"gid"`
	Name string `json:"name"`
}

// user is a user record with the fields the connector asks for.
type user struct {
	GID   string `json:"gid"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type workspace struct {
	GID            string `json:"gid"`
	Name           string `json:"name"`
	IsOrganization bool   `json:"is_organization"`
}

// Project privacy settings.
const (
	privacyPublic  = "public_to_workspace"
	privacyTeam    = "private_to_team"
	privacyPrivate = "private"
)

type project struct {
	GID            string `json:"gid"`
	Name           string `json:"name"`
	Archived       bool   `json:"archived"`
	PrivacySetting string `json:"privacy_setting"`
	// Public is the older flag privacy_setting replaced.
	Public       *bool  `json:"public"`
	Team         *ref   `json:"team"`
	Members      []user `json:"members"`
	PermalinkURL string `json:"permalink_url"`
}

// privacy is the project's privacy setting, from the older public flag
// when the answer has no privacy_setting.
func (p *project) privacy() string {
	switch {
	case p.PrivacySetting != "":
		return p.PrivacySetting
	case p.Public != nil && *p.Public:
		return privacyPublic
	case p.Team != nil:
		return privacyTeam
	}
	return privacyPrivate
}

type membership struct {
	Project *ref `json:"project"`
	Section *ref `json:"section"`
}

type customField struct {
	Name         string  `json:"name"`
	DisplayValue *string `json:"display_value"`
}

type task struct {
	GID          string        `json:"gid"`
	Name         string        `json:"name"`
	Notes        string        `json:"notes"`
	Assignee     *user         `json:"assignee"`
	Followers    []user        `json:"followers"`
	CreatedAt    *time.Time    `json:"created_at"`
	ModifiedAt   *time.Time    `json:"modified_at"`
	Completed    bool          `json:"completed"`
	CompletedAt  *time.Time    `json:"completed_at"`
	DueOn        string        `json:"due_on"`
	PermalinkURL string        `json:"permalink_url"`
	Memberships  []membership  `json:"memberships"`
	CustomFields []customField `json:"custom_fields"`
	NumSubtasks  int           `json:"num_subtasks"`
	Parent       *ref          `json:"parent"`
}

// modified is the task's modification time, zero when the answer has
// none.
func (t *task) modified() time.Time {
	if t.ModifiedAt == nil {
		return time.Time{}
	}
	return t.ModifiedAt.UTC()
}

type story struct {
	GID       string    `json:"gid"`
	Type      string    `json:"type"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy *user     `json:"created_by"`
}

type event struct {
	Action   string `json:"action"`
	Type     string `json:"type"`
	Resource *struct {
		GID          string `json:"gid"`
		ResourceType string `json:"resource_type"`
	} `json:"resource"`
}

type eventsAnswer struct {
	Data    []event `json:"data"`
	Sync    string  `json:"sync"`
	HasMore bool    `json:"has_more"`
}

// The fields asked for with opt_fields.
var (
	taskFields = strings.Join([]string{"name", "notes", "assignee.name", "assignee.email", "followers.name", "followers.email",
		"created_at", "modified_at", "completed", "completed_at", "due_on", "permalink_url", "memberships.project.name",
		"memberships.section.name", "custom_fields.name", "custom_fields.display_value", "num_subtasks", "parent.name"}, ",")
	slimTaskFields = "modified_at,memberships.project.name,assignee.email,followers.email,num_subtasks"
	projectFields  = "name,archived,privacy_setting,public,team.name,members.name,members.email,permalink_url"
	storyFields    = "type,text,created_at,created_by.name,created_by.email"
	userFields     = "name,email"
)
