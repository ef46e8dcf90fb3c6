package tributary

import (
	"encoding/binary"
	"encoding/hex"
	"slices"
	"sync"
	"time"

	"github.com/zeebo/xxh3"
)

// SectionKind says what a Section holds.
type SectionKind string

// The kinds of section.
const (
	SectionText  SectionKind = "text"  // Text holds prose or code
	SectionImage SectionKind = "image" // ImageURL (and optionally Text as a caption) holds an image
	SectionTable SectionKind = "table" // Rows holds a table, the first row being the header
)

// Section is one part of a document with its own deep link: a page's body, a
// comment, a message in a thread, a sheet of a workbook.
type Section struct {
	Kind SectionKind `json:"kind"`
	// Link points at this section itself when the source can address it (an
	// anchor, a comment permalink); otherwise it is the document's link.
	Link string `json:"link,omitempty"`
	// Heading is an optional title for the section (a sheet name, a heading).
	Heading string `json:"heading,omitempty"`
	// Text is the section's text, or an image's caption.
	Text string `json:"text,omitempty"`
	// ImageURL locates an image section's content.
	ImageURL string `json:"image_url,omitempty"`
	// Rows holds a table section's cells, row by row, header first.
	Rows [][]string `json:"rows,omitempty"`
	// BlobID references the section's original bytes (an image, a
	// table's CSV, the source file) in the run's BlobSink, when it has one.
	BlobID string `json:"blob_id,omitempty"`
}

// TextSection returns a text section with the given link.
func TextSection(link, text string) Section {
	return Section{Kind: SectionText, Link: link, Text: text}
}

// Person is someone who owns, wrote or edited a document. Any field may be
// empty; Email is the most useful for matching people across sources.
type Person struct {
	DisplayName string `json:"display_name,omitempty"`
	FirstName   string `json:"first_name,omitempty"`
	LastName    string `json:"last_name,omitempty"`
	Email       string `json:"email,omitempty"`
}

// ExternalAccess says who may see a document in its source. A nil
// *ExternalAccess on a Document means the connector did not determine access
// (permissions were not asked for or the source does not expose them); an
// empty non-nil one means nobody outside the explicit lists below.
type ExternalAccess struct {
	UserEmails []string `json:"user_emails,omitempty"`
	GroupIDs   []string `json:"group_ids,omitempty"`
	Public     bool     `json:"public,omitempty"`
}

// Metadata holds a document's tags: each key has one or more values.
type Metadata map[string][]string

// Add appends values to key, skipping empty strings.
func (m Metadata) Add(key string, values ...string) {
	for _, v := range values {
		if v != "" {
			m[key] = append(m[key], v)
		}
	}
}

// Get returns the first value of key, or "".
func (m Metadata) Get(key string) string {
	if v := m[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Document is one unit of content handed to an indexing backend.
//
// Times are in UTC; a zero time means the source did not say, and connectors
// never invent one (no "now", no one time for a whole repository).
type Document struct {
	// ID is stable across runs and unique within the source, usually the
	// canonical web URL of the object.
	ID     string         `json:"id"`
	Source DocumentSource `json:"source"`
	// SemanticID is the name a person would recognise in a result list
	// ("PROJ-12: Fix login", "#general thread by Ana").
	SemanticID string    `json:"semantic_id"`
	Title      string    `json:"title,omitempty"`
	Sections   []Section `json:"sections"`
	Metadata   Metadata  `json:"metadata,omitempty"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
	CreatedAt  time.Time `json:"created_at,omitzero"`

	PrimaryOwners   []Person `json:"primary_owners,omitempty"`
	SecondaryOwners []Person `json:"secondary_owners,omitempty"`

	// ParentID is the raw id of the HierarchyNode that contains the document,
	// or "" when it has none.
	ParentID string `json:"parent_id,omitempty"`
	// ExternalAccess is who may see the document; see ExternalAccess.
	ExternalAccess *ExternalAccess `json:"external_access,omitempty"`
}

// Slim returns the document's SlimDocument.
func (d *Document) Slim() SlimDocument {
	return SlimDocument{ID: d.ID, ParentID: d.ParentID, ExternalAccess: d.ExternalAccess}
}

// Size estimates the document's encoded size in bytes, for batching by bytes.
// It counts text, links and cells; it is cheap and never allocates.
func (d *Document) Size() int {
	n := 64 + len(d.ID) + len(d.SemanticID) + len(d.Title) + len(d.ParentID)
	for _, s := range d.Sections {
		n += 16 + len(s.Link) + len(s.Heading) + len(s.Text) + len(s.ImageURL) + len(s.BlobID)
		for _, r := range s.Rows {
			for _, c := range r {
				n += len(c) + 3
			}
		}
	}
	for k, vs := range d.Metadata {
		n += len(k) + 4
		for _, v := range vs {
			n += len(v) + 3
		}
	}
	for _, p := range d.PrimaryOwners {
		n += len(p.DisplayName) + len(p.Email) + 32
	}
	for _, p := range d.SecondaryOwners {
		n += len(p.DisplayName) + len(p.Email) + 32
	}
	return n
}

// ContentHash returns a 128-bit fingerprint (32 hex digits) over everything
// an index stores about the document (id, title, sections, metadata, times,
// owners, parent and access), so two documents with the same hash need not be
// re-indexed. Metadata keys and access lists are hashed in sorted order, so
// map order does not matter. The fingerprint is XXH3-128: fast enough that
// change detection costs little beside encoding a document, and meant for
// detecting change, not for security.
func (d *Document) ContentHash() string {
	bp := hashBuffers.Get().(*[]byte)
	buf := (*bp)[:0]
	put := func(s string) {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	put(d.ID)
	put(string(d.Source))
	put(d.SemanticID)
	put(d.Title)
	for _, s := range d.Sections {
		put(string(s.Kind))
		put(s.Link)
		put(s.Heading)
		put(s.Text)
		put(s.ImageURL)
		if s.BlobID != "" { // hashed only when set, so that older hashes hold
			put("blob")
			put(s.BlobID)
		}
		for _, r := range s.Rows {
			put("row")
			for _, c := range r {
				put(c)
			}
		}
	}
	if len(d.Metadata) > 0 {
		keys := make([]string, 0, len(d.Metadata))
		for k := range d.Metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			put("meta")
			put(k)
			for _, v := range d.Metadata[k] {
				put(v)
			}
		}
	}
	putTime := func(t time.Time) {
		if t.IsZero() {
			buf = append(buf, 0)
			return
		}
		buf = append(buf, 1)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(t.Unix()))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(t.Nanosecond()))
	}
	putTime(d.UpdatedAt)
	putTime(d.CreatedAt)
	hashPeople(put, "primary", d.PrimaryOwners)
	hashPeople(put, "secondary", d.SecondaryOwners)
	put(d.ParentID)
	if a := d.ExternalAccess; a != nil {
		put("access")
		for _, list := range [][]string{a.UserEmails, a.GroupIDs} {
			put("list")
			if !slices.IsSorted(list) {
				list = slices.Sorted(slices.Values(list))
			}
			for _, v := range list {
				put(v)
			}
		}
		if a.Public {
			put("public")
		}
	}
	sum := xxh3.Hash128(buf).Bytes()
	if cap(buf) <= 1<<20 {
		*bp = buf
		hashBuffers.Put(bp)
	}
	return hex.EncodeToString(sum[:])
}

// hashBuffers holds the buffers ContentHash lays a document out in.
var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func hashPeople(put func(string), label string, people []Person) {
	put(label)
	for _, p := range people {
		put(p.DisplayName)
		put(p.FirstName)
		put(p.LastName)
		put(p.Email)
	}
}

// SlimDocument is what pruning and permission sync need of a document: its id,
// its parent and, when asked for, who may see it.
type SlimDocument struct {
	ID             string          `json:"id"`
	ParentID       string          `json:"parent_id,omitempty"`
	ExternalAccess *ExternalAccess `json:"external_access,omitempty"`
}

// NodeKind says what a HierarchyNode stands for.
type NodeKind string

// Common node kinds; connectors may use others.
const (
	NodeFolder     NodeKind = "folder"
	NodeSpace      NodeKind = "space"
	NodeChannel    NodeKind = "channel"
	NodeProject    NodeKind = "project"
	NodeRepository NodeKind = "repository"
	NodeSite       NodeKind = "site"
	NodePage       NodeKind = "page"
)

// HierarchyNode is a container of documents: a folder, space, channel,
// project or repository. Connectors always yield a node before any document
// or node whose ParentID names it.
type HierarchyNode struct {
	// ID is the raw id documents use as their ParentID.
	ID       string   `json:"id"`
	ParentID string   `json:"parent_id,omitempty"`
	Name     string   `json:"name"`
	Link     string   `json:"link,omitempty"`
	Kind     NodeKind `json:"kind"`
	// ExternalAccess is who may see the node, when known.
	ExternalAccess *ExternalAccess `json:"external_access,omitempty"`
}
