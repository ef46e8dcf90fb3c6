package zulip

// The API objects the connector reads, with only the fields it uses.

// apiResult is the envelope of every answer.
type apiResult struct {
	Result string `json:"result"`
	Msg    string `json:"msg"`
	Code   string `json:"code"`
}

func (r *apiResult) res() *apiResult { return r }

type resulter interface{ res() *apiResult }

type apiUser struct {
	apiResult
	ID       int64  `json:"user_id"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
}

type apiStream struct {
	ID          int64  `json:"stream_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	InviteOnly  bool   `json:"invite_only"`
	WebPublic   bool   `json:"is_web_public"`
}

type apiStreams struct {
	apiResult
	Streams []apiStream `json:"streams"`
}

type apiTopic struct {
	Name  string `json:"name"`
	MaxID int64  `json:"max_id"`
}

type apiTopics struct {
	apiResult
	Topics []apiTopic `json:"topics"`
}

type apiMessage struct {
	ID          int64  `json:"id"`
	StreamID    int64  `json:"stream_id"`
	Subject     string `json:"subject"`
	Content     string `json:"content"`
	Timestamp   int64  `json:"timestamp"`
	LastEdit    int64  `json:"last_edit_timestamp"`
	LastMoved   int64  `json:"last_moved_timestamp"`
	SenderEmail string `json:"sender_email"`
	SenderName  string `json:"sender_full_name"`
	// EditHistory lists the message's edits, newest first, when the
	// organization shows edit history; a move names where the message
	// was before.
	EditHistory []apiEdit `json:"edit_history"`
}

// apiEdit is one entry of a message's edit history.
type apiEdit struct {
	Timestamp  int64  `json:"timestamp"`
	PrevTopic  string `json:"prev_topic"`
	PrevStream int64  `json:"prev_stream"`
	// PrevSubject is what servers before Zulip 5.0 call PrevTopic.
	PrevSubject string `json:"prev_subject"`
}

type apiMessages struct {
	apiResult
	Messages    []apiMessage `json:"messages"`
	FoundOldest bool         `json:"found_oldest"`
	FoundNewest bool         `json:"found_newest"`
}
