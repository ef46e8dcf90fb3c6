package googledrive

import "time"

// The API objects the connector reads, with only the fields it uses.
// Field names are Google's.

type apiUser struct {
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
}

type apiFile struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	MimeType        string    `json:"mimeType"`
	Description     string    `json:"description"`
	Parents         []string  `json:"parents"`
	DriveID         string    `json:"driveId"`
	CreatedTime     time.Time `json:"createdTime"`
	ModifiedTime    time.Time `json:"modifiedTime"`
	Trashed         bool      `json:"trashed"`
	Size            string    `json:"size"`
	MD5             string    `json:"md5Checksum"`
	WebViewLink     string    `json:"webViewLink"`
	Owners          []apiUser `json:"owners"`
	LastModifying   *apiUser  `json:"lastModifyingUser"`
	ShortcutDetails *struct {
		TargetID       string `json:"targetId"`
		TargetMimeType string `json:"targetMimeType"`
	} `json:"shortcutDetails"`
}

// fileFields is the field mask of one file.
const fileFields = "id,name,mimeType,description,parents,driveId,createdTime,modifiedTime,trashed,size,md5Checksum," +
	"webViewLink,owners(displayName,emailAddress),lastModifyingUser(displayName,emailAddress)," +
	"shortcutDetails(targetId,targetMimeType)"

type fileList struct {
	Files         []rawFile `json:"files"`
	NextPageToken string    `json:"nextPageToken"`
}

// rawFile keeps a listed file undecoded, so that one malformed file costs
// one failure, not the page.
type rawFile []byte

func (r *rawFile) UnmarshalJSON(b []byte) error { *r = append((*r)[:0], b...); return nil }

type apiPermission struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Role         string `json:"role"`
	EmailAddress string `json:"emailAddress"`
	Domain       string `json:"domain"`
	// AllowFileDiscovery is false for "anyone with the link".
	AllowFileDiscovery *bool `json:"allowFileDiscovery"`
}

type permissionList struct {
	Permissions   []apiPermission `json:"permissions"`
	NextPageToken string          `json:"nextPageToken"`
}

type apiDrive struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type driveList struct {
	Drives        []apiDrive `json:"drives"`
	NextPageToken string     `json:"nextPageToken"`
}

type apiChange struct {
	FileID  string   `json:"fileId"`
	Removed bool     `json:"removed"`
	File    *apiFile `json:"file"`
	DriveID string   `json:"driveId"`
}

type changeList struct {
	Changes           []apiChange `json:"changes"`
	NextPageToken     string      `json:"nextPageToken"`
	NewStartPageToken string      `json:"newStartPageToken"`
}

type dirUser struct {
	PrimaryEmail string `json:"primaryEmail"`
	Suspended    bool   `json:"suspended"`
	Name         struct {
		FullName string `json:"fullName"`
	} `json:"name"`
}

type userList struct {
	Users         []dirUser `json:"users"`
	NextPageToken string    `json:"nextPageToken"`
}

type dirGroup struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

type groupList struct {
	Groups        []dirGroup `json:"groups"`
	NextPageToken string     `json:"nextPageToken"`
}

type dirMember struct {
	Email  string `json:"email"`
	Type   string `json:"type"`
	Status string `json:"status"`
}

type memberList struct {
	Members       []dirMember `json:"members"`
	NextPageToken string      `json:"nextPageToken"`
}

// Google's own MIME types.
const (
	mimeFolder   = "application/vnd.google-apps.folder"
	mimeDoc      = "application/vnd.google-apps.document"
	mimeSheet    = "application/vnd.google-apps.spreadsheet"
	mimeSlides   = "application/vnd.google-apps.presentation"
	mimeShortcut = "application/vnd.google-apps.shortcut"
	mimeXLSX     = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
