package notion

import (
	"encoding/json"
	"strings"
	"time"
)

// The API objects the connector reads, with only the fields it uses.
// Field names are Notion's (version 2022-06-28).

type apiUserRef struct {
	ID string `json:"id"`
}

type apiUser struct {
	Object string `json:"object"`
	ID     string `json:"id"`
	Type   string `json:"type"` // person or bot
	Name   string `json:"name"`
	Person *struct {
		Email string `json:"email"`
	} `json:"person"`
	Bot *struct {
		WorkspaceName string `json:"workspace_name"`
	} `json:"bot"`
}

type apiParent struct {
	Type       string `json:"type"` // workspace, page_id, database_id, block_id
	PageID     string `json:"page_id"`
	DatabaseID string `json:"database_id"`
	BlockID    string `json:"block_id"`
}

// id returns the id the parent names, "" for the workspace.
func (p apiParent) id() string {
	switch p.Type {
	case "page_id":
		return p.PageID
	case "database_id":
		return p.DatabaseID
	case "block_id":
		return p.BlockID
	}
	return ""
}

type apiRichText struct {
	PlainText string  `json:"plain_text"`
	Href      *string `json:"href"`
}

// plain joins rich text runs into text.
func plain(rts []apiRichText) string {
	var b strings.Builder
	for _, rt := range rts {
		b.WriteString(rt.PlainText)
	}
	return b.String()
}

// apiObject is a page or database as search, queries and GET return
// them.
type apiObject struct {
	Object         string                     `json:"object"` // page or database
	ID             string                     `json:"id"`
	CreatedTime    time.Time                  `json:"created_time"`
	LastEditedTime time.Time                  `json:"last_edited_time"`
	CreatedBy      *apiUserRef                `json:"created_by"`
	LastEditedBy   *apiUserRef                `json:"last_edited_by"`
	Parent         apiParent                  `json:"parent"`
	Archived       bool                       `json:"archived"`
	InTrash        bool                       `json:"in_trash"`
	URL            string                     `json:"url"`
	Properties     map[string]json.RawMessage `json:"properties"`
	Title          []apiRichText              `json:"title"` // databases
	IsInline       bool                       `json:"is_inline"`
}

// deleted reports an object in the trash.
func (o *apiObject) deleted() bool { return o.Archived || o.InTrash }

type apiList struct {
	Results    []json.RawMessage `json:"results"`
	NextCursor *string           `json:"next_cursor"`
	HasMore    bool              `json:"has_more"`
}

// next returns the cursor of the next page, "" on the last, and an error
// for a page that says more follow without a new cursor.
func (l *apiList) next(op, cursor string) (string, error) {
	if !l.HasMore {
		return "", nil
	}
	if l.NextCursor == nil || *l.NextCursor == "" || *l.NextCursor == cursor {
		return "", malformed(op, "has_more without a new next_cursor")
	}
	return *l.NextCursor, nil
}

type apiBlock struct {
	Object         string    `json:"object"`
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	HasChildren    bool      `json:"has_children"`
	LastEditedTime time.Time `json:"last_edited_time"`
	Parent         apiParent `json:"parent"`
	Archived       bool      `json:"archived"`
	InTrash        bool      `json:"in_trash"`
	body           blockBody
}

// blockBody holds the fields of every block type the connector reads.
type blockBody struct {
	RichText   []apiRichText   `json:"rich_text"`
	Checked    *bool           `json:"checked"`
	Language   string          `json:"language"`
	Title      string          `json:"title"` // child_page, child_database
	Caption    []apiRichText   `json:"caption"`
	URL        string          `json:"url"` // bookmark, embed, link_preview
	Expression string          `json:"expression"`
	Cells      [][]apiRichText `json:"cells"` // table_row
	SyncedFrom *struct {
		BlockID string `json:"block_id"`
	} `json:"synced_from"`
	External *struct {
		URL string `json:"url"`
	} `json:"external"`
	File *struct {
		URL string `json:"url"`
	} `json:"file"`
}

// UnmarshalJSON reads the block and the body under its type's key.
func (b *apiBlock) UnmarshalJSON(data []byte) error {
	type plainBlock apiBlock
	if err := json.Unmarshal(data, (*plainBlock)(b)); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	if raw, ok := all[b.Type]; ok && b.Type != "" && string(raw) != "null" {
		return json.Unmarshal(raw, &b.body)
	}
	return nil
}
