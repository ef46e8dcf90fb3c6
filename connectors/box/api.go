package box

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// itemFields are the fields= the connector asks of every item.
const itemFields = "id,type,name,sha1,size,modified_at,content_modified_at,created_at,path_collection,owned_by,modified_by,shared_link,parent,trashed_at,item_status"

// mini is Box's mini representation of a folder or file.
type mini struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

type user struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	Login string `json:"login"`
}

// item is a file or folder as listed with itemFields.
type item struct {
	mini
	SHA1              string    `json:"sha1"`
	Size              int64     `json:"size"`
	CreatedAt         time.Time `json:"created_at"`
	ModifiedAt        time.Time `json:"modified_at"`
	ContentModifiedAt time.Time `json:"content_modified_at"`
	TrashedAt         time.Time `json:"trashed_at"`
	ItemStatus        string    `json:"item_status"`
	PathCollection    struct {
		Entries []mini `json:"entries"`
	} `json:"path_collection"`
	OwnedBy    *user `json:"owned_by"`
	ModifiedBy *user `json:"modified_by"`
	SharedLink *struct {
		URL    string `json:"url"`
		Access string `json:"access"`
	} `json:"shared_link"`
	Parent *mini `json:"parent"`
}

// markerPage is a page of a marker-paged listing.
type markerPage[T any] struct {
	Entries    []T    `json:"entries"`
	NextMarker string `json:"next_marker"`
}

// offsetPage is a page of an offset-paged listing.
type offsetPage[T any] struct {
	TotalCount int `json:"total_count"`
	Entries    []T `json:"entries"`
	Offset     int `json:"offset"`
	Limit      int `json:"limit"`
}

type collaboration struct {
	Status       string `json:"status"`
	Role         string `json:"role"`
	AccessibleBy *struct {
		Type  string `json:"type"`
		ID    string `json:"id"`
		Login string `json:"login"`
	} `json:"accessible_by"`
}

// streamPosition is next_stream_position, which Box sends as a number or
// a string.
type streamPosition string

func (p *streamPosition) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*p = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*p = streamPosition(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*p = streamPosition(n.String())
	return nil
}

type eventsPage struct {
	ChunkSize          int            `json:"chunk_size"`
	NextStreamPosition streamPosition `json:"next_stream_position"`
	Entries            []boxEvent     `json:"entries"`
}

type boxEvent struct {
	EventID   string          `json:"event_id"`
	EventType string          `json:"event_type"`
	Source    json.RawMessage `json:"source"`
}

// Links and ids. A file's id is its address in the web app; an archive's
// entries add !/ENTRY.
const appURL = "https://app.box.com"

func fileID(id string) string   { return appURL + "/file/" + id }
func folderID(id string) string { return appURL + "/folder/" + id }

// fileOf returns the Box id of a document id (FILE or FILE!/ENTRY), or "".
func fileOf(docID string) string {
	rest, ok := strings.CutPrefix(docID, appURL+"/file/")
	if !ok {
		return ""
	}
	if i := strings.Index(rest, "!/"); i >= 0 {
		rest = rest[:i]
	}
	if !numeric(rest) {
		return ""
	}
	return rest
}
