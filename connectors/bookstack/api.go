package bookstack

import "time"

// The API objects the connector reads, with only the fields it uses.
// Field names are BookStack's.

// apiRef is a user or role named inside another object.
type apiRef struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	DisplayName string `json:"display_name"`
}

type apiShelf struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Slug  string   `json:"slug"`
	Books []apiRef `json:"books"`
}

type apiBook struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type apiChapter struct {
	ID     int    `json:"id"`
	BookID int    `json:"book_id"`
	Name   string `json:"name"`
	Slug   string `json:"slug"`
}

// apiPageItem is a page as listings give it.
type apiPageItem struct {
	ID        int       `json:"id"`
	BookID    int       `json:"book_id"`
	ChapterID int       `json:"chapter_id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	Draft     bool      `json:"draft"`
	Template  bool      `json:"template"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type apiTag struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// apiPage is a page as GET /api/pages/{id} gives it.
type apiPage struct {
	ID            int       `json:"id"`
	BookID        int       `json:"book_id"`
	ChapterID     int       `json:"chapter_id"`
	Name          string    `json:"name"`
	Slug          string    `json:"slug"`
	HTML          *string   `json:"html"`
	Markdown      *string   `json:"markdown"`
	Draft         bool      `json:"draft"`
	Template      bool      `json:"template"`
	RevisionCount int       `json:"revision_count"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	CreatedBy     *apiRef   `json:"created_by"`
	UpdatedBy     *apiRef   `json:"updated_by"`
	OwnedBy       *apiRef   `json:"owned_by"`
	Tags          []apiTag  `json:"tags"`
}

type apiAudit struct {
	ID           int       `json:"id"`
	Type         string    `json:"type"`
	LoggableID   *int      `json:"loggable_id"`
	LoggableType *string   `json:"loggable_type"`
	CreatedAt    time.Time `json:"created_at"`
}

type apiPermissions struct {
	RolePermissions []struct {
		RoleID int  `json:"role_id"`
		View   bool `json:"view"`
	} `json:"role_permissions"`
	Fallback *struct {
		Inheriting bool  `json:"inheriting"`
		View       *bool `json:"view"`
	} `json:"fallback_permissions"`
}

type apiRole struct {
	ID          int      `json:"id"`
	DisplayName string   `json:"display_name"`
	SystemName  string   `json:"system_name"`
	Permissions []string `json:"permissions"`
	Users       []apiRef `json:"users"`
}

type apiUser struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}
