// Package extract turns the bytes of common document formats into text:
// plain text in any encoding, Markdown, HTML, JSON, CSV and TSV, PDF, the
// Office Open XML formats (DOCX, PPTX, XLSX) and e-mail messages (.eml).
//
// It knows nothing of where the bytes come from: the file connector, the web
// connector and any other connector share it. Every extractor bounds what
// it reads and returns one of the package's error kinds (ErrEncrypted,
// ErrUndecodable, ErrUnsupported, ErrTooLarge) for input it cannot turn
// into text, so a caller can report a precise failure. No extractor panics,
// even on hostile input.
package extract

import (
	"errors"
	"time"

	"github.com/tributary-dev/tributary"
)

// Error kinds, matched with errors.Is.
var (
	// ErrEncrypted: the document is protected by a password or encrypted.
	ErrEncrypted = errors.New("encrypted document")
	// ErrUndecodable: the bytes are malformed for their format or are not
	// text in any encoding the package can recognise.
	ErrUndecodable = errors.New("undecodable content")
	// ErrUnsupported: the format is recognised but has no text extractor
	// (an image, an executable).
	ErrUnsupported = errors.New("unsupported format")
	// ErrTooLarge: the document, or a part of it, is over a size bound.
	ErrTooLarge = errors.New("content over size bound")
)

// Doc is what an extractor found in a document.
//
// A section's Link, when set, is a fragment such as "#page=3" that the
// caller appends to the document's own link; an empty Link means the
// document's link.
type Doc struct {
	Title    string
	Sections []tributary.Section
	// Metadata holds tags the format carries (keywords, a sheet count).
	Metadata tributary.Metadata
	// Authors are the people the document names as its authors.
	Authors []tributary.Person
	// Recipients are the people an e-mail was sent to.
	Recipients []tributary.Person
	// Created and Updated are times the document states about itself, in
	// UTC; zero when it states none.
	Created, Updated time.Time
}

// Limits bounds what an extractor reads. A zero field means its default.
type Limits struct {
	// MaxText bounds the text an extractor returns, in bytes (default 64 MiB).
	MaxText int64
	// MaxPart bounds one decompressed part of a container format (a DOCX's
	// document.xml, a PDF content stream), in bytes (default 64 MiB).
	MaxPart int64
	// MaxParts bounds the number of parts of a container format read (the
	// slides of a PPTX, the pictures of a DOCX), default 10,000.
	MaxParts int
	// KeepImage, when set, is given the bytes of each picture embedded in
	// a DOCX, PPTX or PDF and returns the blob id its image section
	// references (see tributary.BlobSink); an error stops the extraction.
	// It is also given each table of an XLSX, CSV or TSV as CSV (MediaType
	// text/csv), whose id the table's sections reference. When nil,
	// pictures are not read, documents have no image sections and tables
	// no blob.
	KeepImage func(Image) (blobID string, err error)
}

func (l Limits) maxText() int64 {
	if l.MaxText > 0 {
		return l.MaxText
	}
	return 64 << 20
}

func (l Limits) maxPart() int64 {
	if l.MaxPart > 0 {
		return l.MaxPart
	}
	return 64 << 20
}

func (l Limits) maxParts() int {
	if l.MaxParts > 0 {
		return l.MaxParts
	}
	return 10_000
}

func textDoc(title, text string) *Doc {
	return &Doc{Title: title, Sections: []tributary.Section{{Kind: tributary.SectionText, Text: text}}}
}
