package clickup

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The shapes of ClickUp's answers, as far as the connector reads them.

type apiUser struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Email    string `json:"email"`
}

type userAnswer struct {
	User *apiUser `json:"user"`
}

type apiTeam struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Members []struct {
		User apiUser `json:"user"`
	} `json:"members"`
}

type teamsAnswer struct {
	Teams []apiTeam `json:"teams"`
}

type apiSpace struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Private bool   `json:"private"`
	// Members are a private space's members.
	Members []struct {
		User apiUser `json:"user"`
	} `json:"members"`
}

type spacesAnswer struct {
	Spaces []apiSpace `json:"spaces"`
}

type apiFolder struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Private bool   `json:"private"`
	Hidden  bool   `json:"hidden"`
}

type foldersAnswer struct {
	Folders []apiFolder `json:"folders"`
}

type apiList struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Private bool   `json:"private"`
}

type listsAnswer struct {
	Lists []apiList `json:"lists"`
}

type membersAnswer struct {
	Members []apiUser `json:"members"`
}

// stamp is a time in milliseconds, written as a string (or a number) or
// null.
type stamp struct {
	t  time.Time
	ok bool // a number was read
}

func (s *stamp) UnmarshalJSON(b []byte) error {
	v := strings.Trim(string(b), `"`)
	if v == "null" || v == "" {
		*s = stamp{}
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		*s = stamp{}
		return nil // a bad time reads as none; the caller decides
	}
	*s = stamp{t: time.UnixMilli(n).UTC(), ok: true}
	return nil
}

type apiTask struct {
	ID          string    `json:"id"`
	CustomID    *string   `json:"custom_id"`
	Name        string    `json:"name"`
	TextContent string    `json:"text_content"`
	Markdown    *string   `json:"markdown_description"`
	Status      apiStatus `json:"status"`
	Created     stamp     `json:"date_created"`
	Updated     stamp     `json:"date_updated"`
	Closed      stamp     `json:"date_closed"`
	Archived    bool      `json:"archived"`
	Creator     *apiUser  `json:"creator"`
	Assignees   []apiUser `json:"assignees"`
	Tags        []struct {
		Name string `json:"name"`
	} `json:"tags"`
	Parent   *string `json:"parent"`
	Priority *struct {
		Priority string `json:"priority"`
	} `json:"priority"`
	TeamID string  `json:"team_id"`
	URL    string  `json:"url"`
	List   idName  `json:"list"`
	Folder idName  `json:"folder"`
	Space  idName  `json:"space"`
	Due    stamp   `json:"due_date"`
	Points float64 `json:"points"`
}

type apiStatus struct {
	Status string `json:"status"`
	Type   string `json:"type"`
}

type idName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type tasksAnswer struct {
	Tasks    []json.RawMessage `json:"tasks"`
	LastPage *bool             `json:"last_page"`
}

type apiComment struct {
	ID   string   `json:"id"`
	Text string   `json:"comment_text"`
	User *apiUser `json:"user"`
	Date stamp    `json:"date"`
}

type commentsAnswer struct {
	Comments []apiComment `json:"comments"`
}

type apiGroup struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Members []apiUser `json:"members"`
}

type groupsAnswer struct {
	Groups []apiGroup `json:"groups"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
