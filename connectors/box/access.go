package box

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/extract"
)

// maxCollabPages bounds the collaboration pages read per file or folder.
const maxCollabPages = 100

// access reads who may see a file: its owner, its own collaborators and
// those of every folder above it (collaborations are inherited, and each
// folder lists only its own), users by login and groups by id, and
// everyone when its shared link is open and public_shared_links is on.
// Folders' collaborations are read once per run.
func (r *run) access(e item) (*tributary.ExternalAccess, error) {
	acc := &tributary.ExternalAccess{}
	if e.OwnedBy != nil && e.OwnedBy.Login != "" {
		acc.UserEmails = append(acc.UserEmails, strings.ToLower(e.OwnedBy.Login))
	}
	own, err := r.collaborations("files", e.ID)
	if err != nil {
		return nil, err
	}
	merge(acc, own)
	for _, f := range e.PathCollection.Entries {
		if f.ID == "0" {
			continue
		}
		inherited, ok := r.folderAccess[f.ID]
		if !ok {
			if inherited, err = r.collaborations("folders", f.ID); err != nil {
				return nil, err
			}
			if len(r.folderAccess) >= maxRemembered {
				clear(r.folderAccess)
			}
			r.folderAccess[f.ID] = inherited
		}
		merge(acc, inherited)
	}
	if e.SharedLink != nil && e.SharedLink.Access == "open" && r.c.settings.PublicSharedLinks {
		acc.Public = true
	}
	slices.Sort(acc.UserEmails)
	slices.Sort(acc.GroupIDs)
	acc.UserEmails, acc.GroupIDs = slices.Compact(acc.UserEmails), slices.Compact(acc.GroupIDs)
	return acc, nil
}

func merge(acc, more *tributary.ExternalAccess) {
	acc.UserEmails = append(acc.UserEmails, more.UserEmails...)
	acc.GroupIDs = append(acc.GroupIDs, more.GroupIDs...)
}

// collaborations reads the accepted collaborations of a file or folder
// (kind "files" or "folders"), marker paged.
func (r *run) collaborations(kind, id string) (*tributary.ExternalAccess, error) {
	op := "box: collaborations of " + strings.TrimSuffix(kind, "s") + " " + id
	acc := &tributary.ExternalAccess{}
	marker := ""
	for n := 0; ; n++ {
		q := url.Values{"limit": {"1000"}}
		if marker != "" {
			q.Set("marker", marker)
		}
		var pg markerPage[collaboration]
		if err := r.c.client.get(r.ctx, "/"+kind+"/"+id+"/collaborations", q, &pg); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		for _, c := range pg.Entries {
			switch by := c.AccessibleBy; {
			case by == nil || c.Status != "" && c.Status != "accepted":
			case by.Type == "group" && by.ID != "":
				acc.GroupIDs = append(acc.GroupIDs, by.ID)
			case by.Type == "user" && by.Login != "":
				acc.UserEmails = append(acc.UserEmails, strings.ToLower(by.Login))
			}
		}
		switch {
		case pg.NextMarker == "":
			return acc, nil
		case pg.NextMarker == marker || n >= maxCollabPages:
			return nil, tributary.NewError(op, tributary.ErrMalformedResponse, errors.New("collaboration pages that do not end"))
		}
		marker = pg.NextMarker
	}
}

// boxNoteDoc reads a Box Note's text: the older format keeps it in
// atext.text, the newer one in the text leaves of a document tree.
func boxNoteDoc(b []byte) (*extract.Doc, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, tributary.NewError("box: read box note", tributary.ErrMalformedResponse, err)
	}
	var sb strings.Builder
	if m, ok := v.(map[string]any); ok {
		if at, ok := m["atext"].(map[string]any); ok {
			if s, ok := at["text"].(string); ok {
				sb.WriteString(s)
			}
		}
		if doc, ok := m["doc"]; ok && sb.Len() == 0 {
			texts(doc, &sb, 0)
		}
	}
	return extract.Text([]byte(strings.TrimSpace(sb.String())), "")
}

// texts collects the "text" strings of a note's tree, a paragraph's
// leaves on one line.
func texts(v any, sb *strings.Builder, depth int) {
	if depth > 64 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x["text"].(string); ok {
			sb.WriteString(s)
		}
		texts(x["content"], sb, depth+1)
		if t, _ := x["type"].(string); t == "paragraph" || t == "heading" || t == "list_item" {
			sb.WriteString("\n")
		}
	case []any:
		for _, c := range x {
			texts(c, sb, depth+1)
		}
	}
}
