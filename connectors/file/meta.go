package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// MetadataFile is the name of the per-folder metadata side file. It is
// never indexed itself.
//
// It is a JSON object whose "files" member maps the names of files in the
// same folder (not in subfolders) to what to set on their documents; every
// member is optional:
//
//	{
//	  "files": {
//	    "handbook.pdf": {
//	      "id": "hr-handbook",
//	      "link": "https://intranet.example.com/hr/handbook",
//	      "title": "Employee handbook",
//	      "owners": ["ana@example.com", {"display_name": "Ben Ode", "email": "ben@example.com"}],
//	      "updated_at": "2024-05-01T09:00:00Z",
//	      "tags": {"department": ["hr"], "audience": "everyone"}
//	    }
//	  }
//	}
//
// An id replaces the document's file:// id (it must be unique in the
// source; two files of one side file may not share one). An owner is an
// e-mail address, a name, or a person object. A tag's value is a string or
// a list of strings. updated_at replaces the document's UpdatedAt, but Poll
// still selects documents by when their file (or this side file) last
// changed, so an edit is never missed. A side file that is malformed, over
// 1 MiB, or names a field it does not know is reported as a Failure on the
// side file itself, and its folder's files are indexed without it.
const MetadataFile = ".tributary-metadata.json"

const maxMetadataFile = 1 << 20

// FileMetadata is what a side file sets for one file.
type FileMetadata struct {
	ID        string              `json:"id,omitempty"`
	Link      string              `json:"link,omitempty"`
	Title     string              `json:"title,omitempty"`
	Owners    Owners              `json:"owners,omitempty"`
	UpdatedAt time.Time           `json:"updated_at,omitzero"`
	Tags      map[string]TagValue `json:"tags,omitempty"`
}

// Owners reads a list of people, each an e-mail address, a name or a
// tributary.Person object.
type Owners []tributary.Person

// UnmarshalJSON reads the list.
func (o *Owners) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return errors.New("owners must be a list")
	}
	for _, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			if strings.Contains(s, "@") {
				*o = append(*o, tributary.Person{Email: strings.TrimSpace(s)})
			} else {
				*o = append(*o, tributary.Person{DisplayName: strings.TrimSpace(s)})
			}
			continue
		}
		var p tributary.Person
		if err := strictJSON(r, &p); err != nil {
			return fmt.Errorf("owner %s: %w", r, err)
		}
		*o = append(*o, p)
	}
	return nil
}

// TagValue reads a tag's value: a string or a list of strings.
type TagValue []string

// UnmarshalJSON reads the value.
func (t *TagValue) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = TagValue{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return errors.New("a tag must be a string or a list of strings")
	}
	*t = l
	return nil
}

type sideFile struct {
	Files map[string]*FileMetadata `json:"files"`
}

// folderMeta is a folder's side file as read: its entries and the time it
// last changed.
type folderMeta struct {
	files   map[string]*FileMetadata
	changed time.Time // see changeTime
}

func (m *folderMeta) lookup(name string) *FileMetadata {
	if m == nil {
		return nil
	}
	return m.files[name]
}

// readSideFile reads and checks a side file opened from f.
func readSideFile(f *os.File) (*folderMeta, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxMetadataFile {
		return nil, fmt.Errorf("%s is %d bytes, over %d", MetadataFile, st.Size(), maxMetadataFile)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxMetadataFile+1))
	if err != nil {
		return nil, err
	}
	var sf sideFile
	if err := strictJSON(b, &sf); err != nil {
		return nil, fmt.Errorf("malformed %s: %w", MetadataFile, err)
	}
	ids := map[string]string{}
	for name, m := range sf.Files {
		if m == nil {
			continue
		}
		if strings.ContainsAny(name, "/\\") {
			return nil, fmt.Errorf("%s: %q: names files of this folder only, not paths", MetadataFile, name)
		}
		if m.ID == "" {
			continue
		}
		if other, dup := ids[m.ID]; dup {
			return nil, fmt.Errorf("%s: %q and %q share the id %q", MetadataFile, other, name, m.ID)
		}
		ids[m.ID] = name
	}
	return &folderMeta{files: sf.Files, changed: changeTime(st, time.Time{})}, nil
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}
