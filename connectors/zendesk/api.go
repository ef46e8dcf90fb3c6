package zendesk

import (
	"encoding/json"
	"time"
)

// The API objects the connector reads, with only the fields it uses.

type apiUser struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// apiMeta and apiLinks are Zendesk's cursor pagination.
type apiMeta struct {
	HasMore     bool   `json:"has_more"`
	AfterCursor string `json:"after_cursor"`
}

type apiLinks struct {
	Next string `json:"next"`
}

// apiPage is one page of a cursor listing under the key name.
type apiPage struct {
	Meta  apiMeta  `json:"meta"`
	Links apiLinks `json:"links"`
}

type apiCategory struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	HTMLURL     string    `json:"html_url"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

type apiSection struct {
	ID              int64     `json:"id"`
	Name            string    `json:"name"`
	Description     string    `json:"description"`
	CategoryID      int64     `json:"category_id"`
	ParentSectionID *int64    `json:"parent_section_id"`
	HTMLURL         string    `json:"html_url"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

type apiArticle struct {
	ID            int64     `json:"id"`
	Title         string    `json:"title"`
	Body          *string   `json:"body"`
	Locale        string    `json:"locale"`
	SourceLocale  string    `json:"source_locale"`
	SectionID     int64     `json:"section_id"`
	AuthorID      int64     `json:"author_id"`
	Draft         bool      `json:"draft"`
	Outdated      bool      `json:"outdated"`
	UserSegmentID *int64    `json:"user_segment_id"`
	LabelNames    []string  `json:"label_names"`
	HTMLURL       string    `json:"html_url"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	EditedAt      time.Time `json:"edited_at"`
}

type apiTicket struct {
	ID             int64     `json:"id"`
	Subject        string    `json:"subject"`
	Description    string    `json:"description"`
	Status         string    `json:"status"`
	Priority       string    `json:"priority"`
	Type           string    `json:"type"`
	RequesterID    int64     `json:"requester_id"`
	SubmitterID    int64     `json:"submitter_id"`
	AssigneeID     int64     `json:"assignee_id"`
	GroupID        int64     `json:"group_id"`
	OrganizationID int64     `json:"organization_id"`
	Tags           []string  `json:"tags"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// Generated is the export's generated_timestamp: the ticket's last
	// change of any kind, in Unix seconds.
	Generated int64 `json:"generated_timestamp"`
}

// apiExport is a page of the cursor-based incremental ticket export.
type apiExport struct {
	Tickets     []json.RawMessage `json:"tickets"`
	AfterCursor string            `json:"after_cursor"`
	EndOfStream bool              `json:"end_of_stream"`
}

type apiComment struct {
	ID        int64     `json:"id"`
	AuthorID  int64     `json:"author_id"`
	PlainBody string    `json:"plain_body"`
	Body      string    `json:"body"`
	Public    bool      `json:"public"`
	CreatedAt time.Time `json:"created_at"`
}

type apiSegment struct {
	ID       int64    `json:"id"`
	Name     string   `json:"name"`
	UserType string   `json:"user_type"`
	GroupIDs []int64  `json:"group_ids"`
	OrgIDs   []int64  `json:"organization_ids"`
	Tags     []string `json:"tags"`
}

type apiGroup struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiMembership struct {
	UserID int64 `json:"user_id"`
}

type apiOrganization struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	SharedTickets bool   `json:"shared_tickets"`
}
