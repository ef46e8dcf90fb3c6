package teams

import (
	"time"
)

// The Graph objects the connector reads, with only the fields it uses.
// Field names are Graph's.

type apiTeam struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Description string `json:"description"`
	WebURL      string `json:"webUrl"`
}

type apiChannel struct {
	ID             string `json:"id"`
	DisplayName    string `json:"displayName"`
	Description    string `json:"description"`
	MembershipType string `json:"membershipType"`
	WebURL         string `json:"webUrl"`
}

type apiUser struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

type apiMessage struct {
	ID          string     `json:"id"`
	ReplyToID   string     `json:"replyToId"`
	MessageType string     `json:"messageType"`
	Created     time.Time  `json:"createdDateTime"`
	Modified    *time.Time `json:"lastModifiedDateTime"`
	Deleted     *time.Time `json:"deletedDateTime"`
	Subject     string     `json:"subject"`
	WebURL      string     `json:"webUrl"`
	From        *struct {
		User *apiUser `json:"user"`
		App  *apiUser `json:"application"`
	} `json:"from"`
	Body struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Attachments []struct {
		ContentType string `json:"contentType"`
		ContentURL  string `json:"contentUrl"`
		Name        string `json:"name"`
	} `json:"attachments"`
	Mentions []struct {
		Text      string `json:"mentionText"`
		Mentioned *struct {
			User *apiUser `json:"user"`
		} `json:"mentioned"`
	} `json:"mentions"`
	// Removed is set on an entry of a delta that names a message gone.
	Removed *struct {
		Reason string `json:"reason"`
	} `json:"@removed"`
}

// modified is the message's last change: lastModifiedDateTime, else its
// deletion or creation.
func (m *apiMessage) modified() time.Time {
	switch {
	case m.Modified != nil && !m.Modified.IsZero():
		return m.Modified.UTC()
	case m.Deleted != nil:
		return m.Deleted.UTC()
	}
	return m.Created.UTC()
}

// gone reports a deleted message.
func (m *apiMessage) gone() bool { return m.Deleted != nil && !m.Deleted.IsZero() || m.Removed != nil }

type apiMember struct {
	UserID string `json:"userId"`
	Email  string `json:"email"`
}

type apiGroupMember struct {
	Mail string `json:"mail"`
	UPN  string `json:"userPrincipalName"`
}
