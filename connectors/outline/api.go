package outline

import (
	"time"
)

// The API objects the connector reads, with only the fields it uses.
// Field names are Outline's.

type apiUser struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Email       string `json:"email"` // only for admins, and for the key's own user
	Role        string `json:"role"`
	IsSuspended bool   `json:"isSuspended"`
}

type apiTeam struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type apiAuthInfo struct {
	Data struct {
		User apiUser `json:"user"`
		Team apiTeam `json:"team"`
	} `json:"data"`
}

type apiCollection struct {
	ID          string     `json:"id"`
	URLID       string     `json:"urlId"`
	URL         string     `json:"url"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Permission  *string    `json:"permission"` // read, read_write, or null for members only
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	DeletedAt   *time.Time `json:"deletedAt"`
	ArchivedAt  *time.Time `json:"archivedAt"`
}

// open reports a collection every member of the workspace may read.
func (c *apiCollection) open() bool { return c.Permission != nil && *c.Permission != "" }

type apiDocument struct {
	ID               string     `json:"id"`
	URLID            string     `json:"urlId"`
	URL              string     `json:"url"`
	Title            string     `json:"title"`
	Text             *string    `json:"text"` // markdown; absent for API version 3 clients
	CollectionID     string     `json:"collectionId"`
	ParentDocumentID string     `json:"parentDocumentId"`
	CreatedAt        time.Time  `json:"createdAt"`
	UpdatedAt        time.Time  `json:"updatedAt"`
	PublishedAt      *time.Time `json:"publishedAt"`
	ArchivedAt       *time.Time `json:"archivedAt"`
	DeletedAt        *time.Time `json:"deletedAt"`
	CreatedBy        *apiUser   `json:"createdBy"`
	UpdatedBy        *apiUser   `json:"updatedBy"`
	CollaboratorIDs  []string   `json:"collaboratorIds"`
	Revision         int        `json:"revision"`
	TemplateID       *string    `json:"templateId"`
}

// live reports a document a listing gives: published, neither archived
// nor deleted.
func (d *apiDocument) live() bool {
	return d.PublishedAt != nil && d.ArchivedAt == nil && d.DeletedAt == nil
}

type apiMembership struct {
	ID         string `json:"id"`
	UserID     string `json:"userId"`
	GroupID    string `json:"groupId"`
	Permission string `json:"permission"`
}

type apiEvent struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	DocumentID   string    `json:"documentId"`
	CollectionID string    `json:"collectionId"`
	CreatedAt    time.Time `json:"createdAt"`
}

type apiGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
