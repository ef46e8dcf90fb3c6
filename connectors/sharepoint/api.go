package sharepoint

import (
	"time"

	"github.com/tributary-dev/tributary/internal/graph"
)

// The Graph objects the connector reads, with only the fields it uses.
// Field names are Graph's.

type apiIdentity struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
}

type apiIdentitySet struct {
	User  *apiIdentity `json:"user"`
	Group *apiIdentity `json:"group"`
	// SiteUser is a SharePoint user; its loginName carries the account.
	SiteUser *struct {
		apiIdentity
		LoginName string `json:"loginName"`
	} `json:"siteUser"`
}

type apiSite struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	DisplayName string    `json:"displayName"`
	WebURL      string    `json:"webUrl"`
	Created     time.Time `json:"createdDateTime"`
	Modified    time.Time `json:"lastModifiedDateTime"`
}

type apiDrive struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	DriveType string `json:"driveType"`
	WebURL    string `json:"webUrl"`
}

type apiItem struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	WebURL   string          `json:"webUrl"`
	Size     *int64          `json:"size"`
	Created  time.Time       `json:"createdDateTime"`
	Modified time.Time       `json:"lastModifiedDateTime"`
	By       *apiIdentitySet `json:"createdBy"`
	LastBy   *apiIdentitySet `json:"lastModifiedBy"`
	Parent   *struct {
		DriveID string `json:"driveId"`
		ID      string `json:"id"`
		SiteID  string `json:"siteId"`
	} `json:"parentReference"`
	File *struct {
		MimeType string `json:"mimeType"`
	} `json:"file"`
	Folder  *struct{} `json:"folder"`
	Root    *struct{} `json:"root"`
	Package *struct{} `json:"package"`
	Deleted *struct {
		State string `json:"state"`
	} `json:"deleted"`
}

// listing is a page of a Graph collection: its values kept undecoded, so
// that one malformed value costs one failure, not the page.
type listing = graph.Listing

type apiPermission struct {
	ID          string           `json:"id"`
	Roles       []string         `json:"roles"`
	GrantedToV2 *apiIdentitySet  `json:"grantedToV2"`
	GrantedTo   *apiIdentitySet  `json:"grantedTo"`
	Identities  []apiIdentitySet `json:"grantedToIdentitiesV2"`
	Link        *struct {
		Scope string `json:"scope"`
		Type  string `json:"type"`
	} `json:"link"`
}

type apiPage struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Title    string          `json:"title"`
	WebURL   string          `json:"webUrl"`
	Created  time.Time       `json:"createdDateTime"`
	Modified time.Time       `json:"lastModifiedDateTime"`
	By       *apiIdentitySet `json:"createdBy"`
	LastBy   *apiIdentitySet `json:"lastModifiedBy"`
	Canvas   *struct {
		Sections []struct {
			Columns []struct {
				WebParts []struct {
					Type      string `json:"@odata.type"`
					InnerHTML string `json:"innerHtml"`
				} `json:"webparts"`
			} `json:"columns"`
		} `json:"horizontalSections"`
	} `json:"canvasLayout"`
}

type apiGroup struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Mail        string `json:"mail"`
}

type apiMember struct {
	Type string `json:"@odata.type"`
	Mail string `json:"mail"`
	UPN  string `json:"userPrincipalName"`
}
