package gmail

// The API objects the connector reads, with only the fields it uses.
// Field names are Google's.

type apiHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type apiBody struct {
	Size         int64  `json:"size"`
	Data         string `json:"data"`
	AttachmentID string `json:"attachmentId"`
}

type apiPart struct {
	PartID   string      `json:"partId"`
	MimeType string      `json:"mimeType"`
	Filename string      `json:"filename"`
	Headers  []apiHeader `json:"headers"`
	Body     apiBody     `json:"body"`
	Parts    []apiPart   `json:"parts"`
}

type apiMessage struct {
	ID           string   `json:"id"`
	ThreadID     string   `json:"threadId"`
	LabelIDs     []string `json:"labelIds"`
	InternalDate string   `json:"internalDate"`
	Payload      *apiPart `json:"payload"`
}

type apiThread struct {
	ID       string       `json:"id"`
	Messages []apiMessage `json:"messages"`
}

// messageFields and the masks below are the field masks of the requests.
const (
	minimalFields = "id,messages(id,threadId,labelIds,internalDate)"
	fullFields    = "id,messages(id,threadId,labelIds,internalDate,payload)"
)

type threadList struct {
	Threads []struct {
		ID string `json:"id"`
	} `json:"threads"`
	NextPageToken string `json:"nextPageToken"`
}

type msgRef struct {
	ID       string `json:"id"`
	ThreadID string `json:"threadId"`
}

type msgChange struct {
	Message msgRef `json:"message"`
}

type apiHistory struct {
	ID              string      `json:"id"`
	Messages        []msgRef    `json:"messages"`
	MessagesAdded   []msgChange `json:"messagesAdded"`
	MessagesDeleted []msgChange `json:"messagesDeleted"`
	LabelsAdded     []msgChange `json:"labelsAdded"`
	LabelsRemoved   []msgChange `json:"labelsRemoved"`
}

type historyList struct {
	History       []apiHistory `json:"history"`
	NextPageToken string       `json:"nextPageToken"`
	HistoryID     string       `json:"historyId"`
}

type apiProfile struct {
	EmailAddress string `json:"emailAddress"`
	HistoryID    string `json:"historyId"`
}

type labelList struct {
	Labels []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"labels"`
}

type delegateList struct {
	Delegates []struct {
		DelegateEmail      string `json:"delegateEmail"`
		VerificationStatus string `json:"verificationStatus"`
	} `json:"delegates"`
}

type attachmentBody struct {
	Size int64  `json:"size"`
	Data string `json:"data"`
}

type dirUser struct {
	PrimaryEmail string `json:"primaryEmail"`
	Suspended    bool   `json:"suspended"`
}

type userList struct {
	Users         []dirUser `json:"users"`
	NextPageToken string    `json:"nextPageToken"`
}
